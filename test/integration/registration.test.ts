import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../src/domain/errors.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (e instanceof AppError) return e.code;
    throw e;
  }
  return 'no error';
}

describe.each(ds)('registration and review on %s', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform(dialect);
  });
  afterAll(async () => t.cleanup());

  it('runs the whole path: draft, submit, reject, edit, resubmit, approve with a number and a trail', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewer = await account(p, 'reviewer');
    const w = await p.registration.create(creator, validMetadata(), [await stagePng(p, 1), await stagePng(p, 2)], false);
    expect(w.status).toBe('draft');
    expect(w.files).toHaveLength(2);
    expect(w.files[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    // reviewers do not see drafts
    expect(await codeOf(p.registration.get(reviewer, w.id))).toBe('NOT_FOUND');

    await p.registration.submit(creator, w.id);
    const rejected = await p.review.decide(reviewer, w.id, 'reject', '缺少作品说明');
    expect(rejected.status).toBe('rejected');
    expect(rejected.reviewReason).toBe('缺少作品说明');
    expect(await codeOf(p.review.decide(reviewer, w.id, 'reject', '再次驳回'))).toBe('INVALID_TRANSITION');

    const edited = await p.registration.update(creator, w.id, { description: '补充了说明' }, [w.files[1]!.id], [await stagePng(p, 3)]);
    expect(edited.description).toBe('补充了说明');
    expect(edited.files.map((f) => f.filename)).toEqual(['img-1.png', 'img-3.png']);
    await p.registration.submit(creator, w.id);
    await p.review.decide(reviewer, w.id, 'claim');
    const approved = await p.review.decide(reviewer, w.id, 'approve');
    const year = new Date().getUTCFullYear();
    expect(approved.registrationNumber).toMatch(new RegExp(`^测作登字-(${year}|${year + 1})-F-\\d{8}$`));
    expect(approved.events!.map((e) => e.action)).toEqual(['create', 'submit', 'reject', 'edit', 'submit', 'claim', 'approve']);
    expect(approved.events!.find((e) => e.action === 'reject')!.reason).toBe('缺少作品说明');
    // approved works are frozen
    expect(await codeOf(p.registration.update(creator, w.id, { title: 'x' }, [], []))).toBe('INVALID_TRANSITION');

    const notes = await p.notifications.list(creator, false, 1, 20);
    expect(notes.items.map((n) => n.kind).sort()).toEqual(['work.approve', 'work.claim', 'work.reject']);
    expect(notes.unreadCount).toBe(3);
    await p.notifications.markAllRead(creator);
    expect((await p.notifications.list(creator, true, 1, 20)).total).toBe(0);
  });

  it('requires a reason to reject and files to submit; refuses incomplete submissions', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewer = await account(p, 'reviewer');
    expect(await codeOf(p.registration.create(creator, validMetadata(), [], true))).toBe('FILE_MISSING');
    const draft = await p.registration.create(creator, { title: '只有标题' }, [await stagePng(p, 4)], false);
    expect(await codeOf(p.registration.submit(creator, draft.id))).toBe('VALIDATION');
    const w = await p.registration.create(creator, validMetadata(), [await stagePng(p, 5)], true);
    expect(await codeOf(p.review.decide(reviewer, w.id, 'reject', ''))).toBe('VALIDATION');
    expect(await codeOf(p.review.decide(creator, w.id, 'approve'))).toBe('FORBIDDEN');
    expect((await p.registration.get(creator, w.id)).status).toBe('submitted');
  });

  it('keeps nothing when a file is refused', async () => {
    const { p, dataDir } = t;
    const creator = await account(p, 'creator');
    const before = (await p.registration.listMine(creator, undefined, 1, 100)).total;
    await expect(p.registration.stage(Readable.from([Buffer.from('MZ not an image')]), 'evil.png')).rejects.toMatchObject({ code: 'FILE_CONTENT_MISMATCH' });
    await expect(p.registration.stage(Readable.from([Buffer.alloc(10)]), '../../x.png')).rejects.toMatchObject({ code: 'FILE_NAME' });
    expect(await readdir(path.join(dataDir, 'tmp'))).toEqual([]);
    expect((await p.registration.listMine(creator, undefined, 1, 100)).total).toBe(before);
  });

  it('assigns unique, gap-free numbers under concurrent approvals', async () => {
    const { p } = t;
    const creator = await account(p, 'creator');
    const reviewers = await Promise.all([account(p, 'reviewer'), account(p, 'reviewer'), account(p, 'admin')]);
    const works = [];
    for (let i = 0; i < 30; i++) works.push(await p.registration.create(creator, validMetadata({ title: `并发 ${i}` }), [await stagePng(p, 100 + i)], true));
    // Every reviewer tries to approve every work at once: each work gets exactly one number.
    const attempts = works.flatMap((w) => reviewers.map((r) => p.review.decide(r, w.id, 'approve').then(() => 'ok', (e: AppError) => e.code)));
    const results = await Promise.all(attempts);
    expect(results.filter((r) => r === 'ok')).toHaveLength(30);
    expect(results.filter((r) => r !== 'ok').every((r) => r === 'INVALID_TRANSITION')).toBe(true);
    const numbers = await Promise.all(works.map(async (w) => (await p.registration.get(creator, w.id)).registrationNumber!));
    const serials = numbers.map((n) => Number(n.slice(-8))).sort((a, b) => a - b);
    expect(new Set(numbers).size).toBe(30);
    for (let i = 1; i < serials.length; i++) expect(serials[i]! - serials[i - 1]!).toBe(1);
  });
});
