/**
 * Erasure of a person's data: only administrators, with a reason, changing nothing when
 * refused; afterwards the log still verifies, the audit reports the entry as erased (not as
 * tampered), and a salt removed without an erasure on record is still caught. Corrected
 * names go too: the registration as it stands, the verify API and the evidence package
 * show none of them afterwards.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { serializeEvidencePackage } from '../../src/documents/evidence.js';
import { verifyEvidence } from '../../src/documents/evidence-verify.js';
import * as migration0012 from '../../src/db/migrations/0012_erased_corrections.js';
import { buildServer } from '../../src/routes/server.js';
import { ErasureService } from '../../src/services/erasure.service.js';
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

  it('erases the names a correction recorded: record, verify API and evidence show none; the audit reports the entries as erased', async () => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const admin = await account(t.p, 'admin');
    const w = await t.p.registration.create(creator, validMetadata({ title: '素描', authors: [{ name: '王五' }], description: '王五的素描' }), [await stagePng(t.p, 72)], true);
    const approved = await t.p.review.decide(reviewer, w.id, 'approve');
    const number = approved.registrationNumber!;
    await t.p.registryEvents.correct(admin, w.id, { reason: '作者应为李四', title: '素描（更正）', authors: [{ name: '李四' }], description: '李四的素描' });
    await t.p.registryEvents.correct(admin, w.id, { reason: '权利人为李四', owners: [{ name: '李四', kind: 'person', share: 100 }] });
    await t.p.registryLog.integrator.flush();
    const names = /李四|王五/;
    const anon = new Client(app);
    expect(JSON.stringify((await anon.get(`/api/verify/${encodeURIComponent(number)}`)).json)).toMatch(names);
    const before = await t.p.logAudit.run();
    expect(before.problems).toEqual([]);

    const erasure = await new ErasureService(t.p.store).erase(admin, w.id, 'request');
    expect(erasure.entries).toHaveLength(3);
    const events = await db().selectFrom('registry_events').selectAll().where('work_id', '=', w.id).orderBy('created_at').execute();
    expect(events).toHaveLength(2);
    expect(JSON.stringify(events)).not.toMatch(names);
    // Only the columns that hold names and descriptions go; the rest of the correction stays.
    expect(JSON.parse(events[0]!.fields)).toEqual({ title: '素描（更正）', description: '', authors: '[]' });
    expect(JSON.parse(events[1]!.fields)).toEqual({ owners: '[]' });
    expect(events.map((e) => [e.columns, e.reason])).toEqual([['title description authors', ''], ['owners', '']]);
    // The owner was notified of each correction with its reason: those reasons go too.
    const notes = await db().selectFrom('notifications').select(['kind', 'data']).where('work_id', '=', w.id).execute();
    expect(notes.filter((n) => n.kind === 'work.correct' || n.kind === 'work.correction' || /correct/.test(n.kind)).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(notes)).not.toMatch(names);
    expect(notes.every((n) => (JSON.parse(n.data) as { reason?: unknown }).reason == null)).toBe(true);

    // The public answers: the record as it stands, its events, and the evidence package.
    // The verify route serves its cached record until the cache's next version check (the
    // erasure changes works.updated_at), like any other change: at most verifyCacheMs.
    await new Promise((resolve) => setTimeout(resolve, t.p.config.verifyCacheMs + 50));
    const pub = await anon.get(`/api/verify/${encodeURIComponent(number)}`);
    expect(pub.status).toBe(200);
    expect(JSON.stringify(pub.json)).not.toMatch(names);
    expect(pub.json).toMatchObject({ status: 'corrected', record: { title: '素描（更正）', description: '', authors: [], owners: [] } });
    const pkg = await t.p.evidence.packageByNumber(number);
    expect(JSON.stringify(pkg)).not.toMatch(names);
    expect(pkg.events).toHaveLength(2);
    expect(verifyEvidence(serializeEvidencePackage(pkg), { trustedLogKeys: [t.p.registryLog.identity.vkey] }).state).toBe('corrected');

    // The log is untouched and the audit counts the three entries as erased, not edited.
    const report = await t.p.logAudit.run();
    expect(report.problems).toEqual([]);
    expect(report).toMatchObject({ ok: true, erased: before.erased + 3 });
    // A name written back into an erased correction is still seen.
    await db().updateTable('registry_events').set({ fields: JSON.stringify({ owners: JSON.stringify([{ name: '李四', kind: 'person', share: 100 }]) }) }).where('id', '=', events[1]!.id).execute();
    try {
      const edited = await t.p.logAudit.run();
      expect(edited.problems).toEqual([{ table: 'registry_events', row: events[1]!.id, field: 'fields', problem: expect.stringContaining('owners') as string }]);
    } finally {
      await db().updateTable('registry_events').set({ fields: events[1]!.fields }).where('id', '=', events[1]!.id).execute();
    }
    expect((await t.p.logAudit.run()).ok).toBe(true);

    // Events erased before erasures cleared corrections (names still in them) are cleared
    // by migration 0012, which finds them through log_erasures.
    const unerased = [JSON.stringify({ title: '素描（更正）', description: '李四的素描', authors: '[{"name":"李四"}]' }), JSON.stringify({ owners: '[{"name":"李四"}]' })];
    for (const [i, ev] of events.entries()) await db().updateTable('registry_events').set({ fields: unerased[i]!, reason: '李四' }).where('id', '=', ev.id).execute();
    expect((await t.p.logAudit.run()).problemCount).toBe(5);
    await migration0012.up(db() as unknown as Parameters<typeof migration0012.up>[0]);
    expect(await db().selectFrom('registry_events').selectAll().where('work_id', '=', w.id).orderBy('created_at').execute()).toEqual(events);
    expect((await t.p.logAudit.run()).ok).toBe(true);
  });
});
