import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { serializeEvidencePackage } from '../../src/documents/evidence.js';
import { verifyEvidence } from '../../src/documents/evidence-verify.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeLeaf } from '../../src/log/leaf.js';
import { buildServer } from '../../src/routes/server.js';
import type { AuditProblem } from '../../src/services/log-audit.service.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

function cwsVerify(file: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'verify', file], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

describe.each(ds)('corrections and revocations on %s', (dialect) => {
  let t: TestPlatform;
  let admin: Awaited<ReturnType<typeof account>>;
  let reviewer: Awaited<ReturnType<typeof account>>;
  let creator: Awaited<ReturnType<typeof account>>;
  const db = () => t.p.database.db;

  async function registered(seed: number, title = '校园写生') {
    const w = await t.p.registration.create(creator, validMetadata({ title }), [await stagePng(t.p, seed)], true);
    return t.p.review.decide(reviewer, w.id, 'approve');
  }
  /** Rows of every table an action may touch: a refused action must leave them all as they were. */
  async function counts() {
    const n = async (table: 'registry_events' | 'log_entries' | 'work_events' | 'notifications' | 'audit_log') => Number((await db().selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
    return { events: await n('registry_events'), entries: await n('log_entries'), workEvents: await n('work_events'), notifications: await n('notifications'), audit: await n('audit_log') };
  }

  beforeAll(async () => {
    t = await testPlatform(dialect);
    admin = await account(t.p, 'admin');
    reviewer = await account(t.p, 'reviewer');
    creator = await account(t.p, 'creator');
  });
  afterAll(async () => t.cleanup());

  it('corrects a registration: event row, log entry of kind correction in the same transaction, status, trail and notification', async () => {
    const w = await registered(501);
    const before = await counts();
    const r = await t.p.registryEvents.correct(admin, w.id, { reason: '作者姓名录入错误', title: '校园写生（修订）', authors: [{ name: '李明' }] });
    expect(r.status).toBe('corrected');
    expect(r.event).toMatchObject({ kind: 'correction', reason: '作者姓名录入错误', corrected: { title: '校园写生（修订）', authors: [{ name: '李明' }] } });
    expect(r.event.log?.index).toBeGreaterThan(w.log!.index);
    expect(await counts()).toEqual({ events: before.events + 1, entries: before.entries + 1, workEvents: before.workEvents + 1, notifications: before.notifications + 1, audit: before.audit + 1 });
    const stored = await db().selectFrom('works').selectAll().where('id', '=', w.id).executeTakeFirstOrThrow();
    // The works row stays the registration as approved; only its status moves on.
    expect(stored).toMatchObject({ status: 'corrected', title: '校园写生' });
    const entry = await t.p.store.repos.log.entryOfEvent(r.event.id);
    const leaf = decodeLeaf(entry!.entry);
    expect(leaf.kind).toBe('correction');
    const text = Buffer.from(entry!.entry).toString('utf8');
    // Privacy: the new title and the reason are committed, never in clear.
    expect(text).not.toContain('修订');
    expect(text).not.toContain('录入错误');
    expect(text).toContain('registry_events.columns title authors');
    expect(text).toContain(`works.registration_number ${w.registrationNumber}`);
    const note = await db().selectFrom('notifications').selectAll().where('user_id', '=', creator.id).where('kind', '=', 'work.correct').executeTakeFirst();
    expect(note?.work_id).toBe(w.id);
    const history = await t.p.registryEvents.historyFor(creator, w.id);
    expect(history.map((e) => e.kind)).toEqual(['correction']);
  });

  it('revokes, and refuses anything after with 409; every refusal changes nothing', async () => {
    const w = await registered(502);
    await t.p.registryEvents.correct(admin, w.id, { reason: '日期有误', completedOn: '2026-02-01' });
    const r = await t.p.registryEvents.revoke(admin, w.id, '经查存在权属争议，撤销登记');
    expect(r.status).toBe('revoked');
    const before = await counts();
    await expect(t.p.registryEvents.correct(admin, w.id, { reason: 'x', title: '再改' })).rejects.toMatchObject({ code: 'INVALID_TRANSITION', details: { status: 'revoked' } });
    await expect(t.p.registryEvents.revoke(admin, w.id, 'again')).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(await counts()).toEqual(before);
    expect((await t.p.registryEvents.history(w.id)).map((e) => e.kind)).toEqual(['correction', 'revocation']);
  });

  it('answers 403, 404, 409 and 400 over HTTP with nothing changed', async () => {
    const w = await registered(503);
    const draft = await t.p.registration.create(creator, validMetadata(), [await stagePng(t.p, 504)], true);
    const app = await buildServer(t.p, { logger: false });
    try {
      const a = await new Client(app).login(admin.username, admin.password);
      const c = await new Client(app).login(creator.username, creator.password);
      const rv = await new Client(app).login(reviewer.username, reviewer.password);
      const before = await counts();
      const cases: [Client, string, unknown, number, string][] = [
        [c, `/api/admin/works/${w.id}/corrections`, { reason: 'r', title: 'x' }, 403, 'FORBIDDEN'],
        [rv, `/api/admin/works/${w.id}/revocation`, { reason: 'r' }, 403, 'FORBIDDEN'],
        [a, '/api/admin/works/nope/corrections', { reason: 'r', title: 'x' }, 404, 'NOT_FOUND'],
        [a, '/api/admin/works/nope/revocation', { reason: 'r' }, 404, 'NOT_FOUND'],
        [a, `/api/admin/works/${draft.id}/revocation`, { reason: 'r' }, 409, 'INVALID_TRANSITION'],
        [a, `/api/admin/works/${draft.id}/corrections`, { reason: 'r', title: 'x' }, 409, 'INVALID_TRANSITION'],
        [a, `/api/admin/works/${w.id}/revocation`, {}, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/revocation`, { reason: '   ' }, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/corrections`, { title: 'x' }, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/corrections`, { reason: 'r' }, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/corrections`, { reason: 'r', title: '校园写生' }, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/corrections`, { reason: 'r', completedOn: '2999-01-01' }, 400, 'VALIDATION'],
        [a, `/api/admin/works/${w.id}/corrections`, { reason: 'r', registrationNumber: 'x' }, 400, 'VALIDATION'],
      ];
      for (const [client, url, body, status, code] of cases) {
        const r = await client.post(url, body);
        expect({ url, body, status: r.status, code: r.json?.error?.code ?? r.json?.code }).toMatchObject({ url, body, status, code });
      }
      expect(await counts()).toEqual(before);
      const ok = await a.post(`/api/admin/works/${w.id}/corrections`, { reason: '更正描述', description: '水彩，2026 年春' });
      expect(ok.status).toBe(201);
      expect(ok.json).toMatchObject({ status: 'corrected', event: { kind: 'correction', corrected: { description: '水彩，2026 年春' } } });
      const gone = await a.post(`/api/admin/works/${w.id}/revocation`, { reason: '撤销' });
      expect(gone.json).toMatchObject({ status: 'revoked', event: { kind: 'revocation' } });
      const seen = await c.get(`/api/works/${w.id}/registry-events`);
      expect(seen.status).toBe(200);
      expect(seen.json.map((e: { kind: string }) => e.kind)).toEqual(['correction', 'revocation']);
      const other = await new Client(app).login((await account(t.p, 'creator')).username, 'correct horse battery');
      expect((await other.get(`/api/works/${w.id}/registry-events`)).status).toBe(404);
    } finally {
      await app.close();
    }
  });

  it('the audit recomputes correction and revocation leaves and names every edited field', async () => {
    const w = await registered(505);
    const corr = await t.p.registryEvents.correct(admin, w.id, { reason: '标题笔误', title: '更正后的标题' });
    const rev = await t.p.registryEvents.revoke(admin, w.id, '撤销理由');
    await t.p.registryLog.integrator.flush();
    expect((await t.p.logAudit.run()).problems).toEqual([]);
    const ce = corr.event.id;
    const re = rev.event.id;
    const cases: { table: string; id: string; column: string; value: unknown; expect: { table: string; row: string; field: string } }[] = [
      { table: 'registry_events', id: ce, column: 'fields', value: JSON.stringify({ title: '篡改的标题' }), expect: { table: 'registry_events', row: ce, field: 'fields' } },
      { table: 'registry_events', id: ce, column: 'columns', value: 'title description', expect: { table: 'registry_events', row: ce, field: 'columns' } },
      { table: 'registry_events', id: ce, column: 'reason', value: '另一个理由', expect: { table: 'registry_events', row: ce, field: 'reason' } },
      { table: 'registry_events', id: ce, column: 'actor_id', value: creator.id, expect: { table: 'registry_events', row: ce, field: 'actor_id' } },
      { table: 'registry_events', id: ce, column: 'created_at', value: '2020-01-01T00:00:00.000Z', expect: { table: 'registry_events', row: ce, field: 'created_at' } },
      { table: 'registry_events', id: ce, column: 'kind', value: 'revocation', expect: { table: 'registry_events', row: ce, field: 'kind' } },
      { table: 'registry_events', id: ce, column: 'work_id', value: (await registered(506)).id, expect: { table: 'registry_events', row: ce, field: 'work_id' } },
      { table: 'registry_events', id: ce, column: 'id', value: 'forged-id', expect: { table: 'registry_events', row: ce, field: 'id' } },
      { table: 'registry_events', id: re, column: 'reason', value: '改了', expect: { table: 'registry_events', row: re, field: 'reason' } },
      { table: 'registry_events', id: re, column: 'fields', value: JSON.stringify({ title: 'x' }), expect: { table: 'registry_events', row: re, field: 'fields' } },
      { table: 'registry_events', id: re, column: 'kind', value: 'correction', expect: { table: 'registry_events', row: re, field: 'kind' } },
      { table: 'works', id: w.id, column: 'status', value: 'approved', expect: { table: 'works', row: w.id, field: 'status' } },
      { table: 'works', id: w.id, column: 'status', value: 'corrected', expect: { table: 'works', row: w.id, field: 'status' } },
    ];
    const missed: string[] = [];
    for (const c of cases) {
      const before = (await sql<{ v: unknown }>`select ${sql.ref(c.column)} as v from ${sql.table(c.table)} where id = ${c.id}`.execute(db())).rows[0]!.v;
      await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${c.value} where id = ${c.id}`.execute(db());
      let problems: AuditProblem[];
      try {
        // Also over worker threads with small ranges, as a large log is audited.
        const [one, threaded] = [await t.p.logAudit.run(), await t.p.logAudit.run({ threads: 2, rangeSize: 4 })];
        problems = one.problems;
        if (!threaded.problems.some((p) => p.table === c.expect.table && p.row === c.expect.row && p.field === c.expect.field)) missed.push(`threaded ${c.table}.${c.column}: got ${JSON.stringify(threaded.problems)}`);
      } finally {
        await sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${before} where id = ${c.column === 'id' ? c.value : c.id}`.execute(db());
      }
      if (!problems.some((p) => p.table === c.expect.table && p.row === c.expect.row && p.field === c.expect.field)) missed.push(`${c.table}.${c.column}: got ${JSON.stringify(problems)}`);
    }
    // The event's own log_entries row, field by field.
    const idx = corr.event.log!.index;
    const flipByte = (v: unknown) => {
      const buf = Buffer.from(v as Buffer);
      buf[buf.length - 3]! ^= 1;
      return buf;
    };
    for (const [column, value] of [['entry', flipByte], ['salt', flipByte], ['kind', () => 'approval'], ['event_id', () => 'forged'], ['created_at', () => '2020-01-01T00:00:00.000Z'], ['work_id', () => 'other']] as const) {
      const before = (await sql<{ v: unknown }>`select ${sql.ref(column)} as v from log_entries where idx = ${idx}`.execute(db())).rows[0]!.v;
      await sql`update log_entries set ${sql.ref(column)} = ${value(before)} where idx = ${idx}`.execute(db());
      try {
        const problems = (await t.p.logAudit.run()).problems;
        if (!problems.some((p) => p.table === 'log_entries' && p.row === String(idx) && p.field === column)) missed.push(`log_entries.${column}: got ${JSON.stringify(problems)}`);
      } finally {
        await sql`update log_entries set ${sql.ref(column)} = ${before} where idx = ${idx}`.execute(db());
      }
    }
    expect(missed).toEqual([]);
    expect((await t.p.logAudit.run()).problems).toEqual([]);
    // A revocation slipped in behind the log's back, and a revoked status with no event at all.
    const other = await registered(507);
    await db().insertInto('registry_events').values({ id: 'sneaky', work_id: other.id, kind: 'revocation', columns: '', fields: '{}', reason: 'x', actor_id: admin.id, created_at: new Date().toISOString() }).execute();
    const sneaky = (await t.p.logAudit.run()).problems;
    expect(sneaky).toContainEqual(expect.objectContaining({ table: 'registry_events', row: 'sneaky', field: 'id' }));
    await db().deleteFrom('registry_events').where('id', '=', 'sneaky').execute();
    await db().updateTable('works').set({ status: 'revoked' }).where('id', '=', other.id).execute();
    expect((await t.p.logAudit.run()).problems).toContainEqual(expect.objectContaining({ table: 'works', row: other.id, field: 'status' }));
    await db().updateTable('works').set({ status: 'approved' }).where('id', '=', other.id).execute();
    expect((await t.p.logAudit.run()).problems).toEqual([]);
  });

  it('shows the events on the public verify API and in evidence packages that verify offline; `cws verify` says REVOKED', async () => {
    const w = await registered(508, '公开查证的作品');
    const corr = await t.p.registryEvents.correct(admin, w.id, { reason: '标题更正', title: '公开查证的作品（更正）' });
    // Before a checkpoint covers the correction, the package carries only what is proven.
    await t.p.registryLog.integrator.flush();
    const rev = await t.p.registryEvents.revoke(admin, w.id, '登记撤销');
    let pkg = await t.p.evidence.packageByNumber(w.registrationNumber!);
    expect(pkg.events!.map((e) => e.kind)).toEqual(['correction']);
    await t.p.registryLog.integrator.flush();
    pkg = await t.p.evidence.packageByNumber(w.registrationNumber!);
    expect(pkg.version).toBe(2);
    expect(pkg.events!.map((e) => [e.kind, e.index])).toEqual([['correction', corr.event.log!.index], ['revocation', rev.event.log!.index]]);
    const v = verifyEvidence(serializeEvidencePackage(pkg), { trustedLogKeys: [t.p.registryLog.identity.vkey] });
    expect(v.state).toBe('revoked');
    expect(v.events[0]).toMatchObject({ kind: 'correction', reason: '标题更正', corrected: { title: '公开查证的作品（更正）' } });

    const app = await buildServer(t.p, { logger: false });
    try {
      const anon = new Client(app);
      const pub = await anon.get(`/api/verify/${encodeURIComponent(w.registrationNumber!)}`);
      expect(pub.status).toBe(200);
      expect(pub.json).toMatchObject({ status: 'revoked', record: { title: '公开查证的作品（更正）' }, events: [{ kind: 'correction', log: { index: corr.event.log!.index } }, { kind: 'revocation', reason: '登记撤销', log: { index: rev.event.log!.index } }] });
      expect(pub.json.evidence.events).toHaveLength(2);
    } finally {
      await app.close();
    }

    const dir = await mkdtemp(path.join(tmpdir(), 'cws-events-'));
    try {
      const file = path.join(dir, 'pkg.json');
      await writeFile(file, serializeEvidencePackage(pkg));
      const ok = await cwsVerify(file);
      expect(ok.out).toContain('REVOKED');
      expect(ok.code).toBe(2);
      const leaf = Buffer.from(pkg.events![1]!.leaf, 'base64');
      leaf[leaf.length - 5]! ^= 1;
      await writeFile(file, serializeEvidencePackage({ ...pkg, events: [pkg.events![0]!, { ...pkg.events![1]!, leaf: leaf.toString('base64') }] }));
      const bad = await cwsVerify(file);
      expect(bad.out).toContain('INVALID PROOF_MISMATCH');
      expect(bad.code).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
