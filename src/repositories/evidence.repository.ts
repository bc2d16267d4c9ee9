import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Reads behind evidence packages and public verification: a registration by number or content, and its log entry. */
export class EvidenceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  workByNumber(number: string) {
    return this.db.selectFrom('works').selectAll().where('registration_number', '=', number).executeTakeFirst();
  }

  /** Registered works holding a file with this SHA-256 (approved or once approved), newest first. */
  registeredBySha256(sha256: string) {
    return this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['works.id as work_id', 'works.registration_number', 'work_files.id as file_id'])
      .where('work_files.sha256', '=', sha256)
      .where('works.registration_number', 'is not', null)
      .orderBy('works.registered_at', 'desc')
      .limit(50)
      .execute();
  }

  /**
   * What a public record depends on, as one short string (undefined for a number never issued):
   * the work's last change and status, its log entries and how many still hold their salt (an
   * erasure removes it), the newest checkpoint and the cosignatures and timestamps gathered
   * for it. Indexed lookups only, to check a cached record is still current.
   */
  async publicVersion(number: string): Promise<string | undefined> {
    const r = await sql<{ id: string; updated_at: string; status: string; le_n: number; le_salted: number; cp: number | null; cos_n: number; cos_at: string | null; ts_n: number }>`
      select w.id, w.updated_at, w.status, c.size as cp,
        (select count(*) from log_entries where work_id = w.id) as le_n,
        (select count(salt) from log_entries where work_id = w.id) as le_salted,
        (select count(*) from log_cosignatures where checkpoint_size = c.size) as cos_n,
        (select max(created_at) from log_cosignatures where checkpoint_size = c.size) as cos_at,
        (select count(*) from log_timestamps where checkpoint_size = c.size) as ts_n
      from works w cross join (select max(size) as size from log_checkpoints) c
      where w.registration_number = ${number}`.execute(this.db);
    const v = r.rows[0];
    return v && [v.id, v.updated_at, v.status, v.le_n, v.le_salted, v.cp ?? '-', v.cos_n, v.cos_at ?? '-', v.ts_n].join('|');
  }

  /** The approval entry of a work with its salt (null once personal data was erased). */
  approvalEntry(workId: string) {
    return this.db
      .selectFrom('log_entries')
      .select(['idx', 'kind', 'entry', 'salt', 'event_id'])
      .where('work_id', '=', workId)
      .where('kind', '=', 'approval')
      .orderBy('idx', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
