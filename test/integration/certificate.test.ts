import type { FastifyInstance } from 'fastify';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { pdffonts, pdftotext, qrMatches, renderGrey, withPdf } from '../support/certificate-read.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const TITLE = '春日校园写生——图书馆一角';

/** GET as a signed-in client, keeping the body as bytes. */
async function raw(c: Client, url: string, headers: Record<string, string> = {}) {
  const res = await c.app.inject({ method: 'GET', url, headers: { cookie: c.cookie, 'accept-language': c.lang, ...headers } });
  return { status: res.statusCode, headers: res.headers, bytes: res.rawPayload, json: res.headers['content-type']?.toString().includes('json') ? (res.json() as { error: { code: string; message: string; details: Record<string, unknown> } }) : undefined };
}

describe.each(ds)('registration certificate on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let owner: Client;
  let reviewerClient: Client;
  let stranger: Client;
  let workId: string;
  let pendingId: string;
  let number: string;
  let shas: string[];
  let logIndex: number;

  beforeAll(async () => {
    t = await testPlatform(dialect, { CWS_PUBLIC_URL: 'https://cws.example.edu', CWS_INSTITUTION: '示范大学图书馆版权服务中心' });
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const other = await account(t.p, 'creator');
    const meta = validMetadata({
      title: TITLE,
      aiDisclosure: { used: true, tools: 'Stable Diffusion XL', prompts: '春天的图书馆', humanContribution: '构图、线稿和上色', claimedParts: '线稿、上色与构图由作者完成', excludedParts: '天空纹理由 AI 生成' },
    });
    const w = await t.p.registration.create(creator, meta, [await stagePng(t.p, 401), await stagePng(t.p, 402)], true);
    workId = w.id;
    shas = w.files.map((f) => f.sha256);
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    pendingId = (await t.p.registration.create(creator, validMetadata({ title: '待审作品' }), [await stagePng(t.p, 403)], true)).id;
    app = await buildServer(t.p, { logger: false });
    owner = await new Client(app).login(creator.username, creator.password);
    reviewerClient = await new Client(app).login(reviewer.username, reviewer.password);
    stranger = await new Client(app).login(other.username, other.password);
  });
  afterAll(async () => {
    await app?.close();
    await t.cleanup();
  });

  it('is queued with the approval and rendered by the job once a checkpoint covers the entry', async () => {
    const db = t.p.database.db;
    const jobs = await db.selectFrom('jobs').select(['kind', 'payload', 'status']).where('kind', '=', 'certificate.render').execute();
    expect(jobs).toEqual([{ kind: 'certificate.render', payload: JSON.stringify({ workId }), status: 'queued' }]);
    // Before any checkpoint covers the entry the job gives up (the runner retries it with
    // backoff) instead of waiting: nothing here publishes one, so waiting would time out.
    await expect(t.p.certificates.renderJob(workId)).rejects.toMatchObject({ code: 'CONFLICT', details: { rule: 'not_yet_published' } });
    expect(await db.selectFrom('certificates').selectAll().execute()).toEqual([]);
    // Due two seconds after the approval, when the integrator has published the checkpoint.
    await t.p.registryLog.integrator.flush();
    const due = await db.selectFrom('jobs').select('run_at').where('kind', '=', 'certificate.render').executeTakeFirstOrThrow();
    await new Promise((res) => setTimeout(res, Math.max(0, Date.parse(due.run_at) - Date.now() + 50)));
    await t.p.jobs.drain();
    const rows = await db.selectFrom('certificates').selectAll().where('work_id', '=', workId).execute();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ pages: 1, preview: 'pdftoppm' });
    logIndex = Number(rows[0]!.log_index);
    expect((await t.p.registration.get({ id: (await t.p.store.repos.works.byId(workId))!.owner_id, role: 'creator' }, workId)).log?.index).toBe(logIndex);
    expect(await t.p.blobs.exists(rows[0]!.pdf_sha256)).toBe(true);
  });

  it('downloads a small A4 PDF with an embedded font subset that poppler reads back', async () => {
    const res = await raw(owner, `/api/works/${workId}/certificate.pdf`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/pdf');
    expect(res.headers['content-disposition']).toContain(encodeURIComponent(number));
    expect(res.bytes.length).toBeLessThan(2 * 1024 * 1024);
    await withPdf(res.bytes, async (file, dir) => {
      const text = await pdftotext(file);
      expect(text).toContain(number);
      expect(text).toContain(TITLE);
      expect(text).toContain('作品登记证书');
      for (const sha of shas) expect(text).toContain(sha);
      expect(text).toMatch(new RegExp(`日志序号\\s+${logIndex}\\b`));
      expect(text).toContain('线稿、上色与构图由作者完成');
      expect(text).toContain('天空纹理由 AI 生成');
      expect(text).toContain('示范大学图书馆版权服务中心');
      const fonts = await pdffonts(file);
      expect(fonts.length).toBeGreaterThan(0);
      for (const f of fonts) {
        expect(f).toMatchObject({ type: 'CID TrueType', emb: 'yes', sub: 'yes', uni: 'yes' });
        expect(f.name).toMatch(/^[A-Z]{6}\+NotoSansSC/);
      }
      const page = await renderGrey(file, dir, 1, 50);
      expect(page.height / page.width).toBeCloseTo(297 / 210, 2);
      // The QR code holds the public verify URL the VerifyPage route (/verify/:number) opens.
      const hi = await renderGrey(file, dir, 1, 200);
      const qr = qrMatches(hi, `https://cws.example.edu/verify/${encodeURIComponent(number)}`);
      expect(qr).toMatchObject({ ok: true, mismatches: 0 });
      expect(qrMatches(hi, `https://cws.example.edu/verify/${encodeURIComponent(number)}x`).ok).toBe(false);
    });
    // Cached: the same bytes again, and a conditional request is answered 304.
    const again = await raw(owner, `/api/works/${workId}/certificate.pdf`);
    expect(again.bytes.equals(res.bytes)).toBe(true);
    expect((await raw(owner, `/api/works/${workId}/certificate.pdf`, { 'if-none-match': String(res.headers.etag) })).status).toBe(304);
  });

  it('serves a PNG preview of the first page, 1000 px wide and A4-proportioned', async () => {
    const res = await raw(owner, `/api/works/${workId}/certificate.png`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/png');
    const meta = await sharp(res.bytes).metadata();
    expect(meta.width).toBe(1000);
    expect(meta.height! / meta.width!).toBeCloseTo(297 / 210, 2);
  });

  it('lets reviewers download; 403 for another creator, 409 for a work not approved, 404 for none', async () => {
    expect((await raw(reviewerClient, `/api/works/${workId}/certificate.pdf`)).status).toBe(200);
    for (const ext of ['pdf', 'png']) {
      const denied = await raw(stranger, `/api/works/${workId}/certificate.${ext}`);
      expect([denied.status, denied.json?.error.code]).toEqual([403, 'FORBIDDEN']);
    }
    const pending = await raw(owner, `/api/works/${pendingId}/certificate.pdf`);
    expect([pending.status, pending.json?.error.code, pending.json?.error.details]).toEqual([409, 'CONFLICT', { rule: 'not_registered', status: 'submitted' }]);
    expect(pending.json?.error.message).toContain('审核通过后才有作品登记证书');
    owner.lang = 'en';
    expect((await raw(owner, `/api/works/${pendingId}/certificate.png`)).json?.error.message).toBe('This work is not registered (status: submitted); only approved works have a registration certificate');
    owner.lang = 'zh-CN';
    // Another creator's pending work stays invisible, as everywhere else in the API.
    expect((await raw(stranger, `/api/works/${pendingId}/certificate.pdf`)).status).toBe(404);
    expect((await raw(owner, '/api/works/nope/certificate.pdf')).status).toBe(404);
    expect((await raw(new Client(app), `/api/works/${workId}/certificate.pdf`)).status).toBe(401);
  });

  it('is described in OpenAPI like the other routes', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/openapi.json' })).json() as { paths: Record<string, { get?: { responses?: Record<string, { content?: Record<string, unknown> }> } }> };
    expect(Object.keys(doc.paths['/api/works/{id}/certificate.pdf']?.get?.responses?.['200']?.content ?? {})).toEqual(['application/pdf']);
    expect(Object.keys(doc.paths['/api/works/{id}/certificate.png']?.get?.responses?.['200']?.content ?? {})).toEqual(['image/png']);
    expect(doc.paths['/api/works/{id}/certificate.pdf']?.get?.responses).toHaveProperty(['409']);
  });

  it('keeps its files through the orphan-blob sweep and renders a new version after a correction', async () => {
    const db = t.p.database.db;
    const before = await db.selectFrom('certificates').selectAll().where('work_id', '=', workId).execute();
    await t.p.blobGc.sweep(0);
    expect(await t.p.blobs.exists(before[0]!.pdf_sha256)).toBe(true);
    expect(await t.p.blobs.exists(before[0]!.png_sha256)).toBe(true);
    // A correction (a registry event; the works row keeps the approved values) changes what is printed.
    const admin = await account(t.p, 'admin');
    await t.p.registryEvents.correct(admin, workId, { title: '更正后的作品名称', reason: '作品名称有误' });
    const res = await raw(owner, `/api/works/${workId}/certificate.pdf`);
    expect(res.status).toBe(200);
    await withPdf(res.bytes, async (file) => expect(await pdftotext(file)).toContain('更正后的作品名称'));
    const after = await db.selectFrom('certificates').select(['version', 'pdf_sha256']).where('work_id', '=', workId).execute();
    expect(after).toHaveLength(2);
    expect(new Set(after.map((r) => r.pdf_sha256)).size).toBe(2);
  });
});
