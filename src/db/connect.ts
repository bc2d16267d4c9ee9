import { Kysely, Migrator, PostgresDialect, SqliteDialect, type MigrationResult } from 'kysely';
import { createRequire } from 'node:module';
import { openSqlite } from './sqlite-open.js';
import { cachingDatabase } from './statement-cache.js';
import { workerSqliteDialect } from './sqlite-worker-driver.js';
import type PgModule from 'pg';
import { migrations } from './migrations/index.js';
import type { DB } from './schema.js';

export type Dialect = 'sqlite' | 'postgres';

export interface Database_ {
  db: Kysely<DB>;
  dialect: Dialect;
  close(): Promise<void>;
}

// The PostgreSQL driver costs ~16 MB resident; an embedded (SQLite) install never loads it.
let pgModule: typeof PgModule | undefined;
function loadPg(): typeof PgModule {
  if (!pgModule) {
    pgModule = createRequire(import.meta.url)('pg') as typeof PgModule;
    // int8 (COUNT, bigint sizes) arrives as text by default; our values stay below 2^53.
    pgModule.types.setTypeParser(20, (v: string) => Number(v));
  }
  return pgModule;
}

export interface ConnectOptions {
  /** postgres://… selects PostgreSQL; otherwise the SQLite file path is used. */
  databaseUrl?: string | undefined;
  sqlitePath?: string;
  /** PostgreSQL schema (tests isolate themselves in one each). */
  schema?: string;
  poolSize?: number;
  /**
   * SQLite: writes and transactions on a writer thread, so a COMMIT's fsync does not block the
   * event loop (sqlite-worker-driver.ts). Otherwise one connection on this thread.
   */
  sqliteWriterThread?: boolean;
}

export function connect(opts: ConnectOptions): Database_ {
  if (opts.databaseUrl && /^postgres(ql)?:\/\//.test(opts.databaseUrl)) {
    const pool = new (loadPg().Pool)({
      connectionString: opts.databaseUrl,
      max: opts.poolSize ?? 10,
      ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}),
    });
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (opts.databaseUrl) throw new Error(`DATABASE_URL must start with postgres:// (got ${opts.databaseUrl.split(':')[0]}:…)`);
  if (!opts.sqlitePath) throw new Error('sqlitePath is required without DATABASE_URL');
  const dialect = opts.sqliteWriterThread
    ? // Reads on this thread, writes and transactions on a writer thread.
      workerSqliteDialect(opts.sqlitePath, openSqlite(opts.sqlitePath, { readOnly: true }))
    : new SqliteDialect({ database: cachingDatabase(openSqlite(opts.sqlitePath)) });
  const db = new Kysely<DB>({ dialect });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

export async function migrate(d: Database_, schema?: string): Promise<MigrationResult[]> {
  const migrator = new Migrator({
    db: d.db,
    provider: { getMigrations: async () => migrations },
    ...(schema ? { migrationTableSchema: schema } : {}),
  });
  const { error, results } = await migrator.migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(String(error));
  return results ?? [];
}
