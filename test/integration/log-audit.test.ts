import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/routes/server.js';
import type { AuditProblem } from '../../src/services/log-audit.service.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { Client } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { seedApprovals } from '../support/registry-seed.js';

const ds = await dialects();

/** `cws audit` as the operator runs it. */
const cwsAudit = (env: Record<string, string>) => cws(['audit'], env);

function cws(args: string[], env: Record<string, string>): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { env: { ...process.env, ...env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out }));
  });
}

interface Case {
  table: string;
  /** Primary key of the row to change. */
  key: Record<string, string | number>;
  column: string;
  value: (old: unknown) => unknown;
  /** The finding the audit must report. */
  expect: { table: string; row: string; field: string };
}

describe.each(ds)('registry audit on %s', (dialect) => {
  let t: TestPlatform;
  let work: { id: string; eventId: string; fileIds: string[]; otherWorkId: string; otherSha: string; entryIndex: number; ownerId: string; otherUserId: string };
  let checkpointSize: number;

  const audit = () => t.p.logAudit.run();
  const db = () => t.p.database.db;

  beforeAll(async () => {
    t = await testPlatform(dialect);
    // 300 seeded registrations (so the tree has a level-1 tile) and one through the real approve path.
    const seeded = await seedApprovals(t.p, 300);
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata(), [await stagePng(t.p, 41), await stagePng(t.p, 42)], true);
    await t.p.review.decide(reviewer, w.id, 'claim');
    const approved = await t.p.review.decide(reviewer, w.id, 'approve');
    checkpointSize = await t.p.registryLog.integrator.flush();
    const event = approved.events!.find((e) => e.action === 'approve')!;
    const other = (await t.p.store.repos.works.files(seeded[0]!))[0]!;
    work = {
      id: w.id, eventId: event.id, fileIds: approved.files.map((f) => f.id), otherWorkId: seeded[0]!, otherSha: other.sha256,
      entryIndex: approved.log!.index, ownerId: creator.id, otherUserId: (await account(t.p, 'creator')).id,
    };
  });
  afterAll(async () => t.cleanup());

  it('finds an intact registry intact', async () => {
    const r = await audit();
    expect(r.problems).toEqual([]);
    expect(r).toMatchObject({ ok: true, entries: 301, treeSize: 301 });
    expect(r.checkpoints).toBeGreaterThanOrEqual(1);
  });

  // One case per stored field the log covers (docs/leaf-format.md lists them).
  const cases = (): Case[] => {
    const W = { table: 'works', key: { id: work.id } };
    const E = { table: 'work_events', key: { id: work.eventId } };
    const F = { table: 'work_files', key: { id: work.fileIds[0]! } };
    const L = { table: 'log_entries', key: { idx: work.entryIndex } };
    const flipText = (v: unknown) => `${String(v)}x`;
    const onWork = (column: string, value: (o: unknown) => unknown = flipText): Case => ({ ...W, column, value, expect: { table: 'works', row: work.id, field: column } });
    const onEvent = (column: string, value: (o: unknown) => unknown = flipText): Case => ({ ...E, column, value, expect: { table: 'work_events', row: work.eventId, field: column } });
    const onFile = (column: string, value: (o: unknown) => unknown = flipText): Case => ({ ...F, column, value, expect: { table: 'work_files', row: work.fileIds[0]!, field: column } });
    const onEntry = (column: string, value: (o: unknown) => unknown): Case => ({ ...L, column, value, expect: { table: 'log_entries', row: String(work.entryIndex), field: column } });
    const flipByte = (v: unknown) => {
      const b = Buffer.from(v as Buffer);
      b[b.length - 3] = b[b.length - 3]! ^ 0x01;
      return b;
    };
    return [
      ...['title', 'description', 'authors', 'authors_text', 'owners', 'completed_on', 'publication', 'ai_disclosure', 'submitted_at', 'reviewed_at', 'registered_at', 'created_at', 'registration_number'].map((c) => onWork(c)),
      onWork('category', () => 'photography'),
      onWork('status', () => 'rejected'),
      onWork('owner_id', () => work.otherUserId),
      onWork('reviewer_id', () => work.otherUserId),
      onWork('review_reason', () => '后补的理由'),
      { ...E, column: 'id', value: flipText, expect: { table: 'work_events', row: work.eventId, field: 'id' } },
      onEvent('work_id', () => work.otherWorkId),
      onEvent('actor_id', () => work.otherUserId),
      onEvent('action', () => 'claim'),
      onEvent('from_status', () => 'submitted'),
      onEvent('to_status', () => 'rejected'),
      onEvent('reason', () => '补'),
      onEvent('data', () => '{}'),
      onEvent('created_at', () => '2020-01-01T00:00:00.000Z'),
      { ...F, column: 'id', value: flipText, expect: { table: 'work_files', row: work.fileIds[0]!, field: 'id' } },
      { ...F, column: 'work_id', value: () => work.otherWorkId, expect: { table: 'work_files', row: work.fileIds[0]!, field: 'id' } },
      onFile('sha256', () => work.otherSha),
      onFile('filename', () => 'renamed.png'),
      onFile('media_type', () => 'image/jpeg'),
      onFile('kind', () => 'pdf'),
      onFile('size', (v) => Number(v) + 1),
      onFile('position', () => 7),
      onEntry('entry', flipByte),
      onEntry('salt', flipByte),
      onEntry('kind', () => 'revocation'),
      onEntry('work_id', () => work.otherWorkId),
      onEntry('event_id', () => 'forged-event'),
      onEntry('created_at', () => '2020-01-01T00:00:00.000Z'),
      { ...L, column: 'idx', value: () => 9_999_999, expect: { table: 'log_entries', row: String(work.entryIndex), field: 'idx' } },
      { table: 'log_tiles', key: { level: 0, idx: 0 }, column: 'hashes', value: flipByte, expect: { table: 'log_tiles', row: '0/0', field: 'hashes' } },
      { table: 'log_tiles', key: { level: 1, idx: 0 }, column: 'hashes', value: flipByte, expect: { table: 'log_tiles', row: '1/0', field: 'hashes' } },
      { table: 'log_tiles', key: { level: 0, idx: 0 }, column: 'width', value: () => 255, expect: { table: 'log_tiles', row: '0/0', field: 'width' } },
      { table: 'log_tiles', key: { level: 0, idx: 1 }, column: 'idx', value: () => 77, expect: { table: 'log_tiles', row: '0/1', field: 'hashes' } },
      { table: 'log_tiles', key: { level: 0, idx: 1 }, column: 'level', value: () => 5, expect: { table: 'log_tiles', row: '0/1', field: 'hashes' } },
      { table: 'log_state', key: { id: 1 }, column: 'size', value: (v) => Number(v) - 1, expect: { table: 'log_state', row: '1', field: 'size' } },
      { table: 'log_state', key: { id: 1 }, column: 'root', value: flipByte, expect: { table: 'log_state', row: '1', field: 'root' } },
      { table: 'log_state', key: { id: 1 }, column: 'vkey', value: () => 'someone+01234567+AQ==', expect: { table: 'log_state', row: '1', field: 'vkey' } },
      { table: 'log_state', key: { id: 1 }, column: 'origin', value: () => 'elsewhere.example/log', expect: { table: 'log_state', row: '1', field: 'origin' } },
      { table: 'log_checkpoints', key: { size: checkpointSize }, column: 'note', value: (v) => String(v).replace(/\n[0-9]+\n/, `\n${checkpointSize + 1}\n`), expect: { table: 'log_checkpoints', row: String(checkpointSize), field: 'note' } },
      { table: 'log_checkpoints', key: { size: checkpointSize }, column: 'root', value: flipByte, expect: { table: 'log_checkpoints', row: String(checkpointSize), field: 'root' } },
      { table: 'log_checkpoints', key: { size: checkpointSize }, column: 'size', value: () => checkpointSize + 5, expect: { table: 'log_checkpoints', row: String(checkpointSize + 5), field: 'size' } },
    ];
  };

  it('names the table, row and field of every stored value that was changed', async () => {
    const missed: string[] = [];
    for (const c of cases()) {
      const where = (key: Record<string, unknown>) => sql.join(Object.entries(key).map(([k, v]) => sql`${sql.ref(k)} = ${v}`), sql` and `);
      const set = (v: unknown, key: Record<string, unknown>) => sql`update ${sql.table(c.table)} set ${sql.ref(c.column)} = ${v} where ${where(key)}`.execute(db());
      const before = (await sql<{ v: unknown }>`select ${sql.ref(c.column)} as v from ${sql.table(c.table)} where ${where(c.key)}`.execute(db())).rows[0]!.v;
      const after = c.value(before);
      await set(after, c.key);
      let problems: AuditProblem[];
      try {
        problems = (await audit()).problems;
      } finally {
        // Changing a key column moves the row: restore it under its new key.
        await set(before, c.key[c.column] !== undefined ? { ...c.key, [c.column]: after } : c.key);
      }
      if (!problems.some((p) => p.table === c.expect.table && p.row === c.expect.row && p.field === c.expect.field)) missed.push(`${c.table}.${c.column}: got ${JSON.stringify(problems)}`);
    }
    expect(missed).toEqual([]);
    expect((await audit()).problems).toEqual([]);
  });

  it('finds a registration that was approved behind the log\u2019s back', async () => {
    const creator = await account(t.p, 'creator');
    const w = await t.p.registration.create(creator, validMetadata(), [await stagePng(t.p, 43)], true);
    await db().updateTable('works').set({ status: 'approved', registration_number: '测作登字-2026-F-99999999' }).where('id', '=', w.id).execute();
    const r = await audit();
    expect(r.problems).toContainEqual(expect.objectContaining({ table: 'works', row: w.id, field: 'status' }));
    await db().updateTable('works').set({ status: 'submitted', registration_number: null }).where('id', '=', w.id).execute();
    expect((await audit()).ok).toBe(true);
  });

  it('`cws audit` exits 0 when intact and 1 naming the changed field; admins can run it over the API', async () => {
    const env = { ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}) };
    const clean = await cwsAudit(env);
    expect(clean.out).toContain('OK');
    expect(clean.code).toBe(0);
    await db().updateTable('works').set({ title: '改过的标题' }).where('id', '=', work.id).execute();
    try {
      const dirty = await cwsAudit(env);
      expect(dirty.code).toBe(1);
      expect(dirty.out).toContain(`works ${work.id} title`);
    } finally {
      await db().updateTable('works').set({ title: validMetadata().title }).where('id', '=', work.id).execute();
    }
    const app = await buildServer(t.p, { logger: false });
    try {
      const admin = await account(t.p, 'admin');
      const a = await new Client(app).login(admin.username, admin.password);
      const r = await a.get('/api/admin/log/audit');
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({ ok: true, entries: 301 });
      const c = await new Client(app).login((await account(t.p, 'creator')).username, 'correct horse battery');
      expect((await c.get('/api/admin/log/audit')).status).toBe(403);
    } finally {
      await app.close();
    }
  });
});

describe('`cws audit` over the demo data set', () => {
  it('passes on `cws demo` data and fails, naming the field, once a registration is edited', async () => {
    const dataDir = await mkdtemp(path.join(tmpdir(), 'cws-demo-audit-'));
    try {
      const env = { CWS_DATA_DIR: dataDir, DATABASE_URL: '', CWS_PG_SCHEMA: '' };
      const demo = await cws(['demo', '--registrations', '4'], env);
      expect(demo.code).toBe(0);
      const clean = await cws(['audit'], env);
      expect(clean.out).toMatch(/registry audit of .*: [1-9][0-9]* entries/);
      expect(clean.code).toBe(0);
      const db = new Database(path.join(dataDir, 'cws.sqlite'));
      const row = db.prepare("select id from works where status = 'approved' limit 1").get() as { id: string };
      db.prepare('update works set completed_on = ? where id = ?').run('1999-01-01', row.id);
      db.close();
      const dirty = await cws(['audit'], env);
      expect(dirty.code).toBe(1);
      expect(dirty.out).toContain(`works ${row.id} completed_on`);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 180_000);
});
