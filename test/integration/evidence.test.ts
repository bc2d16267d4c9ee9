import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/routes/server.js';
import { EvidenceService } from '../../src/services/evidence.service.js';
import { samplePng } from '../../src/documents/samples.js';
import { serializeEvidencePackage, type EvidencePackage } from '../../src/documents/evidence.js';
import { verifyEvidence } from '../../src/documents/evidence-verify.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

function cws(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe.each(ds)('evidence packages on %s', (dialect) => {
  let t: TestPlatform;
  let dir: string;
  let number: string;
  let workId: string;
  let env: Record<string, string>;
  beforeAll(async () => {
    t = await testPlatform(dialect);
    env = { ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}) };
    dir = await mkdtemp(path.join(tmpdir(), 'cws-evidence-'));
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: '证据测试作品' }), [await stagePng(t.p, 301), await stagePng(t.p, 302)], true);
    const approved = await t.p.review.decide(reviewer, w.id, 'approve');
    number = approved.registrationNumber!;
    workId = w.id;
    await writeFile(path.join(dir, 'work.png'), samplePng(301));
    await writeFile(path.join(dir, 'other.png'), samplePng(999));
  });
  afterAll(async () => {
    await t.cleanup();
    await rm(dir, { recursive: true, force: true });
  });

  it('says plainly when the registration is not yet in a published checkpoint, and refuses unknown numbers', async () => {
    await expect(t.p.evidence.packageByNumber(number)).rejects.toMatchObject({ code: 'CONFLICT', details: { reason: 'NOT_YET_PUBLISHED' } });
    await expect(t.p.evidence.packageByNumber('测作登字-2026-F-99999999')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('builds a package from the stored registration that the offline verifier accepts', async () => {
    await t.p.registryLog.integrator.flush();
    const pkg = await t.p.evidence.packageByNumber(number);
    const v = verifyEvidence(serializeEvidencePackage(pkg), { trustedLogKeys: [t.p.registryLog.identity.vkey] });
    expect(v).toMatchObject({ registrationNumber: number, workId, origin: t.p.registryLog.identity.origin, disclosed: true });
    expect(pkg.record).toMatchObject({ title: '证据测试作品', category: 'fine_art', authors: [{ name: '李同学' }] });
    expect(pkg.record.files.map((f) => f.filename)).toEqual(['img-301.png', 'img-302.png']);
    expect(pkg.verifyUrl).toBe(`${t.p.config.publicUrl}/verify/${encodeURIComponent(number)}`);
  });

  it('cws evidence exports it; cws verify accepts it with the work file and refuses tampering with a reason code', async () => {
    const file = path.join(dir, 'evidence.json');
    const exported = await cws(['evidence', number, '-o', file], env);
    expect(exported.out).toContain(number);
    expect(exported.code).toBe(0);
    const ok = await cws(['verify', file, '--content', path.join(dir, 'work.png')], {});
    expect(ok.out).toMatch(/^VALID: /);
    expect(ok.out).toContain('img-301.png'.replace('img-301', 'work'));
    expect(ok.code).toBe(0);

    const pinned = await cws(['verify', file, '--key', t.p.registryLog.identity.vkey, '--json'], {});
    expect(JSON.parse(pinned.out)).toMatchObject({ ok: true, verdict: { registrationNumber: number } });

    const wrongContent = await cws(['verify', file, '--content', path.join(dir, 'other.png')], {});
    expect([wrongContent.code, wrongContent.out.split(':')[0]]).toEqual([1, 'INVALID CONTENT_HASH_MISMATCH']);

    const pkg = JSON.parse(await readFile(file, 'utf8')) as EvidencePackage;
    const tamperedFile = path.join(dir, 'tampered.json');
    await writeFile(tamperedFile, JSON.stringify({ ...pkg, record: { ...pkg.record, registeredAt: '2020-01-01T00:00:00.000Z' } }));
    const tampered = await cws(['verify', tamperedFile], {});
    expect([tampered.code, tampered.out.split(':')[0]]).toEqual([1, 'INVALID PROOF_MISMATCH']);

    await writeFile(tamperedFile, (await readFile(file, 'utf8')).slice(0, 500));
    const truncated = await cws(['verify', tamperedFile, '--json'], {});
    expect(truncated.code).toBe(1);
    expect(JSON.parse(truncated.out)).toMatchObject({ ok: false, code: 'MALFORMED' });

    const missing = await cws(['verify', path.join(dir, 'nope.json')], {});
    expect([missing.code, missing.out.split(':')[0]]).toEqual([1, 'INVALID MALFORMED']);
  }, 60_000);

  it('public verify API: by number (record, status, package the verifier accepts), by hash and by file; precise 4xx for bad input', async () => {
    await t.p.registryLog.integrator.flush();
    const app = await buildServer(t.p, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
    try {
      const res = await fetch(`${base}/api/verify/${encodeURIComponent(number)}`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { status: string; record: { title: string; files: { sha256: string }[] }; evidence: EvidencePackage };
      expect(body).toMatchObject({ status: 'valid', record: { title: '证据测试作品' } });
      expect(verifyEvidence(JSON.stringify(body.evidence)).registrationNumber).toBe(number);

      const file = await fetch(`${base}/api/verify/${encodeURIComponent(number)}/evidence`);
      expect(file.headers.get('content-disposition')).toMatch(/^attachment; /);
      expect(verifyEvidence(await file.text()).workId).toBe(workId);

      const sha = body.record.files[0]!.sha256;
      const byHash = (await (await fetch(`${base}/api/verify/sha256/${sha.toUpperCase()}`)).json()) as { matches: { registrationNumber: string }[] };
      expect(byHash.matches.map((m) => m.registrationNumber)).toEqual([number]);

      const form = new FormData();
      form.append('file', new Blob([new Uint8Array(samplePng(301))]), 'copy.png');
      const dropped = await fetch(`${base}/api/verify/file`, { method: 'POST', headers: { 'x-csrf-token': '1' }, body: form });
      expect(dropped.status).toBe(200);
      expect(await dropped.json()).toMatchObject({ sha256: sha, matches: [{ registrationNumber: number, status: 'valid' }] });
      const other = new FormData();
      other.append('file', new Blob([new Uint8Array(samplePng(999))]), 'other.png');
      expect(await (await fetch(`${base}/api/verify/file`, { method: 'POST', headers: { 'x-csrf-token': '1' }, body: other })).json()).toMatchObject({ matches: [] });

      const code = async (r: Promise<Response>) => {
        const x = await r;
        return [x.status, ((await x.json()) as { error: { code: string } }).error.code];
      };
      expect(await code(fetch(`${base}/api/verify/${encodeURIComponent('测作登字-2026-F-99999999')}`))).toEqual([404, 'NOT_FOUND']);
      expect(await code(fetch(`${base}/api/verify/${encodeURIComponent('a b')}`))).toEqual([400, 'VALIDATION']);
      expect(await code(fetch(`${base}/api/verify/${'x'.repeat(65)}`))).toEqual([400, 'VALIDATION']);
      expect(await code(fetch(`${base}/api/verify/sha256/abc`))).toEqual([400, 'VALIDATION']);
      expect(await code(fetch(`${base}/api/verify/file`, { method: 'POST', headers: { 'x-csrf-token': '1' }, body: new FormData() }))).toEqual([400, 'FILE_MISSING']);
      expect(await code(fetch(`${base}/api/verify/file`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': '1' }, body: '{}' }))).toEqual([400, 'MULTIPART']);
    } finally {
      await app.close();
    }
  });

  it('refuses a dropped file over the verify limit with 413 and stores nothing', async () => {
    const small = await testPlatform(dialect);
    small.p.evidence = new EvidenceService(small.p.store, small.p.registryLog, { publicUrl: small.p.config.publicUrl, maxVerifyBytes: 1000 });
    const app = await buildServer(small.p, { logger: false });
    try {
      const res = await app.inject({
        method: 'POST',
        url: '/api/verify/file',
        headers: { 'content-type': 'multipart/form-data; boundary=XX', 'x-csrf-token': '1' },
        payload: Buffer.concat([Buffer.from('--XX\r\ncontent-disposition: form-data; name="file"; filename="big.bin"\r\ncontent-type: application/octet-stream\r\n\r\n'), Buffer.alloc(5000, 1), Buffer.from('\r\n--XX--\r\n')]),
      });
      expect([res.statusCode, (res.json() as { error: { code: string } }).error.code]).toEqual([413, 'FILE_TOO_LARGE']);
    } finally {
      await app.close();
      await small.cleanup();
    }
  });

  it('judicial API keys: scoped, expiring, revocable, rate-limited per key; every use audited and shown to the owner', async () => {
    await t.p.registryLog.integrator.flush();
    const admin = await account(t.p, 'admin');
    const judge = await account(t.p, 'judicial');
    const creator = await account(t.p, 'creator');
    const owner = (await t.p.store.repos.works.byId(workId))!.owner_id;
    const in30 = new Date(Date.now() + 30 * 86_400_000).toISOString();
    await expect(t.p.judicial.createKey(creator, { userId: judge.id, name: 'x', scopes: ['lookup:number'], expiresAt: in30 })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(t.p.judicial.createKey(admin, { userId: creator.id, name: 'x', scopes: ['lookup:number'], expiresAt: in30 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'userId' } });
    await expect(t.p.judicial.createKey(admin, { userId: judge.id, name: 'x', scopes: ['lookup:everything'], expiresAt: in30 })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'scopes' } });
    await expect(t.p.judicial.createKey(admin, { userId: judge.id, name: 'x', scopes: ['lookup:number'], expiresAt: '2020-01-01T00:00:00Z' })).rejects.toMatchObject({ code: 'VALIDATION', details: { field: 'expiresAt' } });
    const numberKey = await t.p.judicial.createKey(admin, { userId: judge.id, name: '某某法院', scopes: ['lookup:number'], expiresAt: in30 });
    const allKey = await t.p.judicial.createKey(admin, { userId: judge.id, name: '版权局', scopes: ['lookup:number', 'lookup:sha256', 'lookup:owner'], expiresAt: in30 });

    const app = await buildServer(t.p, { logger: false });
    try {
      const get = async (query: string, token?: string) => {
        const res = await app.inject({ method: 'GET', url: `/api/judicial/registrations?${query}`, headers: token ? { authorization: `Bearer ${token}` } : {} });
        return { status: res.statusCode, body: res.json() as { results: { registrationNumber: string; evidence: EvidencePackage }[]; error: { code: string; details: { reason?: string } } } };
      };
      const q = `number=${encodeURIComponent(number)}`;
      expect((await get(q)).status).toBe(401);
      expect((await get(q, 'cwsj_forged')).body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'unknown' } });
      const found = await get(q, numberKey.token);
      expect(found.status).toBe(200);
      expect(found.body.results.map((r) => r.registrationNumber)).toEqual([number]);
      expect(verifyEvidence(JSON.stringify(found.body.results[0]!.evidence)).registrationNumber).toBe(number);
      const sha = found.body.results[0]!.evidence.record.files[0]!.sha256;
      expect(await get(`sha256=${sha}`, numberKey.token)).toMatchObject({ status: 403, body: { error: { code: 'FORBIDDEN' } } });
      expect((await get(`sha256=${sha}`, allKey.token)).body.results.map((r) => r.registrationNumber)).toEqual([number]);
      expect((await get(`owner=${encodeURIComponent('示范大学')}`, allKey.token)).body.results.map((r) => r.registrationNumber)).toContain(number);
      expect((await get(`number=${encodeURIComponent('测作登字-2026-F-99999999')}`, numberKey.token)).body.results).toEqual([]);
      expect((await get(`${q}&sha256=${sha}`, allKey.token)).status).toBe(400);

      // Every use that found the work is visible to its owner, not to others.
      const uses = await t.p.judicial.accessLog({ id: owner, role: 'creator' }, workId);
      expect(uses).toHaveLength(3);
      expect(uses.map((u) => u.keyName).sort()).toEqual(['某某法院', '版权局', '版权局']);
      await expect(t.p.judicial.accessLog(creator, workId)).rejects.toMatchObject({ code: 'NOT_FOUND' });
      const audit = await t.p.store.repos.audit.list(50, 0);
      expect(audit.filter((a) => a.action === 'api_key.lookup')).toHaveLength(4);
      expect(audit.filter((a) => a.action === 'api_key.refused')).toHaveLength(1);

      await t.p.database.db.updateTable('api_keys').set({ expires_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', allKey.id).execute();
      expect((await get(q, allKey.token)).body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'expired' } });
      await t.p.judicial.revokeKey(admin, numberKey.id);
      expect((await get(q, numberKey.token)).body.error).toMatchObject({ code: 'UNAUTHENTICATED', details: { reason: 'revoked' } });
      expect((await t.p.judicial.listKeys(admin)).find((k) => k.id === numberKey.id)?.revokedAt).not.toBeNull();

      // Rate-limited per key: 120 a minute.
      const third = await t.p.judicial.createKey(admin, { userId: judge.id, name: 'limit', scopes: ['lookup:number'], expiresAt: in30 });
      const statuses: number[] = [];
      for (let i = 0; i < 125; i++) statuses.push((await app.inject({ method: 'GET', url: '/api/judicial/registrations?number=x', headers: { authorization: `Bearer ${third.token}` } })).statusCode);
      expect(statuses.slice(0, 120).every((s) => s === 200)).toBe(true);
      expect(statuses.at(-1)).toBe(429);
    } finally {
      await app.close();
    }
  }, 60_000);
});
