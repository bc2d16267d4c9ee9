import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { categoryCodes, type CategoryKey } from './domain/categories.js';
import { loadLogConfig, type LogConfig } from './log/config.js';

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databaseUrl: string | undefined;
  publicUrl: string;
  institution: string;
  numberPrefix: string;
  categoryCodes: Record<CategoryKey, string>;
  maxFileBytes: number;
  maxFilesPerWork: number;
  maxImportBytes: number;
  allowSignup: boolean;
  logLevel: string;
  workers: boolean;
  timeZone: string;
  /** PostgreSQL schema to work in (default: the connection's search_path). */
  pgSchema: string | undefined;
  /** Requests per minute per address on the public verify API; 0 = no limit (benchmarks only). */
  publicRateLimit: number;
  /** How long a public verify record is served from memory before it is checked again (ms); 0 = no cache. */
  verifyCacheMs: number;
  /** SQLite: run writes and transactions on a writer thread (CWS_SQLITE_WRITER_THREAD; src/db/sqlite-worker-driver.ts). */
  sqliteWriterThread: boolean;
  /** PNG of the institution's seal printed on certificates (CWS_SEAL_IMAGE); unset: a drawn default. */
  sealImage: string | undefined;
  /** The registry log, its witnesses and timestamps (src/log/config.ts). */
  log: LogConfig;
}

type Source = Record<string, string | undefined>;

const int = (v: string | undefined, name: string, def: number): number => {
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${v}"`);
  return n;
};
const bool = (v: string | undefined, def: boolean): boolean => (v === undefined || v === '' ? def : /^(1|true|yes|on)$/i.test(v));

/**
 * Environment first, then an optional JSON file (CWS_CONFIG, or config.json in the data
 * folder) whose keys are the same variable names. The environment wins so that one
 * file can serve several instances that differ only by PORT.
 */
export function loadConfig(env: Source = process.env): Config {
  const dataDir = path.resolve(env.CWS_DATA_DIR ?? './data');
  const file = env.CWS_CONFIG ?? path.join(dataDir, 'config.json');
  let fromFile: Source = {};
  if (existsSync(file)) {
    try {
      fromFile = JSON.parse(readFileSync(file, 'utf8')) as Source;
    } catch (e) {
      throw new Error(`cannot read config file ${file}: ${(e as Error).message}`, { cause: e });
    }
  } else if (env.CWS_CONFIG) {
    throw new Error(`config file ${file} (CWS_CONFIG) does not exist`);
  }
  const get = (k: string): string | undefined => env[k] ?? (fromFile[k] === undefined ? undefined : String(fromFile[k]));
  const port = int(get('PORT'), 'PORT', 8080);
  const host = get('HOST') ?? '0.0.0.0';
  const publicUrl = (get('CWS_PUBLIC_URL') ?? `http://localhost:${port}`).replace(/\/+$/, '');
  return {
    port,
    host,
    dataDir,
    databaseUrl: get('DATABASE_URL') || undefined,
    publicUrl,
    institution: get('CWS_INSTITUTION') ?? '版权工作站示范大学图书馆',
    numberPrefix: get('CWS_NUMBER_PREFIX') ?? '校作登字',
    categoryCodes: categoryCodes(get('CWS_CATEGORY_CODES')),
    maxFileBytes: int(get('CWS_MAX_FILE_BYTES'), 'CWS_MAX_FILE_BYTES', 4 * 1024 ** 3),
    maxFilesPerWork: int(get('CWS_MAX_FILES_PER_WORK'), 'CWS_MAX_FILES_PER_WORK', 20),
    maxImportBytes: int(get('CWS_MAX_IMPORT_BYTES'), 'CWS_MAX_IMPORT_BYTES', 8 * 1024 ** 3),
    allowSignup: bool(get('CWS_ALLOW_SIGNUP'), true),
    logLevel: get('LOG_LEVEL') ?? 'info',
    workers: bool(get('CWS_WORKERS'), true),
    timeZone: get('CWS_TIMEZONE') ?? 'Asia/Shanghai',
    pgSchema: get('CWS_PG_SCHEMA') || undefined,
    publicRateLimit: int(get('CWS_PUBLIC_RATE_LIMIT'), 'CWS_PUBLIC_RATE_LIMIT', 600),
    verifyCacheMs: int(get('CWS_VERIFY_CACHE_MS'), 'CWS_VERIFY_CACHE_MS', 1000),
    // Off by default: with the other hand-off reductions it gained no clear submissions/s in an
    // A/B (2026-11-26 04:00) and its second V8 isolate costs 25–45 MB of resident memory.
    sqliteWriterThread: bool(get('CWS_SQLITE_WRITER_THREAD'), false),
    sealImage: get('CWS_SEAL_IMAGE') ? path.resolve(get('CWS_SEAL_IMAGE')!) : undefined,
    log: loadLogConfig(get, publicUrl),
  };
}
