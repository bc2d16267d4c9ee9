import { sql, type Kysely, type Selectable } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { DB, LogCheckpointsTable, LogCosignaturesTable, LogEntriesTable, LogStateTable, LogTimestampsTable, WorkEventsTable, WorkFilesTable, WorksTable } from '../db/schema.js';

export type LogEntryRow = Selectable<LogEntriesTable>;
export type LogStateRow = Selectable<LogStateTable>;
export type LogCheckpointRow = Selectable<LogCheckpointsTable>;
export type LogCosignatureRow = Selectable<LogCosignaturesTable>;
export type LogTimestampRow = Selectable<LogTimestampsTable>;

export interface TileRow {
  level: number;
  idx: number;
  width: number;
  hashes: Buffer;
}

/** The rows an approval leaf was built from, for one work. */
export interface SourceRows {
  work: Selectable<WorksTable> | undefined;
  event: Selectable<WorkEventsTable> | undefined;
  files: Selectable<WorkFilesTable>[];
}

const SEQUENCE_SCOPE = 'registry-log';
// Both dialects accept a few thousand bound values per statement; stay well below.
const CHUNK = 500;

/**
 * What an erasure leaves in the personal columns of works that hold names and
 * descriptions, and in the same columns of a correction's `fields` (docs/leaf-format.md,
 * "Erasure"). The audit expects exactly these values in an erased correction.
 */
export const ERASED_VALUES = { authors: '[]', owners: '[]', description: '' } as const;

