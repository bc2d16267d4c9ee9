import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CROP_FACTOR, centerCrop, lumaFromPixels, pdqFromLuma } from '../../src/fingerprint/pdq.js';
import type { Platform } from '../../src/platform.js';
import type { FingerprintRow } from '../../src/repositories/fingerprints.repository.js';
import { MediaDecoder } from '../../src/repositories/media.decoder.js';
import { backfillSlice, scheduleFingerprintBackfill, staleImagePrints } from '../../src/services/fingerprint-backfill.js';
import { Fingerprinter, IMAGE_PRINT_VERSION } from '../../src/services/similarity.service.js';
import { account, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const silent = pino({ level: 'silent' });

/** A picture with structure (overlapping shapes on a gradient), rendered from SVG; `seed` changes everything. */
async function picture(seed: number, w = 960, h = 640): Promise<Buffer> {
  let s = seed * 7919 + 13;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const col = () => `rgb(${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)},${Math.floor(rnd() * 255)})`;
  const shapes = Array.from({ length: 40 }, () => `<circle cx="${rnd() * w}" cy="${rnd() * h}" r="${20 + rnd() * 120}" fill="${col()}" fill-opacity="0.7"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="${col()}"/><stop offset="1" stop-color="${col()}"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** What the code before image version 2 stored for an image: whole image (8 dihedral hashes) and its centre 95 %, no inner hash, no probes. */
async function versionOneRow(row: FingerprintRow, file: string): Promise<FingerprintRow> {
  const img = await new MediaDecoder().image(file);
  const luma = lumaFromPixels(img.pixels, img.width, img.height, img.channels);
  const c = centerCrop(luma, img.width, img.height, CROP_FACTOR);
  const data = JSON.parse(row.data) as { dihedral: unknown };
  return { ...row, data: JSON.stringify({ dihedral: data.dihedral, crop: pdqFromLuma(c.luma, c.width, c.height).hash }), version: 1, created_at: '2026-01-01T00:00:00.000Z' };
}

/** `cws fingerprint --backfill --json` as an operator runs it, against the test's data folder or schema. */
function cwsBackfill(env: Record<string, string>): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'fingerprint', '--backfill', '--json'], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const stage = (p: Platform, data: Buffer, name: string) => p.registration.stage(Readable.from([data]), name);

describe.each(ds)('backfill of image fingerprints of an older version on %s', (dialect) => {
  let t: TestPlatform;
  let images: Buffer[];
  let shas: string[];
  /** Fingerprints as the current code computes them, before the rows were turned back into version 1. */
  let current: Map<string, FingerprintRow>;
  const missingSha = 'f'.repeat(64);
  const corruptSha = `${'f'.repeat(63)}e`;
  const rows = async () => new Map((await t.p.store.repos.fingerprints.byShas([...shas, missingSha, corruptSha])).map((r) => [r.sha256, r]));
  const imageOf = (sha: string): Buffer => images.find((b) => createHash('sha256').update(b).digest('hex') === sha)!;
  /** The image match, if any, of a copy of `sha`'s picture cut by 15 % from the left. */
  const cropMatch = async (sha: string) => {
    const original = imageOf(sha);
    const meta = await sharp(original).metadata();
    const cut = Math.round(meta.width! * 0.15);
    const copy = path.join(tmpdir(), `cws-backfill-crop-${dialect}-${process.pid}.png`);
    await sharp(original).extract({ left: cut, top: 0, width: meta.width! - cut, height: meta.height! }).toFile(copy);
    const { report } = await t.p.similarity.matchFile(copy, 'image');
    return report.matches.find((m) => m.type === 'image' && m.target.sha256 === sha)?.detail;
  };
  let before15: unknown;
  const downgrade = async () => {
    for (const sha of shas) await t.p.store.repos.fingerprints.upsert(await versionOneRow(current.get(sha)!, t.p.blobs.pathOf(sha)));
  };

  beforeAll(async () => {
    t = await testPlatform(dialect);
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewer = await account(p, 'reviewer');
    images = await Promise.all([11, 12, 13, 14, 15].map((s) => picture(s)));
    const w = await p.registration.create(creator, validMetadata({ title: '旧指纹' }), await Promise.all(images.map((b, i) => stage(p, b, `photo-${i}.png`))), true);
    await p.jobs.drain();
    await p.review.decide(reviewer, w.id, 'approve');
    shas = (await p.store.repos.works.files(w.id)).map((f) => f.sha256).sort();
    current = await rows();
    expect([...current.values()].map((r) => [r.kind, r.status, r.version])).toEqual(shas.map(() => ['image', 'ok', IMAGE_PRINT_VERSION]));
    // Rows as the previous code left them; one whose stored file is gone; one whose file no longer decodes.
    await downgrade();
    const row = current.get(shas[0]!)!;
    await p.store.repos.fingerprints.upsert({ ...row, sha256: missingSha, version: 1 });
    await p.store.repos.fingerprints.upsert({ ...row, sha256: corruptSha, version: 1 });
    await mkdir(path.dirname(p.blobs.pathOf(corruptSha)), { recursive: true });
    await writeFile(p.blobs.pathOf(corruptSha), images[0]!.subarray(0, 300));
    await p.similarity.rebuildIndex();
    before15 = await cropMatch(shas[3]!);
  });
  afterAll(async () => t.cleanup());

  it('the start-up check queues one pass, and only one', async () => {
    const queued: unknown[] = [];
    const enqueue = (c: unknown) => {
      queued.push(c);
      return t.p.jobs.enqueue('fingerprints.backfill', c as never);
    };
    expect(await scheduleFingerprintBackfill(t.p.store, enqueue, silent)).toBe(7);
    expect(await scheduleFingerprintBackfill(t.p.store, enqueue, silent)).toBe(7);
    expect(queued).toEqual([{ version: 1, after: '', done: 0, total: 7 }]);
    expect(await t.p.store.repos.jobs.pendingOfKind('fingerprints.backfill')).toBe(1);
  });

  it('a pass stopped after its first batch resumes: the rows are the state; each file is reported once meanwhile', async () => {
    const { p } = t;
    const first = await backfillSlice({ store: p.store, similarity: p.similarity, log: silent }, { version: 1, after: '', done: 0, total: 7 }, { batch: 2, maxMs: 0 });
    expect(first).toMatchObject({ next: { version: 1, after: shas[1], done: 2, total: 7 }, updated: 2, missing: 0, failed: 0 });
    const r = await rows();
    expect(shas.map((s) => r.get(s)!.version)).toEqual([2, 2, 1, 1, 1]);
    expect(await staleImagePrints(p.store)).toBe(5);
    // The live index now holds the first file twice (old and new hashes): a resized copy is still reported once.
    await p.similarity.refresh();
    const copy = path.join(tmpdir(), `cws-backfill-${dialect}-${process.pid}.jpg`);
    await sharp(imageOf(shas[0]!)).resize(480).jpeg({ quality: 70 }).toFile(copy);
    const { report } = await p.similarity.matchFile(copy, 'image');
    expect(report.matches.filter((m) => m.target.sha256 === shas[0] && m.type === 'image')).toHaveLength(1);
  });

  it('the job, after its worker died holding it, completes the pass; the kept rows are left as they were', async () => {
    const { p } = t;
    const job = await p.store.repos.jobs.claim('dead-worker', 1);
    expect(job?.kind).toBe('fingerprints.backfill');
    await new Promise((res) => setTimeout(res, 20));
    expect(await p.store.repos.jobs.releaseExpired()).toBe(1);
    expect(await p.jobs.drain()).toBeGreaterThanOrEqual(1);
    expect((await p.store.repos.jobs.byId(job!.id))!.status).toBe('done');
    expect(await p.store.repos.jobs.pendingOfKind('fingerprints.backfill')).toBe(0);
    const r = await rows();
    for (const sha of shas) {
      // The same fingerprint as a fresh computation: the inner-region hash and the probes are back.
      const now = r.get(sha)!;
      expect({ version: now.version, pdq: now.pdq, quality: now.quality, data: JSON.parse(now.data) as unknown }).toEqual({ version: IMAGE_PRINT_VERSION, pdq: current.get(sha)!.pdq, quality: current.get(sha)!.quality, data: JSON.parse(current.get(sha)!.data) as unknown });
    }
    expect([r.get(missingSha)!.version, r.get(corruptSha)!.version, r.get(corruptSha)!.status]).toEqual([1, 1, 'ok']);
    expect(await staleImagePrints(p.store)).toBe(2);
  });

  it('running it again changes nothing', async () => {
    const before = await rows();
    const again = await backfillSlice({ store: t.p.store, similarity: t.p.similarity, log: silent }, {});
    expect(again).toMatchObject({ next: null, done: 2, total: 2, updated: 0, missing: 1, failed: 1 });
    expect(await rows()).toEqual(before);
  });

  it('a copy cut by 15 % from the left is found through the recomputed inner-region hash (it was not before)', async () => {
    expect(before15).toBeUndefined();
    expect(await cropMatch(shas[3]!)).toMatchObject({ transform: 'cropped' });
  });

  it('`cws fingerprint --backfill` runs the same pass from the command line', async () => {
    await downgrade();
    const res = await cwsBackfill({ ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}) });
    expect(JSON.parse(res.out), res.err).toEqual({ version: IMAGE_PRINT_VERSION, stale: 7, updated: 5, missing: 1, failed: 1, left: 2 });
    expect(res.code).toBe(1);
    const r = await rows();
    for (const sha of shas) expect(JSON.parse(r.get(sha)!.data)).toEqual(JSON.parse(current.get(sha)!.data));
    // And what the current code computes from the file is what the backfill stored.
    const fresh = await new Fingerprinter(new MediaDecoder()).compute(t.p.blobs.pathOf(shas[2]!), 'image', shas[2]);
    expect(fresh.print.pdq?.inner).toBe((JSON.parse(r.get(shas[2]!)!.data) as { inner: string }).inner);
  });
});
