import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { createSchema, dialects, dropSchema, PG_URL, testPlatform } from '../support/platform.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ds = await dialects();

describe.each(ds)('a corrected then revoked registration on the verify page in Chromium on %s', (dialect) => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let schema: string | undefined;
  let number: string;
  let indexes: number[];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cws-e2e-events-'));
    schema = dialect === 'postgres' ? await createSchema() : undefined;
    const t = await testPlatform(dialect, { CWS_NUMBER_PREFIX: '撤作登字' }, { dataDir, ...(schema ? { schema } : {}) });
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const admin = await account(t.p, 'admin');
    const w = await t.p.registration.create(creator, validMetadata({ title: '将被撤销的作品' }), [await stagePng(t.p, 4343)], true);
    number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    const c = await t.p.registryEvents.correct(admin, w.id, { reason: '标题更正', title: '将被撤销的作品（更正）' });
    const r = await t.p.registryEvents.revoke(admin, w.id, '权属争议，撤销');
    indexes = [c.event.log!.index, r.event.log!.index];
    await t.p.registryLog.integrator.flush();
    await t.cleanup();
    server = await startServer({ CWS_DATA_DIR: dataDir, CWS_NUMBER_PREFIX: '撤作登字', ...(schema ? { DATABASE_URL: PG_URL, CWS_PG_SCHEMA: schema } : {}) });
    browser = await chromium.launch({ executablePath: process.env.CWS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (schema) await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  });

  it('says revoked, lists the events with their log indexes and shows each proof verified in the browser', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.goto(`${server.url}/verify/${encodeURIComponent(number)}`);
    await page.getByTestId('verify-verified').waitFor();
    expect(await page.getByTestId('verify-status').getAttribute('data-status')).toBe('revoked');
    expect(await page.getByTestId('verify-status').textContent()).toBe('已撤销');
    await page.getByTestId('verify-revoked').waitFor();
    for (const i of indexes) await page.getByTestId(`event-proof-${i}`).waitFor();
    const history = await page.getByTestId('verify-events').textContent();
    expect(history).toContain('权属争议，撤销');
    expect(history).toContain(`#${indexes[1]}`);
    expect(await page.getByTestId('verify-result').textContent()).toContain('将被撤销的作品（更正）');
    await page.context().close();
  });

  it('does not mark an event proven when the server hands out a tampered event leaf', async () => {
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.route('**/api/verify/*', async (route) => {
      const res = await route.fetch();
      const body = (await res.json()) as { evidence: { events: { leaf: string }[] } };
      const leaf = Buffer.from(body.evidence.events[1]!.leaf, 'base64');
      leaf[leaf.length - 4]! ^= 1;
      body.evidence.events[1]!.leaf = leaf.toString('base64');
      await route.fulfill({ response: res, json: body });
    });
    await page.goto(`${server.url}/verify/${encodeURIComponent(number)}`);
    await page.getByTestId('verify-failed').waitFor();
    expect(await page.getByTestId('verify-verified').count()).toBe(0);
    expect(await page.getByTestId(`event-proof-${indexes[1]}`).count()).toBe(0);
    await page.context().close();
  });

  it('verifier.html opened from disk says REVOKED for the authentic package and refuses a tampered event with its code', async () => {
    const text = await (await fetch(`${server.url}/api/verify/${encodeURIComponent(number)}/evidence`)).text();
    const good = path.join(dataDir, 'revoked.json');
    await writeFile(good, text);
    const pkg = JSON.parse(text) as { events: { leaf: string }[] };
    const leaf = Buffer.from(pkg.events[0]!.leaf, 'base64');
    leaf[leaf.length - 4]! ^= 1;
    pkg.events[0]!.leaf = leaf.toString('base64');
    const bad = path.join(dataDir, 'revoked-tampered.json');
    await writeFile(bad, JSON.stringify(pkg));
    const page = await (await browser.newContext({ locale: 'zh-CN' })).newPage();
    await page.context().setOffline(true);
    await page.goto(pathToFileURL(path.resolve('dist/web/verifier.html')).href);
    const verdict = async () => {
      await page.waitForFunction(() => (document.getElementById('result')!.dataset.code ?? '') !== '');
      return page.locator('#result').getAttribute('data-code');
    };
    await page.locator('#package').setInputFiles(good);
    expect(await verdict()).toBe('REVOKED');
    expect(await page.locator('#result').textContent()).toContain('REVOKED');
    await page.evaluate(() => (document.getElementById('result')!.dataset.code = ''));
    await page.locator('#package').setInputFiles(bad);
    expect(await verdict()).toBe('PROOF_MISMATCH');
    await page.context().close();
  });
});
