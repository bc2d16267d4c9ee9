import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { loadConfig } from '../../src/config.js';
import { createPlatform, type Platform } from '../../src/platform.js';
import { createSchema, dropSchema, PG_URL, tempDir, within, type DialectName } from './env.js';

export interface BenchPlatform {
  p: Platform;
  dialect: DialectName;
  dataDir: string;
  schema?: string;
  /** Closes the platform, drops the schema and deletes the data folder. */
  close(): Promise<void>;
}

/** A real platform over a temporary data folder and, for PostgreSQL, a fresh schema. */
export async function openPlatform(dialect: DialectName, env: Record<string, string> = {}): Promise<BenchPlatform> {
  const tmp = await tempDir(dialect);
  const schema = dialect === 'postgres' ? await createSchema() : undefined;
  try {
    const config = loadConfig({ CWS_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn', ...(schema ? { DATABASE_URL: PG_URL } : {}), ...env });
    const p = await createPlatform(config, { ...(schema ? { pgSchema: schema } : {}), logger: pino({ level: 'warn' }) });
    return {
      p,
      dialect,
      dataDir: tmp.dir,
      ...(schema ? { schema } : {}),
      async close() {
        await within(`${dialect} platform close`, p.close().catch(() => undefined));
        if (schema) await dropSchema(schema);
        await tmp.remove();
      },
    };
  } catch (e) {
    if (schema) await dropSchema(schema).catch(() => undefined);
    await tmp.remove();
    throw e;
  }
}

export interface Session {
  /** Value for the Cookie header. */
  cookie: string;
  csrfToken: string;
}

function sessionFrom(setCookie: string | string[] | undefined, body: string): Session {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : [];
  const c = all.map((s) => /^cws_session=([^;]*)/.exec(s)?.[1]).find((v) => v !== undefined);
  const { csrfToken } = JSON.parse(body) as { csrfToken?: string };
  if (!c || !csrfToken) throw new Error(`sign-in answer without session cookie or csrfToken: ${body.slice(0, 300)}`);
  return { cookie: `cws_session=${c}`, csrfToken };
}

const loginBody = (username: string, password: string) => JSON.stringify({ username, password });

/** Signs in over real HTTP (POST /api/auth/login with the anonymous CSRF header). */
export async function signInHttp(baseUrl: string, username: string, password: string): Promise<Session> {
  const res = await fetch(`${baseUrl}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' },
    body: loginBody(username, password),
  });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`login ${username}: HTTP ${res.status} ${text.slice(0, 300)}`);
  return sessionFrom(res.headers.getSetCookie(), text);
}

/** Signs in through app.inject (no socket). */
export async function signInInject(app: FastifyInstance, username: string, password: string): Promise<Session> {
  const res = await app.inject({ method: 'POST', url: '/api/auth/login', headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' }, payload: loginBody(username, password) });
  if (res.statusCode !== 200) throw new Error(`login ${username}: HTTP ${res.statusCode} ${res.body.slice(0, 300)}`);
  return sessionFrom(res.headers['set-cookie'], res.body);
}
