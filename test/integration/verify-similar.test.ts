import type { FastifyInstance } from 'fastify';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Platform } from '../../src/platform.js';
import { buildServer } from '../../src/routes/server.js';
import type { PublicSimilarResult } from '../../src/services/similarity.service.js';
import { account, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

/** A picture with structure (overlapping shapes on a gradient), rendered by sharp from SVG; `seed` changes everything. */
async function picture(seed: number, w = 900, h = 600): Promise<Buffer> {
  let s = seed * 7919 + 13;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const c = () => Math.floor(rnd() * 255);
  const shapes = Array.from({ length: 40 }, () => `<circle cx="${rnd() * w}" cy="${rnd() * h}" r="${20 + rnd() * 120}" fill="rgb(${c()},${c()},${c()})" fill-opacity="0.7"/>`).join('');
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><defs><linearGradient id="g" x1="0" x2="1"><stop offset="0" stop-color="rgb(${c()},${c()},${c()})"/><stop offset="1" stop-color="rgb(${c()},${c()},${c()})"/></linearGradient></defs><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes}</svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

const stage = (p: Platform, data: Buffer, name: string) => p.registration.stage(Readable.from([data]), name);

interface Dropped {
  sha256: string;
  matches: { registrationNumber: string }[];
  similar: PublicSimilarResult;
}

describe.each(ds)('public verify page: similar registered images on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let original: Buffer;
  let number: string;

  const drop = async (data: Buffer, name: string) => {
    const boundary = 'cwsboundary7';
    const payload = Buffer.concat([Buffer.from(`--${boundary}\r\ncontent-disposition: form-data; name="file"; filename="${name}"\r\ncontent-type: application/octet-stream\r\n\r\n`), data, Buffer.from(`\r\n--${boundary}--\r\n`)]);
    const res = await app.inject({ method: 'POST', url: '/api/verify/file', headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'x-csrf-token': '1' }, payload });
    return { status: res.statusCode, body: res.json() as Dropped & { error?: { code: string } } };
  };

  beforeAll(async () => {
    t = await testPlatform(dialect);
    app = await buildServer(t.p, { logger: false });
    original = await picture(41);
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: '湖畔秋色' }), [await stage(t.p, original, 'lake.png')], true);
    await t.p.jobs.drain();
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    expect(number).toBeTruthy();
    // Submitted but not approved: must never show on the public page.
    await t.p.registration.create(await account(t.p, 'creator'), validMetadata({ title: '未审作品' }), [await stage(t.p, await picture(77), 'pending.png')], true);
    await t.p.jobs.drain();
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('a resized, re-encoded JPEG copy: no identical file, one similar registration with its distance and public fields only', async () => {
    const copy = await sharp(original).resize(450).jpeg({ quality: 70 }).toBuffer();
    const { status, body } = await drop(copy, 'copy.jpg');
    expect(status).toBe(200);
    expect(body.sha256).toBe(createHash('sha256').update(copy).digest('hex'));
    expect(body.matches).toEqual([]);
    expect(body.similar.status).toBe('ok');
    expect(body.similar.maxDistance).toBe(31);
    expect(body.similar.quality).toBeGreaterThanOrEqual(50);
    expect(body.similar.matches).toHaveLength(1);
    const m = body.similar.matches[0]!;
    expect(m).toMatchObject({ registrationNumber: number, title: '湖畔秋色', status: 'valid', transform: 'original' });
    expect(m.distance).toBeLessThanOrEqual(31);
    expect(Object.keys(m).sort()).toEqual(['distance', 'registeredAt', 'registrationNumber', 'status', 'title', 'transform']);
  });

  it('a copy turned by 90°: found through the dihedral hashes, labelled with the turn', async () => {
    const { body } = await drop(await sharp(original).rotate(90).jpeg({ quality: 85 }).toBuffer(), 'turned.jpg');
    expect(body.similar.matches.map((m) => [m.registrationNumber, m.transform])).toEqual([[number, expect.stringMatching(/^rotate(90|270)$/)]]);
  });

  it('a copy cut by 10 % on one side: found through the inner-region hash, labelled as a crop', async () => {
    const meta = await sharp(original).metadata();
    const cut = await sharp(original).extract({ left: 90, top: 0, width: meta.width - 90, height: meta.height }).jpeg({ quality: 80 }).toBuffer();
    const { body } = await drop(cut, 'cut.jpg');
    expect(body.similar.matches.map((m) => [m.registrationNumber, m.transform])).toEqual([[number, 'cropped']]);
  });

  it('the registered file itself is an exact match, not also a "similar" one', async () => {
    const { body } = await drop(original, 'lake.png');
    expect(body.matches.map((m) => m.registrationNumber)).toEqual([number]);
    expect(body.similar).toMatchObject({ status: 'ok', matches: [] });
  });

  it('an unrelated picture and a copy of a work still under review: nothing similar', async () => {
    expect((await drop(await sharp(await picture(5)).jpeg().toBuffer(), 'other.jpg')).body.similar).toMatchObject({ status: 'ok', matches: [] });
    expect((await drop(await sharp(await picture(77)).resize(500).jpeg().toBuffer(), 'pending-copy.jpg')).body.similar).toMatchObject({ status: 'ok', matches: [] });
  });

  it('files that are not comparable images say why, with the exact check still answered', async () => {
    const text = await drop(Buffer.from('湖畔秋色，一首小诗。'), 'poem.txt');
    expect([text.status, text.body.similar.status, text.body.matches]).toEqual([200, 'not_image', []]);
    const corrupt = await drop((await sharp(original).jpeg().toBuffer()).subarray(0, 1500), 'cut.jpg');
    expect(corrupt.status).toBe(200);
    expect(corrupt.body.similar.status).toBe('failed');
    expect(corrupt.body.similar.reason).toMatch(/^could not fingerprint: /);
    const flat = await drop(await sharp({ create: { width: 300, height: 200, channels: 3, background: '#7a7a7a' } }).png().toBuffer(), 'grey.png');
    expect(flat.body.similar).toMatchObject({ status: 'low_quality', quality: 0, matches: [] });
    // Over 32 MB only the exact check runs (the route keeps just the first bytes): an image says so, anything else is simply not an image.
    const sha = '0'.repeat(64);
    expect(await t.p.similarity.similarRegisteredImages({ head: original.subarray(0, 64), bytes: null }, sha)).toMatchObject({ status: 'too_large', matches: [] });
    expect(await t.p.similarity.similarRegisteredImages({ head: Buffer.from('%PDF-1.7\n'), bytes: null }, sha)).toMatchObject({ status: 'not_image', matches: [] });
  });

  it('bad requests are refused as before and change nothing', async () => {
    const before = await t.p.store.repos.fingerprints.countByKind();
    const empty = await drop(Buffer.alloc(0), 'empty.png');
    expect([empty.status, empty.body.error?.code]).toEqual([400, 'FILE_MISSING']);
    const wrongField = await app.inject({
      method: 'POST',
      url: '/api/verify/file',
      headers: { 'content-type': 'multipart/form-data; boundary=XX', 'x-csrf-token': '1' },
      payload: Buffer.from('--XX\r\ncontent-disposition: form-data; name="image"; filename="a.png"\r\ncontent-type: image/png\r\n\r\nabc\r\n--XX--\r\n'),
    });
    expect([wrongField.statusCode, (wrongField.json() as { error: { code: string } }).error.code]).toEqual([400, 'MULTIPART']);
    // Dropped files are never stored, nor fingerprinted into the registry.
    expect(await t.p.store.repos.fingerprints.countByKind()).toEqual(before);
  });
});
