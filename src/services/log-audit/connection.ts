/**
 * How an audit worker thread reaches the same database as the process that started it:
 * its own read-only SQLite connection, or its own PostgreSQL client in the same schema.
 * Connections are never shared across threads (better-sqlite3 and pg are single-threaded).
 */
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect } from 'kysely';
import { connect, type Database_ } from '../../db/connect.js';
import type { DB } from '../../db/schema.js';
import type { Store } from '../../repositories/store.js';

export type AuditConnection = { dialect: 'sqlite'; file: string } | { dialect: 'postgres'; url: string; schema: string };

/** Where the store's connection points, or undefined when another thread cannot open it (an in-memory SQLite). */
export async function describeConnection(store: Store, databaseUrl: string | undefined): Promise<AuditConnection | undefined> {
  const where = await store.repos.log.location();
  if (!where) return undefined;
  if (store.dialect === 'postgres') return databaseUrl ? { dialect: 'postgres', url: databaseUrl, schema: where } : undefined;
  return { dialect: 'sqlite', file: where };
}

export function openReadConnection(c: AuditConnection): Database_ {
  if (c.dialect === 'postgres') return connect({ databaseUrl: c.url, schema: c.schema, poolSize: 3 });
  // Read-only: an audit must not be able to change what it checks, and it takes no write lock.
  const sqlite = new Database(c.file, { readonly: true, fileMustExist: true });
  sqlite.pragma('busy_timeout = 10000');
  const db = new Kysely<DB>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}
