import { sql, type Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

interface Unit {
  fn: (conn: Kysely<DB>) => Promise<unknown>;
  resolve: (v: unknown) => void;
  reject: (e: unknown) => void;
}

/** Transactions queued meanwhile are committed together, up to this many. */
const MAX_BATCH = 64;

/**
 * Group commit for SQLite. With `synchronous=FULL` every COMMIT waits for an fsync of the
 * WAL (on the writer thread, src/db/sqlite-worker-driver.ts): one fsync per submission was
 * the ceiling of submissions per second. Here the transactions that arrive while one batch runs form the
 * next batch: one BEGIN IMMEDIATE, each unit inside its own SAVEPOINT (a unit that throws is
 * rolled back to its savepoint alone, exactly as if it had been its own transaction), one
 * COMMIT and so one fsync for all. No unit's promise settles before that COMMIT has returned,
 * so nothing is acknowledged before it is durable. Units run one after the other, as the
 * single connection made them run before.
 */
export class GroupCommit {
  private readonly queue: Unit[] = [];
  private draining = false;
  private scheduled = false;
  /** Units per committed batch, for tests and benchmarks. */
  readonly stats = { batches: 0, units: 0, largest: 0 };

  constructor(private readonly db: Kysely<DB>) {}

  run<T>(fn: (conn: Kysely<DB>) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ fn, resolve: resolve as (v: unknown) => void, reject });
      this.schedule();
    });
  }

  /**
   * A drain started at once would commit each unit alone. Starting it from the check phase
   * lets every request whose I/O completed in this turn of the event loop join the batch
   * first; units arriving while a batch commits form the next one.
   */
  private schedule(): void {
    if (this.draining || this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      void this.drain();
    });
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.stats.batches++;
        this.stats.units += batch.length;
        this.stats.largest = Math.max(this.stats.largest, batch.length);
        await this.db.connection().execute((conn) => this.batch(conn, batch)).catch((e: unknown) => {
          for (const u of batch) u.reject(e);
        });
        // The same after each batch: requests that finished uploading during its fsync
        // queue up in the next turn of the event loop, not in this one.
        if (this.queue.length === 0) await new Promise<void>((resolve) => setImmediate(resolve));
      }
    } finally {
      this.draining = false;
    }
  }

  private async batch(conn: Kysely<DB>, units: Unit[]): Promise<void> {
    // Take the write lock up front: a deferred transaction that reads and then writes can
    // fail with SQLITE_BUSY at once when another process (the CLI beside the server) writes
    // meanwhile; an immediate one waits (busy_timeout).
    await sql`begin immediate`.execute(conn);
    // Alone in its batch, a unit needs no savepoint: if it fails, the batch rolls back with
    // it, which is exactly its own transaction (two statements fewer for the writer thread).
    if (units.length === 1) return this.single(conn, units[0]!);
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      for (const u of units) {
        await sql`savepoint unit`.execute(conn);
        try {
          const value = await u.fn(conn);
          await sql`release unit`.execute(conn);
          outcomes.push({ ok: true, value });
        } catch (error) {
          // If SQLite rolled the whole transaction back itself (disk full, I/O error), this
          // throws too and the batch fails as a whole below.
          await sql`rollback to unit`.execute(conn);
          await sql`release unit`.execute(conn);
          outcomes.push({ ok: false, error });
        }
      }
      await sql`commit`.execute(conn);
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
    this.settle(units, outcomes);
  }

  private async single(conn: Kysely<DB>, u: Unit): Promise<void> {
    let value: unknown;
    try {
      value = await u.fn(conn);
    } catch (error) {
      // SQLite may have rolled back already (I/O error): the unit's own error is the one to report.
      await sql`rollback`.execute(conn).catch(() => undefined);
      return u.reject(error);
    }
    try {
      await sql`commit`.execute(conn);
    } catch (e) {
      await sql`rollback`.execute(conn).catch(() => undefined);
      throw e;
    }
    u.resolve(value);
  }

  private settle(units: Unit[], outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[]): void {
    units.forEach((u, i) => {
      const o = outcomes[i]!;
      if (o.ok) u.resolve(o.value);
      else u.reject(o.error);
    });
  }
}
