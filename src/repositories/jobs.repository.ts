import type { Kysely, Selectable } from 'kysely';
import type { DB, JobsTable } from '../db/schema.js';
import type { Dialect } from '../db/connect.js';
import { newId, nowIso } from '../domain/ids.js';

export type JobRow = Selectable<JobsTable>;

export class JobsRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  async enqueue(kind: string, payload: unknown, opts: { runAt?: Date; maxAttempts?: number } = {}): Promise<string> {
    return (await this.enqueueAll([{ kind, payload }], opts))[0]!;
  }

  /** Several jobs in one statement (a submission queues two). */
  async enqueueAll(jobs: readonly { kind: string; payload: unknown }[], opts: { runAt?: Date; maxAttempts?: number } = {}): Promise<string[]> {
    const now = nowIso();
    const runAt = (opts.runAt ?? new Date()).toISOString();
    const rows = jobs.map((j) => ({ id: newId(), kind: j.kind, payload: JSON.stringify(j.payload), status: 'queued', attempts: 0, max_attempts: opts.maxAttempts ?? 5, run_at: runAt, locked_by: null, locked_until: null, last_error: null, created_at: now, updated_at: now }));
    if (rows.length) await this.db.insertInto('jobs').values(rows).execute();
    return rows.map((r) => r.id);
  }

  /**
   * Claims the oldest due job. On PostgreSQL, SKIP LOCKED lets several workers (in several
   * processes) claim different jobs without waiting on each other.
   */
  async claim(workerId: string, leaseMs: number): Promise<JobRow | undefined> {
    const now = new Date();
    return this.db
      .updateTable('jobs')
      .set((eb) => ({
        status: 'running',
        locked_by: workerId,
        locked_until: new Date(now.getTime() + leaseMs).toISOString(),
        attempts: eb('attempts', '+', 1),
        updated_at: now.toISOString(),
      }))
      .where('id', '=', (eb) =>
        eb
          .selectFrom('jobs')
          .select('id')
          .where('status', '=', 'queued')
          .where('run_at', '<=', now.toISOString())
          .orderBy('run_at')
          .limit(1)
          .$if(this.dialect === 'postgres', (q) => q.forUpdate().skipLocked()),
      )
      .where('status', '=', 'queued')
      .returningAll()
      .executeTakeFirst();
  }

  async complete(id: string): Promise<void> {
    await this.db.updateTable('jobs').set({ status: 'done', locked_by: null, locked_until: null, updated_at: nowIso() }).where('id', '=', id).execute();
  }

  /** A failed attempt: back to the queue at `retryAt`, or failed for good when none is left. */
  async fail(id: string, error: string, retryAt: Date | null): Promise<void> {
    await this.db
      .updateTable('jobs')
      .set({ status: retryAt ? 'queued' : 'failed', run_at: (retryAt ?? new Date()).toISOString(), last_error: error.slice(0, 4000), locked_by: null, locked_until: null, updated_at: nowIso() })
      .where('id', '=', id)
      .execute();
  }

  /** Jobs whose worker died (lease expired) go back to the queue. */
  async releaseExpired(): Promise<number> {
    const now = nowIso();
    const r = await this.db.updateTable('jobs').set({ status: 'queued', locked_by: null, locked_until: null, updated_at: now }).where('status', '=', 'running').where('locked_until', '<', now).executeTakeFirst();
    return Number(r.numUpdatedRows);
  }

  async extendLease(id: string, workerId: string, leaseMs: number): Promise<void> {
    await this.db.updateTable('jobs').set({ locked_until: new Date(Date.now() + leaseMs).toISOString() }).where('id', '=', id).where('locked_by', '=', workerId).execute();
  }

  byId(id: string): Promise<JobRow | undefined> {
    return this.db.selectFrom('jobs').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async pendingOfKind(kind: string): Promise<number> {
    const r = await this.db.selectFrom('jobs').select((eb) => eb.fn.countAll<number>().as('n')).where('kind', '=', kind).where('status', 'in', ['queued', 'running']).executeTakeFirstOrThrow();
    return Number(r.n);
  }
}
