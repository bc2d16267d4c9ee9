import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { samplePng, sampleText } from '../../src/documents/samples.js';
import { createSchema, dialects, dropSchema, PG_URL } from '../support/platform.js';
import { startServer, type ServerProcess } from '../support/server-process.js';

const ds = await dialects();
const SHOTS = path.resolve('test-results/screenshots');

async function shot(page: Page, name: string): Promise<void> {
  await mkdir(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
}

describe.each(ds)('the whole path in Chromium on %s', (dialect) => {
  let browser: Browser;
  let server: ServerProcess;
  let dataDir: string;
  let schema: string | undefined;
  let files: string[];

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'cws-e2e-'));
    schema = dialect === 'postgres' ? await createSchema() : undefined;
    server = await startServer({ CWS_DATA_DIR: dataDir, CWS_NUMBER_PREFIX: '邮作登字', ...(schema ? { DATABASE_URL: PG_URL, CWS_PG_SCHEMA: schema } : {}) });
    browser = await chromium.launch({ executablePath: process.env.CWS_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'] });
    const fdir = path.join(dataDir, 'upload');
    await mkdir(fdir);
    files = [path.join(fdir, '写生.png'), path.join(fdir, '创作说明.md')];
    await writeFile(files[0]!, samplePng(42, 320, 200));
    await writeFile(files[1]!, sampleText(42));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (schema) await dropSchema(schema);
    await rm(dataDir, { recursive: true, force: true });
  });

  const newPage = async () => {
    const ctx = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1366, height: 900 } });
    return ctx.newPage();
  };
  const login = async (page: Page, username: string, password: string) => {
    await page.goto(`${server.url}/login`);
    await page.getByTestId('login-username').fill(username);
    await page.getByTestId('login-password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.getByTestId('user-menu').waitFor();
  };
  const logout = async (page: Page) => {
    await page.getByTestId('user-menu').click();
    await page.getByTestId('menu-logout').click();
    await page.getByTestId('login-username').waitFor();
  };
  const statusIs = async (page: Page, status: string) => {
    await page.locator(`[data-testid=work-detail][data-status=${status}]`).waitFor({ timeout: 15_000 });
  };

  it('first admin → creator signs up → registers with two files and an AI disclosure → rejected → edited and resubmitted → approved with a number and an audit trail', async () => {
    const page = await newPage();
    const link = /(http:\/\/\S+\/setup\?token=\S+)/.exec(server.output())?.[1];
    expect(link, server.output()).toBeTruthy();

    // 1. the first admin, from the one-time link printed at first start
    await page.goto(link!);
    await page.getByTestId('setup-username').fill('admin');
    await page.getByTestId('setup-display-name').fill('馆长');
    await page.getByTestId('setup-password').fill('admin-pass-2026');
    await page.getByTestId('setup-confirm').fill('admin-pass-2026');
    await page.getByTestId('setup-submit').click();
    await page.getByTestId('nav-admin-users').waitFor();

    // 2. the admin creates a reviewer
    await page.getByTestId('nav-admin-users').click();
    await page.getByTestId('admin-create-user').click();
    await page.getByTestId('new-user-username').fill('librarian');
    await page.getByTestId('new-user-display-name').fill('审核员小王');
    await page.getByTestId('new-user-role').click();
    await page.getByTestId('new-user-role-reviewer').click();
    await page.getByTestId('new-user-password').fill('temp-pass-2026');
    await page.getByTestId('new-user-submit').click();
    await page.getByTestId('user-librarian').waitFor();
    await shot(page, `admin-users-${dialect}`);
    await logout(page);

    // 3. a creator signs up
    await page.goto(`${server.url}/signup`);
    await page.getByTestId('signup-username').fill('student');
    await page.getByTestId('signup-display-name').fill('李同学');
    await page.getByTestId('signup-password').fill('student-pass-2026');
    await page.getByTestId('signup-confirm').fill('student-pass-2026');
    await page.getByTestId('signup-real-name').fill('李明');
    await page.getByTestId('signup-campus-id').fill('2026123456');
    await page.getByTestId('signup-unit').fill('艺术学院');
    await page.getByTestId('signup-submit').click();
    await page.getByTestId('nav-new-work').waitFor();

    // 4. registers a work with two files and an AI-use disclosure
    await page.getByTestId('nav-new-work').click();
    await page.getByTestId('work-title').fill('晨曦中的图书馆');
    await page.getByTestId('work-category').click();
    await page.getByTestId('category-option-fine_art').click();
    await page.getByTestId('work-description').fill('水彩与数字绘画结合的校园写生');
    await page.getByTestId('work-author-0').fill('李同学');
    await page.getByTestId('work-owner-name-0').fill('李同学');
    await page.getByTestId('work-owner-share-0').fill('100');
    await page.getByTestId('work-completed-on').fill('2026-03-01');
    await page.getByTestId('work-completed-on').press('Enter');
    await page.getByTestId('work-published-no').click();
    await page.getByTestId('work-ai-used').click();
    await page.getByTestId('work-ai-tools').fill('Midjourney v6');
    await page.getByTestId('work-ai-prompts').fill('library at dawn, watercolor --ar 3:2');
    await page.getByTestId('work-ai-human').fill('选择、编排并手工重绘人物与建筑细节');
    await page.getByTestId('work-ai-claimed').fill('构图编排、手绘修改部分');
    await page.getByTestId('work-ai-excluded').fill('AI 生成的天空与背景');
    await page.locator('[data-testid=work-files] input[type=file]').setInputFiles(files);
    await shot(page, `register-form-${dialect}`);
    await page.getByTestId('work-submit').click();
    const confirm = page.getByTestId('confirm-ok');
    if (await confirm.isVisible({ timeout: 1000 }).catch(() => false)) await confirm.click();
    await statusIs(page, 'submitted');
    const workId = await page.getByTestId('work-detail').getAttribute('data-work-id');
    expect(workId).toBeTruthy();
    await expect(page.locator('[data-testid^=file-sha256-]').count()).resolves.toBe(2);
    await logout(page);

    // 5. the reviewer (first sign-in: must change the admin's password) rejects with a reason
    await login(page, 'librarian', 'temp-pass-2026');
    await page.getByTestId('password-current').fill('temp-pass-2026');
    await page.getByTestId('password-new').fill('reviewer-pass-2026');
    await page.getByTestId('password-confirm').fill('reviewer-pass-2026');
    await page.getByTestId('password-submit').click();
    await page.getByTestId('nav-review').click();
    await page.getByTestId(`review-row-${workId}`).waitFor();
    await shot(page, `review-queue-${dialect}`);
    await page.getByTestId(`review-open-${workId}`).click();
    await page.locator(`[data-testid^=file-preview-image-]`).first().waitFor();
    await page.getByTestId('review-reject').click();
    await page.getByTestId('reject-reason').fill('请补充手绘部分的过程稿');
    await page.getByTestId('reason-submit').click();
    await statusIs(page, 'rejected');
    await logout(page);

    // 6. the creator sees the notification, edits and resubmits
    await login(page, 'student', 'student-pass-2026');
    await expect.poll(async () => Number(await page.getByTestId('notification-bell').getAttribute('data-unread')), { timeout: 20_000 }).toBeGreaterThan(0);
    await page.goto(`${server.url}/works/${workId}`);
    expect(await page.getByTestId('review-reason').textContent()).toContain('请补充手绘部分的过程稿');
    await page.getByTestId('action-edit').click();
    await page.getByTestId('work-description').fill('水彩与数字绘画结合的校园写生，附过程稿说明');
    await page.getByTestId('work-submit').click();
    if (await confirm.isVisible({ timeout: 1000 }).catch(() => false)) await confirm.click();
    await statusIs(page, 'submitted');
    await logout(page);

    // 7. the reviewer approves: the number and the audit trail are visible
    await login(page, 'librarian', 'reviewer-pass-2026');
    await page.goto(`${server.url}/works/${workId}`);
    await page.getByTestId('review-approve').click();
    await page.getByTestId('confirm-ok').click();
    await statusIs(page, 'approved');
    expect((await page.getByTestId('registration-number').textContent())?.trim()).toMatch(/^邮作登字-\d{4}-F-\d{8}$/);
    // the approval's registry-log entry is shown; a reload later shows the checkpoint covering it
    await page.getByTestId('log-position').waitFor();
    expect(Number(await page.getByTestId('log-position').getAttribute('data-index'))).toBeGreaterThanOrEqual(0);
    await expect.poll(async () => {
      await page.reload();
      await page.getByTestId('log-position').waitFor();
      return Number(await page.getByTestId('log-position').getAttribute('data-checkpoint-size'));
    }, { timeout: 20_000 }).toBeGreaterThan(0);
    const actions = await page.locator('[data-testid=audit-event]').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    expect(actions).toEqual(expect.arrayContaining(['create', 'submit', 'reject', 'edit', 'approve']));
    expect(actions.filter((a) => a === 'submit')).toHaveLength(2);
    await shot(page, `work-approved-${dialect}`);

    // 8. the registration certificate: preview shown, PDF downloaded
    await page.locator('[data-testid=certificate-card][data-state=ready]').waitFor({ timeout: 20_000 });
    await page.getByTestId('certificate-card').scrollIntoViewIfNeeded();
    await shot(page, `work-certificate-${dialect}`);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('certificate-download').click()]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.length).toBeGreaterThan(10_000);
  });
});
