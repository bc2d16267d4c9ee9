/**
 * SQLite with its writes on a thread of their own. better-sqlite3 is synchronous, and with
 * `synchronous=FULL` each COMMIT waits for an fsync of the WAL: on the event loop that wait
 * stopped every other request (a third of the server's busy time on the submission path).
 * Here one connection on a worker thread (sqlite-writer.ts) runs every write and every
 * statement of a transaction, so the fsync blocks only that thread, and a transaction is
 * acknowledged only after its COMMIT returned there: durability is unchanged. Reads outside
 * a transaction stay on the event loop, on a second connection set to refuse writes: they are
 * cheap, they never wait for the writer (WAL), and they see every commit acknowledged before
 * they started.
 */
import type { Database } from 'better-sqlite3';
import {
  CompiledQuery,
  SelectQueryNode,
  SqliteAdapter,
  SqliteIntrospector,
  SqliteQueryCompiler,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type Kysely,
  type QueryResult,
  type TransactionSettings,
} from 'kysely';
import type { Worker } from 'node:worker_threads';
import { startModuleWorker } from '../worker-thread.js';
import type { WriterReply, WriterRequest } from './sqlite-writer.js';
import { cachingDatabase } from './statement-cache.js';

type Pending = { resolve: (r: QueryResult<unknown>) => void; reject: (e: Error) => void };

/** Rows come back through a structured clone, which turns Buffers into plain Uint8Arrays. */
function restoreBuffers(rows: unknown[]): unknown[] {
  for (const row of rows as Record<string, unknown>[]) {
    for (const k in row) {
      const v = row[k];
      if (v instanceof Uint8Array) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    }
  }
  return rows;
}

class Mutex {
  private held: Promise<void> | undefined;
  private release: (() => void) | undefined;
  async lock(): Promise<void> {
    while (this.held) await this.held;
    this.held = new Promise((resolve) => (this.release = resolve));
  }
  unlock(): void {
    const release = this.release;
    this.held = undefined;
    this.release = undefined;
    release?.();
  }
}

class WriterThread {
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private failure: Error | undefined;
  readonly ready: Promise<void>;

  constructor(private readonly worker: Worker) {
    let started: () => void;
    let failed: (e: Error) => void;
    this.ready = new Promise((resolve, reject) => ((started = resolve), (failed = reject)));
    worker.on('message', (m: WriterReply | { ready: true }) => {
      if ('ready' in m) {
        if (this.pending.size === 0) this.worker.unref();
        return started();
      }
      const p = this.pending.get(m.id);
      if (!p) return;
      this.pending.delete(m.id);
      // The thread keeps the process alive only while a statement is out.
      if (this.pending.size === 0) this.worker.unref();
      if ('error' in m) p.reject(Object.assign(new Error(m.error.message), { name: m.error.name, ...(m.error.code ? { code: m.error.code } : {}) }));
      else if ('rows' in m) p.resolve({ rows: restoreBuffers(m.rows) });
      else p.resolve({ rows: [], numAffectedRows: BigInt(m.changes), insertId: BigInt(m.lastInsertRowid) });
    });
    const fail = (e: Error) => {
      this.failure ??= e;
      failed(e);
      for (const p of this.pending.values()) p.reject(e);
      this.pending.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`the SQLite writer thread exited (code ${code})`)));
  }

  /**
   * Sends a statement whose result nobody reads and does not wait for it. Every hand-off to
   * another thread costs the event loop a wake-up of that thread (on this 2-core VM, tens of
   * microseconds each). If it fails, the session's next statement fails with its error.
   */
  send(q: CompiledQuery): void {
    if (!this.failure) this.worker.postMessage({ id: 0, sql: q.sql, params: q.parameters } satisfies WriterRequest);
  }

  run(q: CompiledQuery): Promise<QueryResult<unknown>> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ id, sql: q.sql, params: q.parameters } satisfies WriterRequest);
    });
  }

  async close(): Promise<void> {
    if (this.failure) return;
    this.worker.ref();
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ close: true });
    await exited;
  }
}

