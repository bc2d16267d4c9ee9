import type { Kysely, Selectable } from 'kysely';
import type { DB, WorkEventsTable, WorkFilesTable, WorksTable } from '../db/schema.js';
import type { Dialect } from '../db/connect.js';
import { textSearch } from './search.js';

export type WorkRow = Selectable<WorksTable>;
export type WorkFileRow = Selectable<WorkFilesTable>;
export type WorkEventRow = Selectable<WorkEventsTable>;

export interface QueueQuery {
  statuses: string[];
  /** Every status but draft (the queue's default), in a form the indexes can serve. */
  excludeDrafts?: boolean;
  category?: string | undefined;
  reviewerId?: string | undefined;
  ownerId?: string | undefined;
  q?: string | undefined;
  sort: 'submitted_at' | 'reviewed_at' | 'title' | 'registration_number' | 'updated_at';
  order: 'asc' | 'desc';
  limit: number;
  offset: number;
}

export class WorksRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  async insert(row: WorkRow): Promise<void> {
    await this.db.insertInto('works').values(row).execute();
  }

  async update(id: string, patch: Partial<Omit<WorkRow, 'id'>>): Promise<void> {
    await this.db.updateTable('works').set(patch).where('id', '=', id).execute();
  }

  byId(id: string): Promise<WorkRow | undefined> {
    return this.db.selectFrom('works').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byIds(ids: string[]): Promise<WorkRow[]> {
    if (ids.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('works').selectAll().where('id', 'in', ids).execute();
  }

  /** Reads a work and, on PostgreSQL, locks its row until the transaction ends. */
  lockById(id: string): Promise<WorkRow | undefined> {
    return this.db
      .selectFrom('works')
      .selectAll()
      .where('id', '=', id)
      .$if(this.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('work_events').where('work_id', '=', id).execute();
    await this.db.deleteFrom('work_files').where('work_id', '=', id).execute();
    await this.db.deleteFrom('notifications').where('work_id', '=', id).execute();
    await this.db.deleteFrom('works').where('id', '=', id).execute();
  }

  files(workId: string): Promise<WorkFileRow[]> {
    return this.db.selectFrom('work_files').selectAll().where('work_id', '=', workId).orderBy('position').execute();
  }

  filesOf(workIds: string[]): Promise<WorkFileRow[]> {
    if (workIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('work_files').selectAll().where('work_id', 'in', workIds).orderBy('position').execute();
  }

  file(workId: string, fileId: string): Promise<WorkFileRow | undefined> {
    return this.db.selectFrom('work_files').selectAll().where('work_id', '=', workId).where('id', '=', fileId).executeTakeFirst();
  }

  async insertFile(row: WorkFileRow): Promise<void> {
    await this.db.insertInto('work_files').values(row).execute();
  }

  async deleteFiles(workId: string, ids: string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.deleteFrom('work_files').where('work_id', '=', workId).where('id', 'in', ids).execute();
  }

  async insertBlob(sha256: string, size: number, now: string): Promise<void> {
    await this.db.insertInto('blobs').values({ sha256, size, created_at: now }).onConflict((oc) => oc.column('sha256').doNothing()).execute();
  }

  async blobReferenced(sha256: string): Promise<boolean> {
    const r = await this.db.selectFrom('work_files').select('id').where('sha256', '=', sha256).limit(1).executeTakeFirst();
    return r !== undefined;
  }

  async blobKnown(sha256: string): Promise<boolean> {
    const r = await this.db.selectFrom('blobs').select('sha256').where('sha256', '=', sha256).executeTakeFirst();
    return r !== undefined;
  }

  async deleteBlobRow(sha256: string): Promise<void> {
    await this.db.deleteFrom('blobs').where('sha256', '=', sha256).execute();
  }

  async insertEvent(row: WorkEventRow): Promise<void> {
    await this.db.insertInto('work_events').values(row).execute();
  }

  async insertEvents(rows: WorkEventRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('work_events').values(rows).execute();
  }

  events(workId: string): Promise<(WorkEventRow & { actor_name: string | null })[]> {
    return this.db
      .selectFrom('work_events')
      .leftJoin('users', 'users.id', 'work_events.actor_id')
      .selectAll('work_events')
      .select('users.display_name as actor_name')
      .where('work_id', '=', workId)
      .orderBy('work_events.created_at')
      .orderBy('work_events.id')
      .execute();
  }

  /**
   * One page of works with owner and reviewer names, for the queue and "my works".
   * Two steps: the ids of the page, read in index order (works_<sort>_id covers the sort,
   * the tie-break and the status filter, so OFFSET walks the index only), then the rows
   * and names for just those ids. A text search has to scan anyway, so it counts in the
   * same pass (a window count) instead of a second scan.
   */
  async page(q: QueueQuery) {
    let base = this.db.selectFrom('works');
    if (q.excludeDrafts) base = base.where('works.status', '<>', 'draft');
    if (q.statuses.length > 0) base = base.where('works.status', 'in', q.statuses);
    if (q.category) base = base.where('works.category', '=', q.category);
    if (q.reviewerId) base = base.where('works.reviewer_id', '=', q.reviewerId);
    if (q.ownerId) base = base.where('works.owner_id', '=', q.ownerId);
    if (q.q) {
      const text = q.q;
      base = base.where((eb) => textSearch(eb, this.dialect, text));
    }
    const ids = await base
      .select('works.id')
      .$if(!!q.q, (qb) => qb.select((eb) => eb.fn.countAll<number>().over().as('total')))
      .orderBy(`works.${q.sort}`, q.order)
      .orderBy('works.id', q.order)
      .limit(q.limit)
      .offset(q.offset)
      .execute();
    const windowTotal = (ids[0] as { total?: number } | undefined)?.total;
    const total = q.q && windowTotal !== undefined ? Number(windowTotal) : Number((await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    if (ids.length === 0) return { items: [], total };
    const rows = await this.db
      .selectFrom('works')
      .leftJoin('users as owner', 'owner.id', 'works.owner_id')
      .leftJoin('users as reviewer', 'reviewer.id', 'works.reviewer_id')
      .select([
        'works.id', 'works.title', 'works.category', 'works.authors_text', 'works.status', 'works.submitted_at', 'works.reviewed_at',
        'works.review_reason', 'works.registration_number', 'works.registered_at', 'works.updated_at', 'works.created_at', 'works.owner_id', 'works.reviewer_id',
        'owner.display_name as owner_name', 'reviewer.display_name as reviewer_name',
      ])
      .where('works.id', 'in', ids.map((i) => i.id))
      .execute();
    const byId = new Map(rows.map((r) => [r.id, r]));
    return { items: ids.map((i) => byId.get(i.id)!), total };
  }

  /** Works created by an import batch, with the CSV row each came from (to resume after a crash). */
  async importedRows(batchId: string): Promise<{ id: string; title: string; row: number }[]> {
    const rows = await this.db
      .selectFrom('works')
      .innerJoin('work_events', 'work_events.work_id', 'works.id')
      .select(['works.id', 'works.title', 'work_events.data'])
      .where('works.import_batch_id', '=', batchId)
      .where('work_events.action', '=', 'create')
      .execute();
    return rows.map((r) => ({ id: r.id, title: r.title, row: Number((JSON.parse(r.data) as { importRow?: number }).importRow) }));
  }

  async countByStatus(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('works').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).groupBy('status').execute();
    return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
  }
}
