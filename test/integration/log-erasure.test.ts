/**
 * Erasure of a person's data: only administrators, with a reason, changing nothing when
 * refused; afterwards the log still verifies, the audit reports the entry as erased (not as
 * tampered), and a salt removed without an erasure on record is still caught.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { seedApprovals } from '../support/registry-seed.js';

const ds = await dialects();

describe.each(ds)('erasure of personal data on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let workId: string;
  let seeded: string[];
  const db = () => t.p.database.db;
  const counts = async () => ({
    erasures: (await db().selectFrom('log_erasures').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n,
    salts: (await db().selectFrom('log_entries').select('salt').where('work_id', '=', workId).executeTakeFirstOrThrow()).salt,
    work: await db().selectFrom('works').selectAll().where('id', '=', workId).executeTakeFirstOrThrow(),
  });

  beforeAll(async () => {
    t = await testPlatform(dialect);
    seeded = await seedApprovals(t.p, 20);
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ authors: [{ name: '张三' }], description: '张三的水彩' }), [await stagePng(t.p, 71)], true);
    await t.p.review.decide(reviewer, w.id, 'approve');
    await t.p.registryLog.integrator.flush();
    workId = w.id;
    app = await buildServer(t.p, { logger: false });
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('refuses anyone but an administrator, a missing reason and an unknown work, changing nothing', async () => {
    const before = await counts();
    const reviewer = await account(t.p, 'reviewer');
    const r = await new Client(app).login(reviewer.username, reviewer.password);
    expect((await r.post('/api/admin/log/erasures', { workId, reason: 'request' })).status).toBe(403);
    const admin = await account(t.p, 'admin');
    const a = await new Client(app).login(admin.username, admin.password);
    expect((await a.post('/api/admin/log/erasures', { workId, reason: '  ' })).status).toBe(400);
    expect((await a.post('/api/admin/log/erasures', { workId: 'no-such-work', reason: 'request' })).status).toBe(404);
    expect(await counts()).toEqual(before);
    expect(before.salts).not.toBeNull();
  });

  it('erases the salt and the personal fields; the log verifies and the audit reports the entry as erased', async () => {
    const cp = (await t.p.store.repos.log.latestCheckpoint())!;
    const admin = await account(t.p, 'admin');
    const a = await new Client(app).login(admin.username, admin.password);
    // A rendered certificate prints the author's name: the erasure must forget it too.
    await t.p.certificates.renderJob(workId);
    const certs = await db().selectFrom('certificates').selectAll().where('work_id', '=', workId).execute();
    expect(certs).toHaveLength(1);
    const res = await a.post('/api/admin/log/erasures', { workId, reason: '依申请删除个人信息 (request 2026-11)' });
    expect(res.status).toBe(201);
    expect(await db().selectFrom('certificates').selectAll().where('work_id', '=', workId).execute()).toEqual([]);
    const { removed } = await t.p.blobGc.sweep(0);
    expect(removed).toEqual(expect.arrayContaining([certs[0]!.pdf_sha256, certs[0]!.png_sha256]));
    expect(await t.p.blobs.exists(certs[0]!.pdf_sha256)).toBe(false);
    expect(res.json.entries).toHaveLength(1);
    const after = await counts();
    expect(after.salts).toBeNull();
    expect(after.work.authors_text).toBe('');
    expect(after.work.description).toBe('');
    expect(JSON.stringify(after.work)).not.toContain('张三');
    expect(Number(after.erasures)).toBe(1);
    // Twice is a conflict.
    expect((await a.post('/api/admin/log/erasures', { workId, reason: 'again' })).status).toBe(409);

    // The tree and the checkpoint are untouched, and the audit is clean with one erased entry.
    expect(await t.p.store.repos.log.latestCheckpoint()).toEqual(cp);
    const report = await t.p.logAudit.run();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, erased: 1 });
    // The public fields of the erased entry are still checked.
    await db().updateTable('works').set({ registered_at: '2020-01-01T00:00:00.000Z' }).where('id', '=', workId).execute();
    try {
      const edited = await t.p.logAudit.run();
      expect(edited.problems).toContainEqual(expect.objectContaining({ table: 'works', row: workId, field: 'registered_at' }));
    } finally {
      await db().updateTable('works').set({ registered_at: after.work.registered_at }).where('id', '=', workId).execute();
    }
    const audited = await db().selectFrom('audit_log').selectAll().where('action', '=', 'work.erase_personal_data').execute();
    expect(audited).toEqual([expect.objectContaining({ actor_id: admin.id, target: workId })]);
    expect(JSON.parse(audited[0]!.data)).toMatchObject({ reason: '依申请删除个人信息 (request 2026-11)' });
  });

  it('still catches a salt removed without an erasure on record', async () => {
    const victim = seeded[3]!;
    const row = await db().selectFrom('log_entries').select(['idx', 'salt']).where('work_id', '=', victim).executeTakeFirstOrThrow();
    await db().updateTable('log_entries').set({ salt: null }).where('idx', '=', row.idx).execute();
    try {
      const r = await t.p.logAudit.run();
      expect(r.ok).toBe(false);
      expect(r.problems).toContainEqual(expect.objectContaining({ table: 'log_entries', row: String(row.idx), field: 'salt' }));
      expect(r.erased).toBe(1);
    } finally {
      await db().updateTable('log_entries').set({ salt: row.salt }).where('idx', '=', row.idx).execute();
    }
    expect((await t.p.logAudit.run()).ok).toBe(true);
  });
});
