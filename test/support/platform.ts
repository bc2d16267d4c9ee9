import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { createPlatform, type Platform } from '../../src/platform.js';

export type DialectName = 'sqlite' | 'postgres';
export const PG_URL = process.env.CWS_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

async function pgReachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 2000 });
  try {
    await c.connect();
    await c.query('select 1');
    return true;
  } catch {
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/**
 * The dialects this run covers. PostgreSQL is required when CWS_REQUIRE_PG=1 (CI); otherwise
 * a machine without it runs SQLite only and says so plainly.
 */
export async function dialects(): Promise<DialectName[]> {
  if (await pgReachable()) return ['sqlite', 'postgres'];
  if (process.env.CWS_REQUIRE_PG === '1') throw new Error(`PostgreSQL required (CWS_REQUIRE_PG=1) but not reachable at ${PG_URL}`);
  console.warn(`\n!! PostgreSQL not reachable at ${PG_URL}: these tests ran on SQLite ONLY.\n`);
  return ['sqlite'];
}

export interface TestPlatform {
  p: Platform;
  dataDir: string;
  schema?: string;
  env: Record<string, string>;
  cleanup(): Promise<void>;
}

export async function createSchema(): Promise<string> {
  const schema = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`CREATE SCHEMA ${schema}`);
  await c.end();
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
}

/** A real platform over a temporary data folder and, for PostgreSQL, a schema of its own. */
export async function testPlatform(dialect: DialectName, overrides: Record<string, string> = {}, shared?: { dataDir: string; schema?: string }): Promise<TestPlatform> {
  const dataDir = shared?.dataDir ?? (await mkdtemp(path.join(tmpdir(), 'cws-test-')));
  const schema = dialect === 'postgres' ? (shared?.schema ?? (await createSchema())) : undefined;
  const env: Record<string, string> = { CWS_DATA_DIR: dataDir, CWS_NUMBER_PREFIX: '测作登字', ...(schema ? { DATABASE_URL: PG_URL } : {}), ...overrides };
  const config: Config = loadConfig(env);
  const p = await createPlatform(config, { ...(schema ? { pgSchema: schema } : {}), logger: pino({ level: 'silent' }) });
  return {
    p,
    dataDir,
    ...(schema ? { schema } : {}),
    env,
    async cleanup() {
      await p.close();
      if (!shared) {
        if (schema) await dropSchema(schema);
        await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
