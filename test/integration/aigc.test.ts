import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePng } from '../../src/documents/samples.js';
import { inspect } from '../../src/provenance/inspect.js';
import { writeLabel } from '../../src/provenance/label.js';
import { buildServer } from '../../src/routes/server.js';
import type { AigcReport } from '../../src/services/aigc.service.js';
import { account, validMetadata } from '../support/fixtures.js';
import { ffmpegSample } from '../unit/provenance/support.js';
import { Client, multipart } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const LABEL = { Label: '1', ContentProducer: 'CAMPUS-AI-0001', ProduceID: 'gen-77', ReservedCode1: '', ContentPropagator: '', PropagateID: '', ReservedCode2: '' };
const AI_TEXT = 'When you manage packages on a Debian system, APT is the tool you will use most often. It resolves dependencies automatically, downloads packages from the configured repositories, and installs them in the correct order. Before installing anything, it is a good idea to refresh the package index so that your system knows about the latest versions. Additionally, it is important to note that keeping these commands distinct helps you stay in control of what changes on your machine, which is crucial for ensuring a robust and seamless experience overall.';

describe.each(ds)('AIGC report, self-check and label API on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  beforeAll(async () => {
    t = await testPlatform(dialect, { CWS_MAX_FILE_BYTES: '2000000' });
    app = await buildServer(t.p, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  const stage = async (data: Buffer, name: string) => t.p.registration.stage(Readable.from([data]), name);

  it('a submission gets a report with every file\'s traces; a label contradicting "no AI used" is flagged', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewer = await account(p, 'reviewer');
    const labelled = (await writeLabel(samplePng(31, 64, 48), LABEL)).bytes;
    const meta = validMetadata({ aiDisclosure: { used: false } });
    const w = await p.registration.create(creator, meta, [await stage(labelled, 'cover.png'), await stage(Buffer.from(`# 说明\n\n${AI_TEXT}\n`), 'notes.md')], true);
    expect((await p.aigc.getReport(creator, w.id)).status).toBe('queued');
    await p.jobs.drain();
    const seen = await p.aigc.getReport(reviewer, w.id);
    expect(seen.status).toBe('done');
    const r = seen.report as AigcReport;
    expect(r.files.map((f) => f.filename)).toEqual(['cover.png', 'notes.md']);
    const png = r.files[0]!.report!;
    expect(png.labels.find((l) => l.kind === 'gb45438')).toMatchObject({ valid: true, labelValue: '1', location: 'PNG iTXt "XML:com.adobe.xmp" › TC260:AIGC' });
    expect(r.files[1]!.report!.text).toMatchObject({ detector: 'cws-stat-v1', language: 'en' });
    expect(r.summary).toMatchObject({ aiDeclared: true, disclosureUsedAi: false, disclosureConflict: true });
    const row = await p.store.repos.aigc.report(w.id);
    expect(row!.flagged).toBe(1);
    // the owner sees the report of their own files; a stranger sees nothing
    expect((await p.aigc.getReport(creator, w.id)).report).not.toBeNull();
    const stranger = await account(p, 'creator');
    await expect(p.aigc.getReport(stranger, w.id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // only reviewers rerun it
    await expect(p.aigc.requestReport(creator, w.id)).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(await p.aigc.requestReport(reviewer, w.id)).toEqual({ queued: true });
    expect((await p.aigc.getReport(reviewer, w.id)).status).toBe('pending');
    await p.jobs.drain();
    expect((await p.aigc.getReport(reviewer, w.id)).status).toBe('done');
  });

  it('a declared AI use with an AI label is consistent; a clean file is not "human-made"', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const labelled = (await writeLabel(samplePng(32, 64, 48), LABEL)).bytes;
    const w = await p.registration.create(creator, validMetadata(), [await stage(labelled, 'a.png'), await stage(samplePng(33, 64, 48), 'b.png')], true);
    await p.jobs.drain();
    const r = (await p.aigc.getReport(creator, w.id)).report as AigcReport;
    expect(r.summary).toMatchObject({ aiDeclared: true, disclosureUsedAi: true, disclosureConflict: false });
    expect(r.files[1]!.report!.labels).toEqual([]);
    expect(r.summary.caveat).toMatch(/proves nothing/);
  });

  it('HTTP: the report for reviewers, the rerun, and 404 for strangers', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewer = await account(p, 'reviewer');
    const w = await p.registration.create(creator, validMetadata(), [await stage(samplePng(34), 'c.png')], true);
    await p.jobs.drain();
    const rc = await new Client(app).login(reviewer.username, reviewer.password);
    const got = await rc.get(`/api/works/${w.id}/aigc`);
    expect(got.status).toBe(200);
    expect(got.json.report.files).toHaveLength(1);
    expect((await rc.post(`/api/works/${w.id}/aigc`)).status).toBe(202);
    const cc = await new Client(app).login(creator.username, creator.password);
    expect((await cc.post(`/api/works/${w.id}/aigc`)).json.error.code).toBe('FORBIDDEN');
    const sc = await new Client(app).login((await account(p, 'creator')).username, 'correct horse battery');
    expect((await sc.get(`/api/works/${w.id}/aigc`)).status).toBe(404);
  });

  it('public self-check: no account needed, hostile files get a report, limits are enforced', async () => {
    const anon = new Client(app);
    const labelled = (await writeLabel(samplePng(35, 32, 32), LABEL)).bytes;
    const ok = await anon.upload('POST', '/api/aigc/inspect', [{ name: 'file', filename: 'x.png', data: labelled, contentType: 'image/png' }]);
    expect(ok.status).toBe(200);
    expect(ok.json.labels[0]).toMatchObject({ kind: 'gb45438', valid: true });
    const garbage = await anon.upload('POST', '/api/aigc/inspect', [{ name: 'file', filename: 'x.jpg', data: Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe1, 0xff, 0xff]), Buffer.alloc(300, 0x41)]) }]);
    expect(garbage.status).toBe(200);
    expect(garbage.json.problems.map((x: { code: string }) => x.code)).toContain('truncated');
    const text = await anon.upload('POST', '/api/aigc/inspect', [{ name: 'file', filename: 'essay.txt', data: Buffer.from(`本内容由人工智能生成。\n\n${AI_TEXT}`) }]);
    expect(text.json.labels[0]).toMatchObject({ kind: 'text-marker', position: 'start' });
    expect(text.json.text.score).toBeGreaterThanOrEqual(0);
    expect(text.json.text.score).toBeLessThanOrEqual(1);
    expect((await anon.upload('POST', '/api/aigc/inspect', [{ name: 'other', value: 'x' }])).json.error.code).toBe('FILE_MISSING');
    const big = await anon.upload('POST', '/api/aigc/inspect', [{ name: 'file', filename: 'big.bin', data: Buffer.alloc(21 * 1024 * 1024) }]);
    expect(big.status).toBe(413);
    expect((await anon.get('/api/aigc/detector')).json.evaluation.en.heldOut.auroc).toBeGreaterThan(0);
    // the rate limit answers 429, not 5xx
    let limited = 0;
    for (let i = 0; i < 25; i++) {
      const r = await anon.upload('POST', '/api/aigc/inspect', [{ name: 'file', filename: 'x.png', data: samplePng(1, 8, 8) }]);
      if (r.status === 429) limited++;
      else expect(r.status).toBe(200);
    }
    expect(limited).toBeGreaterThan(0);
  });

  it('label API: signed-in users get the labelled file back; bad labels and unsupported files are refused precisely', async () => {
    const u = await account(t.p, 'creator');
    const c = await new Client(app).login(u.username, u.password);
    const send = async (parts: Parameters<typeof multipart>[0], cookie = c.cookie, csrf = c.csrf) => {
      const { body, headers } = multipart(parts);
      return app.inject({ method: 'POST', url: '/api/aigc/label', payload: body, headers: { ...headers, cookie, 'x-csrf-token': csrf } });
    };
    const png = samplePng(36, 40, 30);
    const res = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'file', filename: 'gen.png', data: png }]);
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-aigc-carrier']).toContain('TC260:AIGC');
    const back = await inspect(res.rawPayload);
    expect(back.labels.find((l) => l.kind === 'gb45438')).toMatchObject({ valid: true, fields: LABEL });
    const md = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'options', value: JSON.stringify({ textMarker: { position: 'start' } }) }, { name: 'file', filename: 'answer.md', data: Buffer.from('# 答案\n\n正文。') }]);
    expect(md.statusCode).toBe(200);
    expect(md.rawPayload.toString()).toContain('【本内容由人工智能生成');
    const bad = await send([{ name: 'label', value: JSON.stringify({ ...LABEL, Label: '7' }) }, { name: 'file', filename: 'gen.png', data: png }]);
    expect(bad.statusCode).toBe(400);
    expect(JSON.parse(bad.body).error.details.rule).toBe('invalid_label');
    const txt = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'file', filename: 'a.txt', data: Buffer.from('plain') }]);
    expect(txt.statusCode).toBe(415);
    const anon = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'file', filename: 'gen.png', data: png }], '', 'x');
    expect(anon.statusCode).toBe(401);
  });

  it('label API: the video label and the compressed-audio cue through ffmpeg; the reason of a refusal is given', async () => {
    const u = await account(t.p, 'creator');
    const c = await new Client(app).login(u.username, u.password);
    const send = async (parts: Parameters<typeof multipart>[0]) => {
      const { body, headers } = multipart(parts);
      return app.inject({ method: 'POST', url: '/api/aigc/label', payload: body, headers: { ...headers, cookie: c.cookie, 'x-csrf-token': c.csrf } });
    };
    const video = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'options', value: JSON.stringify({ videoText: { corner: 'top-left', seconds: 2 } }) }, { name: 'file', filename: 'clip.mp4', data: ffmpegSample('mp4') }]);
    expect(video.statusCode, video.body.slice(0, 300)).toBe(200);
    expect(decodeURIComponent(String(video.headers['x-aigc-explicit']))).toMatch(/top-left corner for the first 2 s/);
    expect((await inspect(video.rawPayload)).labels.find((l) => l.kind === 'gb45438')).toMatchObject({ valid: true, fields: LABEL });
    const audio = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'options', value: JSON.stringify({ audioCue: true }) }, { name: 'file', filename: 'voice.mp3', data: ffmpegSample('mp3') }]);
    expect(audio.statusCode).toBe(200);
    expect(decodeURIComponent(String(audio.headers['x-aigc-explicit']))).toMatch(/short long short short/);
    const short = await send([{ name: 'label', value: JSON.stringify(LABEL) }, { name: 'options', value: JSON.stringify({ videoText: { seconds: 1 } }) }, { name: 'file', filename: 'clip.mp4', data: ffmpegSample('mp4') }]);
    expect(short.statusCode).toBe(400);
    expect(JSON.parse(short.body).error.details).toMatchObject({ rule: 'cannot_write', reason: expect.stringMatching(/between 2 and 600 seconds/) as unknown });
  });
});
