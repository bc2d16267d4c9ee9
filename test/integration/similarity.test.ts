import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { buildServer } from '../../src/routes/server.js';
import type { SimilarityReport } from '../../src/services/similarity.service.js';
import { account, validMetadata } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

/** A picture with structure (overlapping shapes and a gradient), rendered by sharp from SVG; `seed` changes everything. */
async function picture(seed: number, w = 900, h = 600): Promise<Buffer> {
  let s = seed * 7919 + 13;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const shapes = Array.from({ length: 40 }, () => `<circle cx="${rnd() * w}" cy="${rnd() * h}" r="${20 + rnd() * 120}" fill="rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})" fill-opacity="0.7"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="#${Math.floor(rnd() * 0xffffff).toString(16).padStart(6, '0')}"/><stop offset="1" stop-color="#${Math.floor(rnd() * 0xffffff).toString(16).padStart(6, '0')}"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const ESSAY = [
  '高校图书馆在人工智能生成内容时代承担着版权服务的新使命，需要为师生提供作品登记、版权咨询与合规指导，帮助他们在创作中守住底线。',
  '版权工作站面向全校师生开放，作品提交后由馆员审核，审核通过的作品上链存证并颁发登记证书，任何人都可以凭登记号查证。',
  '对于生成式人工智能参与创作的作品，申请人应当如实披露所用工具、提示词以及人类作者所做的选择与编排，未披露的部分不予登记。',
  '图书馆还应开展版权文化教育，组织微课与讲座，帮助学生理解合理使用的边界与学术诚信的要求，形成尊重原创的校园氛围。',
].join('\n\n');

const stage = (p: Platform, data: Buffer, name: string) => p.registration.stage(Readable.from([data]), name);

describe.each(ds)('copyright-protection check on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let original: Buffer;
  let registeredWorkId: string;
  let creatorA: Awaited<ReturnType<typeof account>>;
  let reviewer: Awaited<ReturnType<typeof account>>;

  beforeAll(async () => {
    t = await testPlatform(dialect);
    app = await buildServer(t.p, { logger: false });
    original = await picture(1);
    creatorA = await account(t.p, 'creator');
    reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creatorA, validMetadata({ title: '校园晨光' }), [await stage(t.p, original, 'dawn.png'), await stage(t.p, Buffer.from(ESSAY), 'essay.txt')], true);
    registeredWorkId = w.id;
    expect(await t.p.jobs.drain()).toBeGreaterThanOrEqual(1);
    await t.p.review.decide(reviewer, w.id, 'approve');
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('a submission gets its report as a job: exact copy, resized JPEG, rewritten text, and a corrupt file explained', async () => {
    const { p } = t;
    const b = await account(p, 'creator');
    const jpeg = await sharp(original).resize(450).jpeg({ quality: 60 }).toBuffer();
    const rewritten = ESSAY.split('\n\n').reverse().join('\n').replace(/，/g, ', ').replace(/。/g, '. ');
    const corrupt = (await sharp(original).jpeg().toBuffer()).subarray(0, 2000);
    const w = await p.registration.create(b, validMetadata({ title: '我的作品' }), [
      await stage(p, original, 'same.png'),
      await stage(p, jpeg, 'smaller.jpg'),
      await stage(p, Buffer.from(rewritten), 'mine.txt'),
      await stage(p, corrupt, 'broken.jpg'),
    ], true);
    expect((await p.similarity.getReport(reviewer, w.id)).status).toBe('queued');
    await p.jobs.drain();
    const { status, report } = (await p.similarity.getReport(reviewer, w.id)) as { status: string; report: SimilarityReport };
    expect(status).toBe('done');
    expect(report.flagged).toBe(true);
    const byFile = (name: string) => report.matches.filter((m) => m.filename === name && m.target.workId === registeredWorkId);
    expect(byFile('same.png').map((m) => m.type)).toContain('exact');
    expect(byFile('same.png')[0]).toMatchObject({ type: 'exact', relation: 'registered_by_other', target: { title: '校园晨光', filename: 'dawn.png' } });
    expect(report.matches[0]!.relation).toBe('registered_by_other');
    const img = byFile('smaller.jpg').find((m) => m.type === 'image')!;
    expect(img.detail.distance).toBeLessThanOrEqual(31);
    expect(img.target.registrationNumber).toMatch(/^测作登字-/);
    const text = byFile('mine.txt').find((m) => m.type === 'text')!;
    expect(text.score).toBeGreaterThan(0.7);
    const passages = text.detail.passages as { a: { text: string }; b: { text: string } }[];
    expect(passages.length).toBeGreaterThanOrEqual(4);
    expect(passages.some((x) => x.b.text.includes('版权工作站面向全校师生开放'))).toBe(true);
    const broken = report.files.find((f) => f.filename === 'broken.jpg')!;
    expect(broken.status).toBe('failed');
    expect(broken.error).toMatch(/^could not fingerprint: corrupt or truncated image/);
    expect(byFile('broken.jpg')).toEqual([]);
    // Still reviewable.
    expect((await p.review.decide(reviewer, w.id, 'claim')).status).toBe('in_review');

    // The owner does not see other people's works in the report.
    const ownerView = await p.similarity.getReport(b, w.id);
    expect((ownerView.report as SimilarityReport).matches).toEqual([]);
  });

  it('an unrelated picture matches nothing; the owner’s own new version links to the registered one', async () => {
    const { p } = t;
    const c = await account(p, 'creator');
    const other = await p.registration.create(c, validMetadata({ title: '别的画' }), [await stage(p, await picture(2), 'other.png')], true);
    const mine = await p.registration.create(creatorA, validMetadata({ title: '校园晨光（修订版）' }), [await stage(p, await sharp(original).resize(700).png().toBuffer(), 'dawn-v2.png')], true);
    await p.jobs.drain();
    const r1 = (await p.similarity.getReport(reviewer, other.id)).report as SimilarityReport;
    expect(r1.matches).toEqual([]);
    expect(r1.flagged).toBe(false);
    expect(r1.files[0]).toMatchObject({ status: 'ok', kind: 'image' });
    const r2 = (await p.similarity.getReport(reviewer, mine.id)).report as SimilarityReport;
    expect(r2.flagged).toBe(false);
    expect(r2.summary.ownEarlierVersions).toBeGreaterThanOrEqual(1);
    expect(r2.matches.find((m) => m.target.workId === registeredWorkId)).toMatchObject({ type: 'image', relation: 'own_registered' });
    // The owner sees the link to their own earlier registration.
    const own = (await p.similarity.getReport(creatorA, mine.id)).report as SimilarityReport;
    expect(own.matches.map((m) => m.target.workId)).toContain(registeredWorkId);
  });

  it('over HTTP: reviewers read and rerun the report; creators cannot rerun; index figures for reviewers', async () => {
    const { p } = t;
    const b = await account(p, 'creator');
    const w = await p.registration.create(b, validMetadata(), [await stage(p, await sharp(original).rotate(90).jpeg().toBuffer(), 'turned.jpg')], true);
    await p.jobs.drain();
    const rev = new Client(app);
    await rev.login(reviewer.username, reviewer.password);
    const got = await rev.get(`/api/works/${w.id}/similarity`);
    expect(got.status).toBe(200);
    expect(got.json.report.matches[0]).toMatchObject({ type: 'image', relation: 'registered_by_other', detail: { transform: expect.stringMatching(/rotate/) } });
    const again = await rev.post(`/api/works/${w.id}/similarity`);
    expect(again.status).toBe(202);
    expect((await rev.get(`/api/works/${w.id}/similarity`)).json.status).toBe('pending');
    await p.jobs.drain();
    expect((await rev.get(`/api/works/${w.id}/similarity`)).json.status).toBe('done');
    const stats = await rev.get('/api/similarity/index');
    expect(stats.json.files).toBeGreaterThanOrEqual(4);
    expect(stats.json.memory.total).toBeGreaterThan(0);
    const owner = new Client(app);
    await owner.login(b.username, b.password);
    expect((await owner.post(`/api/works/${w.id}/similarity`)).json.error.code).toBe('FORBIDDEN');
    expect((await owner.get('/api/similarity/index')).status).toBe(403);
    const stranger = new Client(app);
    await stranger.login((await account(p, 'creator')).username, 'correct horse battery');
    expect((await stranger.get(`/api/works/${w.id}/similarity`)).status).toBe(404);
  });

  it('a second process sees fingerprints stored by the first (index kept current from the database)', async () => {
    const other = await testPlatform(dialect, t.env, { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) });
    try {
      const { report } = await other.p.similarity.matchFile(await writeTemp(await sharp(original).resize(300).jpeg({ quality: 70 }).toBuffer()), 'image');
      expect(report.matches.some((m) => m.target.workId === registeredWorkId && m.type === 'image')).toBe(true);
    } finally {
      await other.cleanup();
    }
  });
});

async function writeTemp(data: Buffer): Promise<string> {
  const { mkdtemp, writeFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const path = await import('node:path');
  const dir = await mkdtemp(path.join(tmpdir(), 'cws-match-'));
  const f = path.join(dir, 'q.jpg');
  await writeFile(f, data);
  return f;
}
