import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
export const RESULTS_DIR = path.join(ROOT, 'bench', 'results');
export const PG_URL = process.env.CWS_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type DialectName = 'sqlite' | 'postgres';

/** null when PostgreSQL answers; otherwise why not (the benchmarks then skip it and say so). */
export async function pgUnreachable(): Promise<string | null> {
  if (process.env.CWS_BENCH_NO_PG === '1') return 'skipped: CWS_BENCH_NO_PG=1';
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('select 1');
    return null;
  } catch (e) {
    return `PostgreSQL not reachable at ${PG_URL.replace(/\/\/[^@/]*@/, '//…@')}: ${(e as Error).message}`;
  } finally {
    await c.end().catch(() => undefined);
  }
}

async function pgExec(sql: string): Promise<void> {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    await c.query(sql);
  } finally {
    await c.end();
  }
}

/** A fresh schema per run, so benchmarks never see (or leave) anyone else's data. */
export async function createSchema(): Promise<string> {
  const schema = `bench_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  await pgExec(`CREATE SCHEMA ${schema}`);
  return schema;
}

export async function dropSchema(schema: string): Promise<void> {
  if (!/^bench_[a-z0-9_]+$/.test(schema)) throw new Error(`refusing to drop schema ${schema}`);
  await pgExec(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
}

export async function tempDir(prefix: string): Promise<{ dir: string; remove(): Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `cws-bench-${prefix}-`));
  return { dir, remove: () => rm(dir, { recursive: true, force: true }) };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const addr = s.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      s.close(() => resolve(port));
    });
  });
}

/** Which sources were measured: the commit, and how many files under src/ differ from it. */
function sourceState(): { commit: string; srcChangedFiles: number } | null {
  try {
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const changed = execFileSync('git', ['status', '--porcelain', '--', 'src'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean).length;
    return { commit, srcChangedFiles: changed };
  } catch {
    return null;
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    source: sourceState(),
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? 'unknown',
    memoryMB: Math.round(os.totalmem() / 2 ** 20),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export const log = (msg: string): void => {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}\n`);
};

/**
 * Awaits a shutdown step, but not forever: a close that never settles must not make the
 * whole run vanish (Node exits silently when only a pending promise is left).
 */
export async function within<T>(what: string, p: Promise<T>, ms = 15_000): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      log(`WARNING: ${what} did not finish within ${ms / 1000} s; going on without it`);
      resolve(undefined);
    }, ms);
  });
  try {
    return await Promise.race([p, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
