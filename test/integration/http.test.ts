import type { FastifyInstance } from 'fastify';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePdf, samplePng, sampleText } from '../../src/documents/samples.js';
import { buildServer } from '../../src/routes/server.js';
import { account, validMetadata } from '../support/fixtures.js';
import { Client, multipart, type Part } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const meta = (over: Record<string, unknown> = {}): Part => ({ name: 'metadata', value: JSON.stringify(validMetadata(over)) });
const png = (seed: number, filename = `p${seed}.png`): Part => ({ name: 'files', filename, data: samplePng(seed), contentType: 'image/png' });

describe.each(ds)('HTTP API on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  const counts = async () => {
    const db = t.p.database.db;
    const n = async (table: 'works' | 'work_files' | 'blobs') => Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    const blobFiles = async (dir: string): Promise<number> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      let c = 0;
      for (const e of entries) c += e.isDirectory() ? await blobFiles(path.join(dir, e.name)) : 1;
      return c;
    };
    return { works: await n('works'), files: await n('work_files'), blobs: await n('blobs'), blobFiles: await blobFiles(path.join(t.dataDir, 'blobs')), tmp: (await readdir(path.join(t.dataDir, 'tmp'))).length };
  };

  beforeAll(async () => {
    t = await testPlatform(dialect, { CWS_MAX_FILE_BYTES: '200000', CWS_MAX_FILES_PER_WORK: '3' });
    app = await buildServer(t.p, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('first start: one-time setup link creates the first admin, once', async () => {
    const token = await t.p.auth.firstAdminToken();
    expect(token).toBeTruthy();
    const c = new Client(app);
    expect((await c.get('/api/session')).json.setupRequired).toBe(true);
    // a second start prints a new link; the old one stops working
    const token2 = await t.p.auth.firstAdminToken();
    const bad = await c.post('/api/setup', { token, username: 'root', password: 'admin-password-1', displayName: '管理员' });
    expect(bad.status).toBe(403);
    expect(bad.json.error.code).toBe('SETUP_TOKEN');
    const ok = await c.post('/api/setup', { token: token2, username: 'root', password: 'admin-password-1', displayName: '管理员' });
    expect(ok.status).toBe(200);
    expect(ok.json.user.role).toBe('admin');
    expect((await c.get('/api/session')).json.user.username).toBe('root');
    const again = await new Client(app).post('/api/setup', { token: token2, username: 'root2', password: 'admin-password-1', displayName: 'x' });
    expect(again.status).toBe(409);
    expect(await t.p.auth.firstAdminToken()).toBeNull();
  });

  it('signs up, signs in, enforces CSRF and answers in the user\u2019s language', async () => {
    const c = new Client(app);
    const s = await c.post('/api/auth/signup', { username: 'stu1', password: 'student-pass-1', displayName: '学生一', realName: '张三', campusId: '2026001', unit: '文学院' });
    expect(s.status).toBe(201);
    expect(s.json.user).toMatchObject({ role: 'creator', realName: '张三', campusId: '2026001', unit: '文学院' });
    expect((await c.post('/api/auth/signup', { username: 'stu1', password: 'student-pass-1', displayName: 'x' })).json.error.code).toBe('USERNAME_TAKEN');
    const noCsrf = await c.req('POST', '/api/auth/logout', {}, { 'x-csrf-token': '' });
    expect(noCsrf.status).toBe(403);
    expect(noCsrf.json.error.code).toBe('CSRF');
    const wrong = await c.req('POST', '/api/auth/logout', {}, { 'x-csrf-token': 'forged' });
    expect(wrong.json.error.code).toBe('CSRF');
    const anon = new Client(app);
    anon.lang = 'en';
    const bad = await anon.post('/api/auth/login', { username: 'stu1', password: 'nope-nope' });
    expect(bad.status).toBe(401);
    expect(bad.json.error.message).toBe('Wrong username or password');
    anon.lang = 'zh-CN';
    expect((await anon.post('/api/auth/login', { username: 'stu1', password: 'nope-nope' })).json.error.message).toBe('用户名或密码错误');
    expect((await anon.get('/api/works')).status).toBe(401);
    expect((await c.req('PATCH', '/api/profile', { unit: '新闻学院' })).json.unit).toBe('新闻学院');
  });

  it('rate-limits sign-in attempts per address and username', async () => {
    await account(t.p, 'creator', 'ratelimited');
    const c = new Client(app);
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) statuses.push((await c.post('/api/auth/login', { username: 'ratelimited', password: 'wrong-password' })).status);
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses[11]).toBe(429);
    const r = await c.post('/api/auth/login', { username: 'ratelimited', password: 'correct horse battery' });
    expect(r.json.error.code).toBe('RATE_LIMITED');
  });

  it('registers with files over multipart and serves them back with ranges', async () => {
    const a = await account(t.p, 'creator');
    const c = await new Client(app).login(a.username, a.password);
    const r = await c.upload('POST', '/api/works', [meta(), { name: 'submit', value: 'true' }, png(1), { name: 'files', filename: '说明.md', data: sampleText(1) }, { name: 'files', filename: 'doc.pdf', data: samplePdf(1) }]);
    expect(r.status).toBe(201);
    expect(r.json.status).toBe('submitted');
    expect(r.json.files.map((f: { kind: string }) => f.kind)).toEqual(['image', 'text', 'pdf']);
    const f = r.json.files[0];
    const whole = await c.get(`/api/works/${r.json.id}/files/${f.id}/content`);
    expect(whole.status).toBe(200);
    expect(whole.headers['content-type']).toBe('image/png');
    expect(Number(whole.headers['content-length'])).toBe(samplePng(1).length);
    const part = await c.req('GET', `/api/works/${r.json.id}/files/${f.id}/content`, undefined, { range: 'bytes=1-3' });
    expect(part.status).toBe(206);
    expect(part.body).toBe('PNG');
    const other = await new Client(app).login((await account(t.p, 'creator')).username, 'correct horse battery');
    expect((await other.get(`/api/works/${r.json.id}`)).status).toBe(404);
  });

  it.each([
    ['oversized file', [meta(), { name: 'files', filename: 'big.png', data: Buffer.concat([samplePng(1), Buffer.alloc(300_000)]) }], 413, 'FILE_TOO_LARGE'],
    ['disallowed type', [meta(), { name: 'files', filename: 'run.exe', data: Buffer.from('MZ\x90') }], 415, 'FILE_TYPE'],
    ['content not matching extension', [meta(), { name: 'files', filename: 'fake.png', data: samplePdf(1) }], 415, 'FILE_CONTENT_MISMATCH'],
    ['polyglot PDF-in-JPEG name', [meta(), { name: 'files', filename: 'photo.jpg', data: samplePdf(2) }], 415, 'FILE_CONTENT_MISMATCH'],
    ['path traversal name', [meta(), { name: 'files', filename: '../../etc/passwd.png', data: samplePng(2) }], 400, 'FILE_NAME'],
    ['control characters in name', [meta(), { name: 'files', filename: 'a\u0007b.png', data: samplePng(2) }], 400, 'FILE_NAME'],
    ['too many files', [meta(), png(1), png(2), png(3), png(4)], 413, 'TOO_MANY_FILES'],
    ['missing metadata', [png(1)], 400, 'VALIDATION'],
    ['metadata not JSON', [{ name: 'metadata', value: '{nope' }, png(1)], 400, 'VALIDATION'],
    ['invalid field', [meta({ owners: [{ name: 'x', share: 50 }] }), png(1)], 400, 'VALIDATION'],
    ['submit without files', [meta(), { name: 'submit', value: 'true' }], 400, 'FILE_MISSING'],
    ['wrong file field', [meta(), { name: 'attachment', filename: 'a.png', data: samplePng(1) }], 400, 'MULTIPART'],
  ] as [string, Part[], number, string][])('refuses %s with a precise error and keeps nothing', async (_name, parts, status, code) => {
    const a = await account(t.p, 'creator');
    const c = await new Client(app).login(a.username, a.password);
    const before = await counts();
    const r = await c.upload('POST', '/api/works', parts);
    expect(r.status).toBe(status);
    expect(r.json.error.code).toBe(code);
    expect(r.json.error.message).toBeTruthy();
    expect(await counts()).toEqual(before);
  });

  it('refuses a malformed (cut) multipart body and keeps nothing', async () => {
    const a = await account(t.p, 'creator');
    const c = await new Client(app).login(a.username, a.password);
    const before = await counts();
    const { body, headers } = multipart([meta(), png(9)]);
    const r = await c.req('POST', '/api/works', body.subarray(0, body.length - 60), headers);
    expect(r.status).toBe(400);
    expect(r.json.error.code).toBe('MULTIPART');
    const notMultipart = await c.req('POST', '/api/works', Buffer.from('hello'), { 'content-type': 'text/plain' });
    expect(notMultipart.status).toBeGreaterThanOrEqual(400);
    expect(notMultipart.status).toBeLessThan(500);
    expect(await counts()).toEqual(before);
  });

  it('lets only reviewers review; the queue filters, sorts, searches and pages', async () => {
    const a = await account(t.p, 'creator');
    const rv = await account(t.p, 'reviewer');
    const c = await new Client(app).login(a.username, a.password);
    const r = await new Client(app).login(rv.username, rv.password);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const w = await c.upload('POST', '/api/works', [meta({ title: `队列测试 ${i}`, authors: [{ name: `作者${i}` }] }), { name: 'submit', value: 'true' }, png(50 + i)]);
      expect(w.status).toBe(201);
      ids.push(w.json.id);
    }
    expect((await c.post(`/api/review/works/${ids[0]}/approve`)).status).toBe(403);
    expect((await c.get('/api/review/works')).status).toBe(403);
    expect((await r.post(`/api/review/works/${ids[0]}/reject`, {})).json.error.code).toBe('VALIDATION');
    expect((await r.post(`/api/review/works/${ids[0]}/reject`, { reason: '信息不全' })).json.status).toBe('rejected');
    const ap = await r.post(`/api/review/works/${ids[1]}/approve`);
    expect(ap.json.registrationNumber).toMatch(/^测作登字-\d{4}-F-\d{8}$/);
    expect((await r.post(`/api/review/works/${ids[1]}/approve`)).status).toBe(409);
    const q = await r.get('/api/review/works?q=' + encodeURIComponent('队列测试') + '&sort=title&order=asc&pageSize=2&page=2');
    expect(q.status).toBe(200);
    expect(q.json.total).toBe(5);
    expect(q.json.items.map((i: { title: string }) => i.title)).toEqual(['队列测试 2', '队列测试 3']);
    const rej = await r.get('/api/review/works?status=rejected&q=' + encodeURIComponent('作者0'));
    expect(rej.json.items).toHaveLength(1);
    expect(rej.json.items[0]).toMatchObject({ id: ids[0], status: 'rejected', reviewReason: '信息不全', authors: '作者0' });
    expect(rej.json.items[0].reviewer.displayName).toBeTruthy();
    expect((await r.get('/api/review/works?sort=bogus')).status).toBe(400);
    const notes = await c.get('/api/notifications');
    expect(notes.json.unreadCount).toBe(2);
    const first = notes.json.items[0].id as string;
    expect((await r.post(`/api/notifications/${first}/read`)).status).toBe(404);
    expect((await c.post(`/api/notifications/${first}/read`)).status).toBe(204);
    expect((await c.get('/api/notifications?unread=1')).json.unreadCount).toBe(1);
  });

  it('edits and resubmits after a change request', async () => {
    const a = await account(t.p, 'creator');
    const rv = await account(t.p, 'reviewer');
    const c = await new Client(app).login(a.username, a.password);
    const r = await new Client(app).login(rv.username, rv.password);
    const w = (await c.upload('POST', '/api/works', [meta(), { name: 'submit', value: 'true' }, png(70)])).json;
    expect((await r.post(`/api/review/works/${w.id}/request-changes`, { reason: '请补充创作说明' })).json.status).toBe('changes_requested');
    const edited = await c.upload('PATCH', `/api/works/${w.id}`, [{ name: 'metadata', value: JSON.stringify({ description: '新说明', removeFileIds: [w.files[0].id] }) }, png(71)]);
    expect(edited.status).toBe(200);
    expect(edited.json.files.map((f: { filename: string }) => f.filename)).toEqual(['p71.png']);
    expect((await c.post(`/api/works/${w.id}/submit`)).json.status).toBe('submitted');
    const done = await r.post(`/api/review/works/${w.id}/approve`);
    expect(done.json.events.map((e: { action: string }) => e.action)).toEqual(['create', 'submit', 'request_changes', 'edit', 'submit', 'approve']);
  });

  it('over a real socket: accepts metadata sent as application/json, and a refused upload does not hold the server open', async () => {
    const a = await account(t.p, 'creator');
    const srv = await buildServer(t.p, { logger: false });
    await srv.listen({ port: 0, host: '127.0.0.1' });
    const url = `http://127.0.0.1:${(srv.server.address() as { port: number }).port}`;
    const login = await fetch(`${url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': 'x' }, body: JSON.stringify({ username: a.username, password: a.password }) });
    const headers = { cookie: (login.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-csrf-token': ((await login.json()) as { csrfToken: string }).csrfToken };
    const ok = new FormData();
    ok.append('metadata', new Blob([JSON.stringify(validMetadata())], { type: 'application/json' }));
    ok.append('files', new Blob([new Uint8Array(samplePng(3))], { type: 'image/png' }), 'a.png');
    expect((await fetch(`${url}/api/works`, { method: 'POST', headers, body: ok })).status).toBe(201);
    const bad = new FormData();
    bad.append('metadata', JSON.stringify(validMetadata()));
    bad.append('files', new Blob([new Uint8Array([0x4d, 0x5a])]), 'x.exe');
    bad.append('files', new Blob([new Uint8Array(150_000)], { type: 'image/png' }), 'big.png');
    const r = await fetch(`${url}/api/works`, { method: 'POST', headers, body: bad });
    expect(r.status).toBe(415);
    const t0 = Date.now();
    await srv.close();
    expect(Date.now() - t0).toBeLessThan(5000);
  });

  it('documents every route in OpenAPI 3.1', async () => {
    const res = await app.inject({ method: 'GET', url: '/openapi.json' });
    const doc = JSON.parse(res.body) as { openapi: string; paths: Record<string, unknown> };
    expect(doc.openapi).toBe('3.1.0');
    for (const p of ['/api/works', '/api/review/works', '/api/review/works/{id}/approve', '/api/imports', '/api/admin/users', '/healthz']) expect(doc.paths).toHaveProperty([p]);
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });
});
