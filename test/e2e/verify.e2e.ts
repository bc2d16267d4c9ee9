import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import sharp from 'sharp';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { createSchema, dialects, dropSchema, PG_URL, testPlatform } from '../support/platform.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ds = await dialects();

/** Overlapping shapes on a gradient, rendered from SVG: enough structure for a meaningful PDQ hash. */
async function picture(): Promise<Buffer> {
  let s = 977;
  const rnd = () => ((s = (s * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  const c = () => Math.floor(rnd() * 255);
  const shapes = Array.from({ length: 40 }, () => `<circle cx="${rnd() * 900}" cy="${rnd() * 600}" r="${20 + rnd() * 120}" fill="rgb(${c()},${c()},${c()})" fill-opacity="0.7"/>`).join('');
  return sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="900" height="600"><rect width="900" height="600" fill="rgb(${c()},${c()},${c()})"/>${shapes}</svg>`)).png().toBuffer();
}

describe.each(ds)('public verify page in Chromium on %s', (dialect) => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let schema: string | undefined;
  let number: string;
  let similarNumber: string;
  let similarCopy: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cws-e2e-verify-'));
    schema = dialect === 'postgres' ? await createSchema() : undefined;
    // A registration approved and covered by a checkpoint before the server starts.
    const t = await testPlatform(dialect, { CWS_NUMBER_PREFIX: '邮作登字' }, { dataDir, ...(schema ? { schema } : {}) });
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: '查证页面作品' }), [await stagePng(t.p, 4242)], true);
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    // A registered photo-like picture, fingerprinted before the server starts, for the "similar image" drop.
    const pic = await picture();
    const p2 = await t.p.registration.create(creator, validMetadata({ title: '相似图片作品' }), [await t.p.registration.stage(Readable.from([pic]), 'scene.png')], true);
    await t.p.jobs.drain();
    similarNumber = (await t.p.review.decide(reviewer, p2.id, 'approve')).registrationNumber!;
    similarCopy = path.join(dataDir, 'scene-copy.jpg');
    await writeFile(similarCopy, await sharp(pic).resize(480).jpeg({ quality: 70 }).toBuffer());
    await t.p.registryLog.integrator.flush();
    await t.cleanup();
    server = await startServer({ CWS_DATA_DIR: dataDir, CWS_NUMBER_PREFIX: '邮作登字', ...(schema ? { DATABASE_URL: PG_URL, CWS_PG_SCHEMA: schema } : {}) });
    browser = await chromium.launch({ executablePath: process.env.CWS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (schema) await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  });

  const newPage = async (): Promise<Page> => (await browser.newContext({ locale: 'zh-CN' })).newPage();

  it('the QR-code URL opens the record and the browser verifies its proof against the signed checkpoint', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/verify/${encodeURIComponent(number)}`);
    await page.getByTestId('verify-verified').waitFor();
    expect(await page.getByTestId('verify-result').textContent()).toContain('查证页面作品');
    expect(await page.getByTestId('verify-status').textContent()).toBe('有效');
    await page.context().close();
  });

  it('does not say verified when the server hands out a tampered record or proof', async () => {
    for (const tamper of [
      (e: { record: { registeredAt: string } }) => void (e.record.registeredAt = '2020-01-01T00:00:00.000Z'),
      (e: { inclusionProof: { treeSize: number } }) => void (e.inclusionProof.treeSize += 1),
      (e: { checkpoint: { note: string } }) => void (e.checkpoint.note = e.checkpoint.note.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`)),
    ] as ((e: never) => void)[]) {
      const page = await newPage();
      await page.route('**/api/verify/*', async (route) => {
        const res = await route.fetch();
        const body = (await res.json()) as { evidence: never };
        tamper(body.evidence);
        await route.fulfill({ response: res, json: body });
      });
      await page.goto(`${server.url}/verify/${encodeURIComponent(number)}`);
      await page.getByTestId('verify-failed').waitFor();
      expect(await page.getByTestId('verify-verified').count()).toBe(0);
      await page.context().close();
    }
  });

  it('dropping a resized JPEG of a registered picture lists it as similar, not identical, with the distance', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/verify`);
    // The page's only file input, inside the drop zone.
    await page.locator('input[type=file]').setInputFiles(similarCopy);
    await page.getByTestId('verify-similar-distance').first().waitFor();
    const section = (await page.getByTestId('verify-similar').textContent()) ?? '';
    expect(section).toContain(similarNumber);
    expect(section).toContain('相似，非同一文件');
    expect(section).toMatch(/256 位中相差 \d+ 位/);
    // The exact check says no registration holds this very file.
    expect(await page.getByTestId('verify-file-result').textContent()).toContain('没有登记包含与此完全相同的文件');
    await page.context().close();
  });

  it('an unknown number gets a plain not-found message', async () => {
    const page = await newPage();
    await page.goto(`${server.url}/verify/${encodeURIComponent('邮作登字-2026-F-99999999')}`);
    await page.getByTestId('verify-error').waitFor();
    expect(await page.getByTestId('verify-result').count()).toBe(0);
    await page.context().close();
  });

  it('verifier.html opened from disk checks a downloaded package offline and refuses tampered ones with the reason code', async () => {
    const pkgText = await (await fetch(`${server.url}/api/verify/${encodeURIComponent(number)}/evidence`)).text();
    const pkg = JSON.parse(pkgText) as { record: { registeredAt: string; files: { sha256: string }[] }; inclusionProof: { hashes: string[] }; log: { origin: string } };
    const good = path.join(dataDir, 'evidence.json');
    await writeFile(good, pkgText);
    const work = path.join(dataDir, 'work.png');
    await writeFile(work, (await import('../../src/documents/samples.js')).samplePng(4242));
    const cases: [string, unknown, string][] = [
      ['record', { ...pkg, record: { ...pkg.record, registeredAt: '2020-01-01T00:00:00.000Z' } }, 'PROOF_MISMATCH'],
      ['hash', { ...pkg, record: { ...pkg.record, files: pkg.record.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) } }, 'CONTENT_HASH_MISMATCH'],
      ['origin', { ...pkg, log: { ...pkg.log, origin: 'forged.example' } }, 'UNKNOWN_KEY'],
    ];
    const page = await newPage();
    const html = path.resolve('dist/web/verifier.html');
    await page.context().setOffline(true);
    await page.goto(pathToFileURL(html).href);
    const verdict = async () => {
      await page.waitForFunction(() => ['VALID', 'BAD_SIGNATURE', 'PROOF_MISMATCH', 'CONTENT_HASH_MISMATCH', 'UNKNOWN_KEY', 'MALFORMED'].includes(document.getElementById('result')!.dataset.code ?? ''));
      return page.locator('#result').getAttribute('data-code');
    };
    await page.locator('#content').setInputFiles(work);
    await page.locator('#package').setInputFiles(good);
    expect(await verdict()).toBe('VALID');
    for (const [name, doc, code] of cases) {
      const file = path.join(dataDir, `tampered-${name}.json`);
      await writeFile(file, JSON.stringify(doc));
      await page.evaluate(() => (document.getElementById('result')!.dataset.code = ''));
      await page.locator('#package').setInputFiles(file);
      expect([name, await verdict()]).toEqual([name, code]);
    }
    await writeFile(path.join(dataDir, 'cut.json'), pkgText.slice(0, 400));
    await page.evaluate(() => (document.getElementById('result')!.dataset.code = ''));
    await page.locator('#package').setInputFiles(path.join(dataDir, 'cut.json'));
    expect(await verdict()).toBe('MALFORMED');
    expect(JSON.parse(await readFile(good, 'utf8'))).toBeTruthy();
    await page.context().close();

    // The same file is served by the platform.
    const served = await fetch(`${server.url}/verifier.html`);
    expect(served.status).toBe(200);
    expect(await served.text()).toBe(await readFile(html, 'utf8'));
  });
});
