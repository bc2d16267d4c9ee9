import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { createSchema, dialects, dropSchema, PG_URL, testPlatform } from '../support/platform.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ds = await dialects();

describe.each(ds)('admin corrects and revokes, manages judicial keys; the owner sees judicial lookups, in Chromium on %s', (dialect) => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let schema: string | undefined;
  let workId: string;
  let admin: { username: string; password: string };
  let creator: { username: string; password: string };
  let judge: { username: string; displayName: string };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cws-e2e-registry-admin-'));
    schema = dialect === 'postgres' ? await createSchema() : undefined;
    const t = await testPlatform(dialect, {}, { dataDir, ...(schema ? { schema } : {}) });
    const c = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const a = await account(t.p, 'admin');
    const j = await account(t.p, 'judicial');
    const w = await t.p.registration.create(c, validMetadata({ title: '管理员更正的作品' }), [await stagePng(t.p, 4545)], true);
    const approved = await t.p.review.decide(reviewer, w.id, 'approve');
    await t.p.registryLog.integrator.flush();
    // A court looks the registration up once, so its owner has something to see.
    const key = await t.p.judicial.createKey(a, { userId: j.id, name: '某某法院', scopes: ['lookup:number'], expiresAt: new Date(Date.now() + 86_400_000).toISOString() });
    await t.p.judicial.lookup((await t.p.judicial.authenticate(`Bearer ${key.token}`)), 'lookup:number', approved.registrationNumber!, '127.0.0.1');
    workId = w.id;
    admin = a;
    creator = c;
    judge = { username: j.username, displayName: (await t.p.store.repos.users.byId(j.id))!.display_name };
    await t.cleanup();
    server = await startServer({ CWS_DATA_DIR: dataDir, ...(schema ? { DATABASE_URL: PG_URL, CWS_PG_SCHEMA: schema } : {}) });
    browser = await chromium.launch({ executablePath: process.env.CWS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (schema) await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  });

  const login = async (username: string, password: string): Promise<Page> => {
    const page = await (await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } })).newPage();
    await page.goto(`${server.url}/login`);
    // The first page load of a freshly started server can be slow on a loaded machine.
    await page.getByTestId('login-username').waitFor({ timeout: 90_000 });
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
    return page;
  };

  it('the owner sees who looked the registration up with a judicial key', async () => {
    const page = await login(creator.username, creator.password);
    await page.goto(`${server.url}/works/${workId}`);
    await page.getByTestId('judicial-access').waitFor();
    await page.getByTestId('judicial-access').getByText(judge.displayName).waitFor();
    expect(await page.getByTestId('judicial-access').textContent()).toContain('某某法院');
    await page.context().close();
  });

  it('an admin corrects the title with a reason, then revokes; the page shows each event and no more actions', async () => {
    const page = await login(admin.username, admin.password);
    await page.goto(`${server.url}/works/${workId}`);
    await page.getByTestId('action-correct').click();
    await page.getByTestId('correction-title').fill('管理员更正后的作品');
    await page.getByTestId('correction-submit').click();
    // No reason: the modal refuses and nothing is sent.
    await page.getByText('请填写理由').or(page.locator('.ant-form-item-explain-error')).first().waitFor();
    await page.getByTestId('correction-reason').fill('作品名称录入错误');
    await page.getByTestId('correction-submit').click();
    await page.locator('[data-testid=work-detail][data-status=corrected]').waitFor({ timeout: 15_000 });
    await page.getByTestId('registry-event-correction').waitFor();
    expect(await page.getByTestId('registry-card').textContent()).toContain('管理员更正后的作品');
    await page.getByTestId('action-revoke').click();
    await page.getByTestId('revoke-reason').fill('权属争议');
    await page.getByTestId('reason-submit').click();
    await page.locator('[data-testid=work-detail][data-status=revoked]').waitFor({ timeout: 15_000 });
    await page.getByTestId('registry-event-revocation').waitFor();
    await page.getByTestId('registry-revoked').waitFor();
    expect(await page.getByTestId('action-revoke').count()).toBe(0);
    expect(await page.getByTestId('action-correct').count()).toBe(0);
    await page.context().close();
  });

  it('an admin creates a judicial key (secret shown once) and revokes it', async () => {
    const page = await login(admin.username, admin.password);
    await page.getByTestId('nav-admin-api-keys').click();
    // The key made for the court's lookup is listed.
    await page.getByTestId('api-key-某某法院').waitFor();
    await page.getByTestId('api-key-create').click();
    await page.getByTestId('api-key-holder').click();
    await page.locator('.ant-select-item-option', { hasText: judge.username }).click();
    await page.getByTestId('api-key-name').fill('知识产权庭');
    await page.getByTestId('api-key-create-submit').click();
    const secret = await page.getByTestId('api-key-secret').textContent();
    expect(secret).toMatch(/^cwsj_/);
    await page.getByRole('button', { name: /确\s*定/ }).last().click();
    await page.getByTestId('api-key-revoke-知识产权庭').click();
    await page.getByTestId('confirm-ok').click();
    await page.getByTestId('api-key-state-知识产权庭').getByText('已吊销').waitFor();
    await page.context().close();
  });
});
