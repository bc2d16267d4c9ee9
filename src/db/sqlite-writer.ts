/**
 * The SQLite writer thread (see sqlite-worker-driver.ts): one connection that runs every
 * statement sent to it, in order. Its COMMITs wait for the fsync here, not on the event loop.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { openSqlite } from './sqlite-open.js';
import { cachingDatabase } from './statement-cache.js';

export interface WriterRequest {
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

port.on('message', (m: WriterRequest | { close: true }) => {
  if ('close' in m) {
    db.close();
    port.close();
    return;
  }
  let reply: WriterReply;
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
  port.postMessage(reply);
});
port.postMessage({ ready: true });
