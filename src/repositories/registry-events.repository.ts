import type { Kysely, Selectable } from 'kysely';
import type { DB, RegistryEventsTable } from '../db/schema.js';

export type RegistryEventRow = Selectable<RegistryEventsTable>;
// Both dialects accept a few thousand bound values per statement; stay well below.
const CHUNK = 500;

/** Corrections and revocations of registrations (migration 0008). */
export class RegistryEventsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: RegistryEventRow): Promise<void> {
    await this.db.insertInto('registry_events').values(row).execute();
  }

  /** A work's events, oldest first. */
  ofWork(workId: string): Promise<RegistryEventRow[]> {
    return this.db.selectFrom('registry_events').selectAll().where('work_id', '=', workId).orderBy('created_at').orderBy('id').execute();
  }

  async byIds(ids: readonly string[]): Promise<Map<string, RegistryEventRow>> {
    const out = new Map<string, RegistryEventRow>();
    for (let i = 0; i < ids.length; i += CHUNK) {
      for (const r of await this.db.selectFrom('registry_events').selectAll().where('id', 'in', ids.slice(i, i + CHUNK)).execute()) out.set(r.id, r);
    }
    return out;
  }

  /** Every event with the log index that records it (null when none does), oldest first: the audit's status pass. */
  allWithEntries() {
    return this.db
      .selectFrom('registry_events')
      .leftJoin('log_entries', 'log_entries.event_id', 'registry_events.id')
      .select(['registry_events.id', 'registry_events.work_id', 'registry_events.kind', 'registry_events.created_at', 'log_entries.idx'])
      .orderBy('registry_events.work_id')
      .orderBy('log_entries.idx')
      .execute();
  }

  /** Works whose status only a registry event can give, or that have events: the audit's status pass. */
  worksWithEvents() {
    return this.db
      .selectFrom('works')
      .select(['id', 'registration_number', 'status'])
      .where((eb) => eb.or([eb('status', 'in', ['corrected', 'revoked']), eb.exists(eb.selectFrom('registry_events').select('registry_events.id').whereRef('registry_events.work_id', '=', 'works.id'))]))
      .execute();
  }

  /** The works named by event leaves (the audit). */
  worksByIds(ids: readonly string[]) {
    return this.db.selectFrom('works').select(['id', 'registration_number', 'status']).where('id', 'in', ids.length > 0 ? [...ids] : ['']).execute();
  }
}
