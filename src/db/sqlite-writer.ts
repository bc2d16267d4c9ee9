/**
 * The SQLite writer thread (see sqlite-worker-driver.ts): one connection that runs every
 * statement sent to it, in order. Its COMMITs wait for the fsync here, not on the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-open.js';
import { cachingDatabase } from './statement-cache.js';

export interface WriterRequest {
  /** 0: no reply wanted (see sqlite-worker-driver.ts); a failure is reported to the next request instead. */
  id: number;
  sql: string;
  params: readonly unknown[];
}

export type WriterReply =
  | { id: number; rows: unknown[] }
  | { id: number; changes: number; lastInsertRowid: number | bigint }
  | { id: number; error: { message: string; code?: string; name: string } };

// Buffers arrive as plain Uint8Arrays after the structured clone; better-sqlite3 binds Buffers.
const asBuffer = (v: unknown): unknown => (v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v);

const { file } = (workerData as { data: { file: string } }).data;
const sqlite = openSqlite(file);
const db = cachingDatabase(sqlite);
const port = parentPort!;
let deferred: { message: string; code?: string; name: string } | undefined;

port.on('message', (m: WriterRequest | { close: true }) => {
  if ('close' in m) {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
  if (deferred && m.id !== 0) {
    // A statement sent without waiting failed: whatever comes next in that session fails with it.
    port.postMessage({ id: m.id, error: deferred });
    deferred = undefined;
    return;
  }
  try {
    const stmt = db.prepare(m.sql);
    const params = m.params.map(asBuffer);
    if (stmt.reader) reply = { id: m.id, rows: stmt.all(params) as unknown[] };
    else {
      const r = stmt.run(params);
      reply = { id: m.id, changes: Number(r.changes), lastInsertRowid: r.lastInsertRowid };
    }
  } catch (e) {
    const err = e as Error & { code?: string };
    reply = { id: m.id, error: { message: err.message, name: err.name, ...(err.code ? { code: err.code } : {}) } };
  }
  if (m.id === 0) {
    if ('error' in reply) deferred ??= reply.error;
    return;
  }
  port.postMessage(reply);
});
port.postMessage({ ready: true });
