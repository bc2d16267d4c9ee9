import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ds)('public verify record cache and rate limit on %s', (dialect) => {
  let t: TestPlatform;
  let a: FastifyInstance;
  let b: FastifyInstance;
  let number: string;
  let workId: string;
  const TTL = 300;
  beforeAll(async () => {
    t = await testPlatform(dialect, { CWS_VERIFY_CACHE_MS: String(TTL), CWS_PUBLIC_RATE_LIMIT: '0' });
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: '缓存测试作品' }), [await stagePng(t.p, 501)], true);
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    workId = w.id;
    // Two servers over one database: two app processes, each with its own cache.
    a = await buildServer(t.p, { logger: false });
    b = await buildServer(t.p, { logger: false });
  });
  afterAll(async () => {
    await a.close();
    await b.close();
    await t.cleanup();
  });

  const get = async (app: FastifyInstance) => {
    const res = await app.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent(number)}` });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    return res.json<{ status: string; record: { title: string }; evidence: unknown; pending: string | null }>();
  };

  it('shows a change made elsewhere within the cache time, on every server', async () => {
    const first = await get(a);
    expect(first.status).toBe('valid');
    expect(first.evidence).toBeNull(); // not yet in a checkpoint
    expect(first.pending).toBeTruthy();
    await get(b);
    // A checkpoint is published: the record now carries its evidence package.
    await t.p.registryLog.integrator.flush();
    await sleep(TTL + 50);
    expect((await get(a)).evidence).not.toBeNull();
    // Another process revokes the registration (straight in the database, as that process would).
    await t.p.store.tx((r) => r.works.update(workId, { status: 'revoked', updated_at: new Date().toISOString() }));
    await sleep(TTL + 50);
    expect((await get(a)).status).toBe('revoked');
    expect((await get(b)).status).toBe('revoked');
    // An erasure of personal data removes the entry's salt without touching the works row.
    const withSalt = JSON.stringify(await get(a));
    await t.p.database.db.updateTable('log_entries').set({ salt: null }).where('work_id', '=', workId).execute();
    await sleep(TTL + 50);
    expect(JSON.stringify(await get(a))).not.toBe(withSalt);
  });

  it('serves a record from memory within the cache time (no rebuild for every request)', async () => {
    const before = await get(a);
    // A change of a column the version check does not look at (no updated_at): within the
    // cache time the stored answer is served; this is what makes the route fast.
    await t.p.store.tx((r) => r.works.update(workId, { title: '改过的标题' }));
    expect((await get(a)).record.title).toBe(before.record.title);
    // Once the change is recorded properly (updated_at moves, as every service does), it shows.
    await t.p.store.tx((r) => r.works.update(workId, { updated_at: new Date(Date.now() + 1000).toISOString() }));
    await sleep(TTL + 50);
    expect((await get(a)).record.title).toBe('改过的标题');
  });

  it('answers in pure ASCII JSON whose value holds the CJK text unchanged', async () => {
    for (const app of [a, b]) {
      const res = await app.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent(number)}` });
      const raw = res.rawPayload;
      expect(raw.every((byte) => byte < 0x80)).toBe(true);
      expect(raw.toString('latin1')).toContain('\\u');
      const body = res.json<{ registrationNumber: string; record: { title: string; authors: { name: string }[] } }>();
      expect(body.registrationNumber).toBe(number);
      expect(body.record.authors.length).toBeGreaterThan(0);
      // Decoding as UTF-8 or as Latin-1 gives the same document: no byte is multi-byte.
      expect(JSON.parse(raw.toString('utf8'))).toEqual(JSON.parse(raw.toString('latin1')));
      expect([...body.record.title].some((c) => c.charCodeAt(0) > 0x7f)).toBe(true);
    }
  });

  it('answers with the evidence package minus its reading summary, which the package file keeps', async () => {
    await t.p.registryLog.integrator.flush();
    await sleep(TTL + 50);
    const res = await a.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent(number)}` });
    const evidence = res.json<{ evidence: Record<string, unknown> | null }>().evidence;
    expect(evidence).not.toBeNull();
    expect(evidence).toHaveProperty('inclusionProof');
    expect(evidence).not.toHaveProperty('summary');
    const file = await a.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent(number)}/evidence` });
    expect(file.statusCode).toBe(200);
    const pkg = file.json<Record<string, unknown>>();
    expect(pkg).toHaveProperty('summary');
    // Everything else is the same package.
    const { summary: _s, ...rest } = pkg;
    expect({ ...rest, generatedAt: null }).toEqual({ ...evidence, generatedAt: null });
  });

  it('refuses unknown and malformed numbers as before, and caches neither', async () => {
    for (let i = 0; i < 2; i++) {
      expect((await a.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent('测作登字-2026-F-99999999')}` })).statusCode).toBe(404);
      expect((await a.inject({ method: 'GET', url: `/api/verify/${encodeURIComponent('a b')}` })).statusCode).toBe(400);
    }
  });
});

describe('public verify rate limit (CWS_PUBLIC_RATE_LIMIT)', () => {
  it('limits per address by default settings, and not at all with 0', async () => {
    const limited = await testPlatform('sqlite', { CWS_PUBLIC_RATE_LIMIT: '3' });
    const open = await testPlatform('sqlite', { CWS_PUBLIC_RATE_LIMIT: '0' });
    try {
      const la = await buildServer(limited.p, { logger: false });
      const oa = await buildServer(open.p, { logger: false });
      const codes = async (app: FastifyInstance, n: number) => {
        const out: number[] = [];
        for (let i = 0; i < n; i++) out.push((await app.inject({ method: 'GET', url: '/api/verify/nope-1' })).statusCode);
        return out;
      };
      expect(await codes(la, 5)).toEqual([404, 404, 404, 429, 429]);
      expect(new Set(await codes(oa, 700))).toEqual(new Set([404]));
      expect(limited.p.config.publicRateLimit).toBe(3);
      await la.close();
      await oa.close();
    } finally {
      await limited.cleanup();
      await open.cleanup();
    }
    const defaults = await testPlatform('sqlite');
    try {
      expect(defaults.p.config.publicRateLimit).toBe(600);
      expect(defaults.p.config.verifyCacheMs).toBe(1000);
    } finally {
      await defaults.cleanup();
    }
  });
});