/** A correction's `fields` JSON with its personal columns erased; unreadable JSON becomes {}. */
export function erasedFields(fields: string): string {
  let v: unknown;
  try {
    v = JSON.parse(fields);
  } catch {
    return '{}';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '{}';
  const out = { ...(v as Record<string, unknown>) };
  for (const [column, erased] of Object.entries(ERASED_VALUES)) if (column in out) out[column] = erased;
  return JSON.stringify(out);
}

export const toBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** The registry log: sequenced entries, tiles, tree state, checkpoints and what witnesses and TSAs returned. */
export class LogRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  /**
   * Reserves `n` consecutive indexes inside the caller's transaction. The counter row stays
   * locked until commit (PostgreSQL) or the single writer holds it (SQLite), so indexes
   * are handed out in commit order and a rolled-back transaction gives its indexes back.
   */
  async reserve(n: number): Promise<number> {
    await this.db.insertInto('counters').values({ scope: SEQUENCE_SCOPE, value: 0 }).onConflict((oc) => oc.column('scope').doNothing()).execute();
    const r = await this.db
      .updateTable('counters')
      .set((eb) => ({ value: eb('value', '+', n) }))
      .where('scope', '=', SEQUENCE_SCOPE)
      .returning('value')
      .executeTakeFirstOrThrow();
    return Number(r.value) - n;
  }

  async insertEntries(rows: LogEntryRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += CHUNK) await this.db.insertInto('log_entries').values(rows.slice(i, i + CHUNK)).execute();
  }

  /** Leaf hashes of up to `limit` entries from index `start` on, in order (integration). */
  leafHashesFrom(start: number, limit: number): Promise<Pick<LogEntryRow, 'idx' | 'leaf_hash'>[]> {
    return this.db.selectFrom('log_entries').select(['idx', 'leaf_hash']).where('idx', '>=', start).orderBy('idx').limit(limit).execute();
  }

  /** The public bytes of the entries in [start, end), in order (entry bundles; never the salts). */
  entryBytes(start: number, end: number): Promise<Pick<LogEntryRow, 'idx' | 'entry'>[]> {
    return this.db.selectFrom('log_entries').select(['idx', 'entry']).where('idx', '>=', start).where('idx', '<', end).orderBy('idx').execute();
  }

  /** Full rows of the entries in [start, end), in order (the audit). */
  entryRows(start: number, end: number): Promise<LogEntryRow[]> {
    return this.db.selectFrom('log_entries').selectAll().where('idx', '>=', start).where('idx', '<', end).orderBy('idx').execute();
  }

  /** Up to `limit` full rows from index `start` on, in order. */
  entryRowsFrom(start: number, limit: number): Promise<LogEntryRow[]> {
    return this.db.selectFrom('log_entries').selectAll().where('idx', '>=', start).orderBy('idx').limit(limit).execute();
  }

  async entryCount(): Promise<number> {
    const r = await this.db.selectFrom('log_entries').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  entryOfEvent(eventId: string): Promise<LogEntryRow | undefined> {
    return this.db.selectFrom('log_entries').selectAll().where('event_id', '=', eventId).executeTakeFirst();
  }

  latestEntryOfWork(workId: string): Promise<Pick<LogEntryRow, 'idx' | 'kind' | 'entry' | 'created_at'> | undefined> {
    return this.db.selectFrom('log_entries').select(['idx', 'kind', 'entry', 'created_at']).where('work_id', '=', workId).orderBy('idx', 'desc').limit(1).executeTakeFirst();
  }

  /**
   * Takes the integrator's lock for the rest of the transaction. PostgreSQL: a transaction
   * advisory lock per schema, so one process integrates and the others skip instead of
   * queueing; it is released by commit, rollback or a dead connection. SQLite: the
   * transaction already holds the only write lock (BEGIN IMMEDIATE).
   */
  async tryLockIntegrator(): Promise<boolean> {
    if (this.dialect !== 'postgres') return true;
    const r = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('cws.registry-log:' || current_schema())) as locked`.execute(this.db);
    return r.rows[0]?.locked === true;
  }

  state(): Promise<LogStateRow | undefined> {
    return this.db.selectFrom('log_state').selectAll().where('id', '=', 1).executeTakeFirst();
  }

  /**
   * First start wins: the log's identity (origin and key) is fixed by whoever creates it.
   * `created` tells the caller whether that was this transaction.
   */
  async initState(origin: string, vkey: string, emptyRoot: Uint8Array, now: string): Promise<{ state: LogStateRow; created: boolean }> {
    const r = await this.db.insertInto('log_state').values({ id: 1, origin, vkey, size: 0, root: toBuffer(emptyRoot), updated_at: now }).onConflict((oc) => oc.column('id').doNothing()).executeTakeFirst();
    return { state: (await this.state())!, created: Number(r.numInsertedOrUpdatedRows ?? 0) === 1 };
  }

  /** Approvals recorded before the log existed, oldest first. */
  approvalsBeforeLog(): Promise<{ work_id: string; event_id: string; created_at: string }[]> {
    return this.db
      .selectFrom('work_events')
      .innerJoin('works', 'works.id', 'work_events.work_id')
      .select(['work_events.work_id', 'work_events.id as event_id', 'work_events.created_at'])
      .where('work_events.action', '=', 'approve')
      .where('works.status', '=', 'approved')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('log_entries').select('log_entries.idx').whereRef('log_entries.event_id', '=', 'work_events.id'))))
      .orderBy('work_events.created_at')
      .orderBy('work_events.id')
      .execute();
  }

  /** Compare-and-swap on the size: a second integrator that slipped past the lock changes nothing. */
  /** Which of these entries had their personal data erased (log_erasures). */
  async erasedAmong(indices: readonly number[]): Promise<Set<number>> {
    const out = new Set<number>();
    for (let i = 0; i < indices.length; i += CHUNK) {
      for (const r of await this.db.selectFrom('log_erasures').select('idx').where('idx', 'in', indices.slice(i, i + CHUNK)).execute()) out.add(Number(r.idx));
    }
    return out;
  }

  /** The log entries that record a work, and whether each still has its salt. */
  async entriesOfWork(workId: string): Promise<{ idx: number; hasSalt: boolean }[]> {
    const rows = await this.db.selectFrom('log_entries').select(['idx', 'salt']).where('work_id', '=', workId).orderBy('idx').execute();
    return rows.map((r) => ({ idx: Number(r.idx), hasSalt: r.salt !== null }));
  }

  /**
   * Erases the personal data of a work (privacy law): the salts of its log entries, so their
   * commitments no longer point at anyone, and the personal columns the commitments covered.
   * The entries, the tree and the checkpoints stay; each erased entry is put on record.
   */
  async erasePersonalData(workId: string, indices: readonly number[], e: { actorId: string | null; reason: string; now: string }): Promise<void> {
    await this.db.updateTable('log_entries').set({ salt: null }).where('work_id', '=', workId).execute();
    await this.db
      .updateTable('works')
      .set({ ...ERASED_VALUES, authors_text: '', review_reason: null, updated_at: e.now })
      .where('id', '=', workId)
      .execute();
    await this.db.updateTable('work_events').set({ reason: null }).where('work_id', '=', workId).execute();
    // Corrections carry new values of the same columns (and a reason that may name the
    // person): they go the same way, or the registration as it stands would bring them back.
    for (const ev of await this.db.selectFrom('registry_events').select(['id', 'fields']).where('work_id', '=', workId).execute()) {
      await this.db.updateTable('registry_events').set({ fields: erasedFields(ev.fields), reason: '' }).where('id', '=', ev.id).execute();
    }
    // The owner's and reviewer's notifications repeat the decisions' reasons.
    for (const n of await this.db.selectFrom('notifications').select(['id', 'data']).where('work_id', '=', workId).execute()) {
      const data = JSON.parse(n.data) as Record<string, unknown>;
      if (data.reason === undefined || data.reason === null) continue;
      await this.db.updateTable('notifications').set({ data: JSON.stringify({ ...data, reason: null }) }).where('id', '=', n.id).execute();
    }
    // File names often carry a person's name; keep only the extension.
    const files = await this.db.selectFrom('work_files').select(['id', 'filename', 'position']).where('work_id', '=', workId).execute();
    for (const f of files) {
      const ext = /\.[A-Za-z0-9]{1,10}$/.exec(f.filename)?.[0] ?? '';
      await this.db.updateTable('work_files').set({ filename: `file-${Number(f.position) + 1}${ext}` }).where('id', '=', f.id).execute();
    }
    if (indices.length > 0) {
      await this.db
        .insertInto('log_erasures')
        .values(indices.map((idx) => ({ idx, work_id: workId, actor_id: e.actorId, reason: e.reason, erased_at: e.now })))
        .onConflict((oc) => oc.column('idx').doNothing())
        .execute();
    }
  }

  /** Names a new signing key for the log, if `fromVkey` is still its key (key rotation). */
  async replaceKey(fromVkey: string, vkey: string, now: string): Promise<boolean> {
    const r = await this.db.updateTable('log_state').set({ vkey, updated_at: now }).where('id', '=', 1).where('vkey', '=', fromVkey).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async advanceState(fromSize: number, size: number, root: Uint8Array, now: string): Promise<boolean> {
    const r = await this.db.updateTable('log_state').set({ size, root: toBuffer(root), updated_at: now }).where('id', '=', 1).where('size', '=', fromSize).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async tiles(refs: readonly { level: number; index: number }[]): Promise<TileRow[]> {
    if (refs.length === 0) return [];
    return this.db
      .selectFrom('log_tiles')
      .selectAll()
      .where((eb) => eb.or(refs.map((t) => eb.and([eb('level', '=', t.level), eb('idx', '=', t.index)]))))
      .execute();
  }

  tile(level: number, index: number): Promise<TileRow | undefined> {
    return this.db.selectFrom('log_tiles').selectAll().where('level', '=', level).where('idx', '=', index).executeTakeFirst();
  }

  /** Tiles of one level in [from, to) by index, in order (the audit). */
  tilesOfLevel(level: number, from: number, to: number): Promise<TileRow[]> {
    return this.db.selectFrom('log_tiles').selectAll().where('level', '=', level).where('idx', '>=', from).where('idx', '<', to).orderBy('idx').execute();
  }

  async putTiles(tiles: readonly { level: number; index: number; width: number; hashes: Uint8Array }[]): Promise<void> {
    for (let i = 0; i < tiles.length; i += CHUNK) {
      const rows = tiles.slice(i, i + CHUNK).map((t) => ({ level: t.level, idx: t.index, width: t.width, hashes: toBuffer(t.hashes) }));
      await this.db
        .insertInto('log_tiles')
        .values(rows)
        .onConflict((oc) => oc.columns(['level', 'idx']).doUpdateSet((eb) => ({ width: eb.ref('excluded.width'), hashes: eb.ref('excluded.hashes') })))
        .execute();
    }
  }

  latestCheckpoint(): Promise<LogCheckpointRow | undefined> {
    return this.db.selectFrom('log_checkpoints').selectAll().orderBy('size', 'desc').limit(1).executeTakeFirst();
  }

  checkpoint(size: number): Promise<LogCheckpointRow | undefined> {
    return this.db.selectFrom('log_checkpoints').selectAll().where('size', '=', size).executeTakeFirst();
  }

  /** Every checkpoint, smallest first (the audit). */
  checkpoints(): Promise<LogCheckpointRow[]> {
    return this.db.selectFrom('log_checkpoints').selectAll().orderBy('size').execute();
  }

  async insertCheckpoint(row: LogCheckpointRow): Promise<void> {
    await this.db.insertInto('log_checkpoints').values(row).execute();
  }

  async putCosignature(row: LogCosignatureRow): Promise<void> {
    await this.db
      .insertInto('log_cosignatures')
      .values(row)
      .onConflict((oc) => oc.columns(['checkpoint_size', 'witness_key']).doNothing())
      .execute();
  }

  cosignatures(checkpointSize?: number): Promise<LogCosignatureRow[]> {
    return this.db
      .selectFrom('log_cosignatures')
      .selectAll()
      .$if(checkpointSize !== undefined, (q) => q.where('checkpoint_size', '=', checkpointSize!))
      .orderBy('checkpoint_size')
      .orderBy('witness_key')
      .execute();
  }

  async putTimestamp(row: LogTimestampRow): Promise<void> {
    await this.db.insertInto('log_timestamps').values(row).onConflict((oc) => oc.columns(['checkpoint_size', 'tsa_url']).doNothing()).execute();
  }

  timestamps(checkpointSize?: number): Promise<LogTimestampRow[]> {
    return this.db
      .selectFrom('log_timestamps')
      .selectAll()
      .$if(checkpointSize !== undefined, (q) => q.where('checkpoint_size', '=', checkpointSize!))
      .orderBy('checkpoint_size')
      .execute();
  }

  async witnessCosignedSize(witnessKey: string): Promise<number | undefined> {
    const r = await this.db.selectFrom('log_witnesses').select('cosigned_size').where('witness_key', '=', witnessKey).executeTakeFirst();
    return r ? Number(r.cosigned_size) : undefined;
  }

  async setWitnessState(witnessKey: string, cosignedSize: number, lastError: string | null, now: string): Promise<void> {
    await this.db
      .insertInto('log_witnesses')
      .values({ witness_key: witnessKey, cosigned_size: cosignedSize, last_error: lastError, updated_at: now })
      .onConflict((oc) => oc.column('witness_key').doUpdateSet({ cosigned_size: cosignedSize, last_error: lastError, updated_at: now }))
      .execute();
  }

  /** Rows behind the given approval events, fetched together (the audit reads them in batches). */
  async sourceRows(items: readonly { workId: string; eventId: string }[]): Promise<Map<string, SourceRows>> {
    const out = new Map<string, SourceRows>();
    if (items.length === 0) return out;
    const workIds = [...new Set(items.map((i) => i.workId))];
    const eventIds = items.map((i) => i.eventId);
    const works = new Map<string, Selectable<WorksTable>>();
    const events = new Map<string, Selectable<WorkEventsTable>>();
    const files = new Map<string, Selectable<WorkFilesTable>[]>();
    for (let i = 0; i < workIds.length; i += CHUNK) {
      const ids = workIds.slice(i, i + CHUNK);
      for (const w of await this.db.selectFrom('works').selectAll().where('id', 'in', ids).execute()) works.set(w.id, w);
      for (const f of await this.db.selectFrom('work_files').selectAll().where('work_id', 'in', ids).orderBy('work_id').orderBy('position').orderBy('id').execute()) {
        const list = files.get(f.work_id);
        if (list) list.push(f);
        else files.set(f.work_id, [f]);
      }
    }
    for (let i = 0; i < eventIds.length; i += CHUNK) {
      for (const e of await this.db.selectFrom('work_events').selectAll().where('id', 'in', eventIds.slice(i, i + CHUNK)).execute()) events.set(e.id, e);
    }
    for (const it of items) out.set(it.eventId, { work: works.get(it.workId), event: events.get(it.eventId), files: files.get(it.workId) ?? [] });
    return out;
  }

  /** Where this connection points, so another thread can open its own: the SQLite file ('' in memory) or the PostgreSQL schema. */
  async location(): Promise<string> {
    if (this.dialect === 'postgres') return (await sql<{ s: string }>`select current_schema() as s`.execute(this.db)).rows[0]?.s ?? '';
    return (await sql<{ name: string; file: string }>`pragma database_list`.execute(this.db)).rows.find((r) => r.name === 'main')?.file ?? '';
  }

  /**
   * Rows behind a contiguous run of entries, found through the entries' own work_id and
   * event_id columns with three range joins (the audit's fast path; much cheaper than
   * long IN lists). Keyed by event id.
   */
  async sourceRowsInRange(entries: readonly Pick<LogEntryRow, 'idx' | 'work_id' | 'event_id'>[]): Promise<Map<string, SourceRows>> {
    const start = Number(entries[0]?.idx ?? 0);
    const end = Number(entries.at(-1)?.idx ?? -1) + 1;
    const works = new Map<string, Selectable<WorksTable>>();
    const files = new Map<string, Selectable<WorkFilesTable>[]>();
    const events = new Map<string, Selectable<WorkEventsTable>>();
    const [w, e, f] = await Promise.all([
      this.db.selectFrom('log_entries as e').innerJoin('works', 'works.id', 'e.work_id').selectAll('works').where('e.idx', '>=', start).where('e.idx', '<', end).execute(),
      this.db.selectFrom('log_entries as e').innerJoin('work_events', 'work_events.id', 'e.event_id').selectAll('work_events').where('e.idx', '>=', start).where('e.idx', '<', end).execute(),
      this.db
        .selectFrom('log_entries as e')
        .innerJoin('work_files', 'work_files.work_id', 'e.work_id')
        .selectAll('work_files')
        .where('e.idx', '>=', start)
        .where('e.idx', '<', end)
        .orderBy('work_files.work_id')
        .orderBy('work_files.position')
        .orderBy('work_files.id')
        .execute(),
    ]);
    for (const row of w) works.set(row.id, row);
    for (const row of e) events.set(row.id, row);
    const seen = new Set<string>();
    for (const row of f) {
      if (seen.has(row.id)) continue;
      seen.add(row.id);
      const list = files.get(row.work_id);
      if (list) list.push(row);
      else files.set(row.work_id, [row]);
    }
    const out = new Map<string, SourceRows>();
    for (const it of entries) {
      if (it.work_id === null) continue;
      out.set(it.event_id, { work: works.get(it.work_id), event: events.get(it.event_id), files: files.get(it.work_id) ?? [] });
    }
    return out;
  }

  /** Approved works and approve events with no log entry: registrations the log never saw. */
  async unloggedApprovals(): Promise<{ works: { id: string }[]; events: { id: string; work_id: string }[] }> {
    const works = await this.db
      .selectFrom('works')
      .select('works.id')
      .where((eb) => eb.or([eb('works.status', '=', 'approved'), eb('works.registration_number', 'is not', null)]))
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('log_entries').select('log_entries.idx').whereRef('log_entries.work_id', '=', 'works.id'))))
      .execute();
    const events = await this.db
      .selectFrom('work_events')
      .select(['work_events.id', 'work_events.work_id'])
      .where('work_events.action', '=', 'approve')
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('log_entries').select('log_entries.idx').whereRef('log_entries.event_id', '=', 'work_events.id'))))
      .execute();
    return { works, events };
  }
}
