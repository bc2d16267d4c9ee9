import type { Database, Statement } from 'better-sqlite3';
import type { SqliteDatabase, SqliteStatement } from 'kysely';

/**
 * Kysely's SQLite driver prepares every query anew; the submission path runs the same few
 * dozen statements over and over, and preparing them was about a tenth of the server's CPU.
 * This keeps prepared statements by SQL text (least recently used dropped first). A
 * statement busy in an iteration (a streamed query) is never handed out twice: a fresh one
 * is prepared for that call.
 */
export function cachingDatabase(sqlite: Database, max = 500): SqliteDatabase {
  const cache = new Map<string, Statement>();
  return {
    prepare(sql: string): SqliteStatement {
      const hit = cache.get(sql);
      if (hit && !hit.busy) {
        // Map order is recency order.
        cache.delete(sql);
        cache.set(sql, hit);
        return hit as unknown as SqliteStatement;
      }
      const stmt = sqlite.prepare(sql);
      if (!hit) {
        cache.set(sql, stmt);
        if (cache.size > max) cache.delete(cache.keys().next().value!);
      }
      return stmt as unknown as SqliteStatement;
    },
    close(): void {
      cache.clear();
      sqlite.close();
    },
  };
}