/**
 * Savepoints and their release inside a transaction (group-commit.ts: two per unit) answer
 * nothing anyone reads, and they fail only when the transaction is already broken, which the
 * next statement then reports. A session always ends with an awaited statement (COMMIT or
 * ROLLBACK), so no failure goes unreported.
 */
const FIRE_AND_FORGET = /^(savepoint|release) /i;

/**
 * What Kysely holds between acquiring and releasing a connection. It takes the writer only
 * at its first statement that is not a plain SELECT (BEGIN included) and keeps it until
 * released, so a transaction reads its own writes and no other statement runs inside it.
 */
class Session implements DatabaseConnection {
  private writing = false;
  constructor(private readonly d: WorkerSqliteDriver) {}

  async executeQuery<R>(q: CompiledQuery): Promise<QueryResult<R>> {
    if (!this.writing && SelectQueryNode.is(q.query)) return { rows: this.d.reader.prepare(q.sql).all(q.parameters) as R[] };
    if (!this.writing) {
      await this.d.mutex.lock();
      this.writing = true;
    }
    if (FIRE_AND_FORGET.test(q.sql)) {
      this.d.writer.send(q);
      return { rows: [] };
    }
    return this.d.writer.run(q) as Promise<QueryResult<R>>;
  }

  async *streamQuery<R>(q: CompiledQuery): AsyncIterableIterator<QueryResult<R>> {
    if (!SelectQueryNode.is(q.query)) throw new Error('the SQLite driver streams only SELECT queries');
    if (this.writing) {
      for (const row of (await this.d.writer.run(q)).rows) yield { rows: [row as R] };
      return;
    }
    for (const row of this.d.reader.prepare(q.sql).iterate(q.parameters)) yield { rows: [row as R] };
  }

  release(): void {
    if (!this.writing) return;
    this.writing = false;
    this.d.mutex.unlock();
  }
}

class WorkerSqliteDriver implements Driver {
  readonly mutex = new Mutex();
  readonly reader: ReturnType<typeof cachingDatabase>;
  writer!: WriterThread;

  constructor(
    private readonly file: string,
    readerConnection: Database,
  ) {
    this.reader = cachingDatabase(readerConnection);
  }

  async init(): Promise<void> {
    // The writer allocates little (statements, rows in flight): a small young generation keeps
    // its heap, and the server's resident memory, from growing for nothing.
    this.writer = new WriterThread(startModuleWorker(import.meta.url, 'sqlite-writer', { file: this.file }, { resourceLimits: { maxYoungGenerationSizeMb: 4 } }));
    await this.writer.ready;
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    return new Session(this);
  }

  async beginTransaction(c: DatabaseConnection, _settings: TransactionSettings): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('begin'));
  }

  async commitTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('commit'));
  }

  async rollbackTransaction(c: DatabaseConnection): Promise<void> {
    await c.executeQuery(CompiledQuery.raw('rollback'));
  }

  async savepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`savepoint "${name}"`));
  }

  async rollbackToSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`rollback to "${name}"`));
  }

  async releaseSavepoint(c: DatabaseConnection, name: string): Promise<void> {
    await c.executeQuery(CompiledQuery.raw(`release "${name}"`));
  }

  async releaseConnection(c: DatabaseConnection): Promise<void> {
    (c as Session).release();
  }

  async destroy(): Promise<void> {
    // The writer is initialized lazily by Kysely at the first query.
    if (this.writer) await this.writer.close();
    this.reader.close();
  }
}

/** A Kysely dialect over one SQLite file: reads on `reader` (this thread), writes on a worker thread. */
export function workerSqliteDialect(file: string, reader: Database): Dialect {
  return {
    createAdapter: () => new SqliteAdapter(),
    createDriver: () => new WorkerSqliteDriver(file, reader),
    createIntrospector: (db: Kysely<unknown>) => new SqliteIntrospector(db),
    createQueryCompiler: () => new SqliteQueryCompiler(),
  };
}
