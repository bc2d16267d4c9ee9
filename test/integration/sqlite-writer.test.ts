import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect, type Database_ } from '../../src/db/connect.js';
import { openSqlite } from '../../src/db/sqlite-open.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { testPlatform, type TestPlatform } from '../support/platform.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

// SQLite only: reads on the event loop, writes and transactions on the writer thread.
describe('SQLite writer thread', () => {
  let dir: string;
  let d: Database_;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cws-writer-'));
    d = connect({ sqlitePath: path.join(dir, 'db.sqlite'), sqliteWriterThread: true });
    await sql`create table t (id integer primary key, name text unique not null, data blob)`.execute(d.db);
  });
  afterAll(async () => {
    await d.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps the event loop running while a transaction is open, and shows its rows only once committed', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tx = d.db.transaction().execute(async (trx) => {
      await trx.insertInto('t' as never).values({ name: 'pending', data: null } as never).execute();
      // Inside the transaction its own write is visible.
      expect(await trx.selectFrom('t' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirst()).toEqual({ n: 1 });
      await held;
    });
    await new Promise((r) => setTimeout(r, 30));
    // Outside, on the reading connection: not yet.
    expect(await d.db.selectFrom('t' as never).select(sql<number>`count(*)`.as('n')).executeTakeFirst()).toEqual({ n: 0 });
    release();
    await tx;
    clearInterval(timer);
    expect(ticks).toBeGreaterThan(5);
    expect(await d.db.selectFrom('t' as never).selectAll().execute()).toEqual([{ id: 1, name: 'pending', data: null }]);
  });

  it('round-trips blobs as Buffers through both connections', async () => {
    const data = Buffer.from([0, 1, 2, 250, 255]);
    await d.db.insertInto('t' as never).values({ name: 'blob', data } as never).execute();
    const outside = (await d.db.selectFrom('t' as never).select('data' as never).where('name' as never, '=', 'blob' as never).executeTakeFirstOrThrow()) as { data: Buffer };
    const inside = (await d.db.transaction().execute((trx) => trx.selectFrom('t' as never).select('data' as never).where('name' as never, '=', 'blob' as never).executeTakeFirstOrThrow())) as { data: Buffer };
    for (const row of [outside, inside]) {
      expect(Buffer.isBuffer(row.data)).toBe(true);
      expect(row.data.equals(data)).toBe(true);
    }
    // A Buffer bound as a parameter on the writer thread matches the stored blob.
    const byBlob = await d.db.transaction().execute((trx) => trx.selectFrom('t' as never).select('name' as never).where('data' as never, '=', data as never).execute());
    expect(byBlob).toEqual([{ name: 'blob' }]);
  });

  it("passes SQLite's error codes through, and a failed transaction leaves nothing", async () => {
    const err = await d.db
      .transaction()
      .execute(async (trx) => {
        await trx.insertInto('t' as never).values({ name: 'half', data: null } as never).execute();
        await trx.insertInto('t' as never).values({ name: 'blob', data: null } as never).execute();
      })
      .catch((e: unknown) => e as Error & { code?: string });
    expect(err).toBeInstanceOf(Error);
    expect(err!.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(err!.message).toMatch(/UNIQUE constraint failed: t\.name/);
    expect(await d.db.selectFrom('t' as never).select('name' as never).where('name' as never, '=', 'half' as never).execute()).toEqual([]);
  });

  it('reports a savepoint statement that failed unanswered to the next statement of its transaction', async () => {
    const err = await d.db
      .transaction()
      .execute(async (trx) => {
        // Sent without waiting for an answer (sqlite-worker-driver.ts): it resolves at once…
        await sql`release no_such_savepoint`.execute(trx);
        // …and its failure surfaces here.
        await trx.insertInto('t' as never).values({ name: 'after-bad-release', data: null } as never).execute();
      })
      .catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err!.message).toMatch(/no such savepoint/);
    expect(await d.db.selectFrom('t' as never).select('name' as never).where('name' as never, '=', 'after-bad-release' as never).execute()).toEqual([]);
    // The next transaction is not affected.
    await d.db.transaction().execute((trx) => trx.insertInto('t' as never).values({ name: 'clean', data: null } as never).execute());
    expect(await d.db.selectFrom('t' as never).select('name' as never).where('name' as never, '=', 'clean' as never).execute()).toEqual([{ name: 'clean' }]);
  });

  it('never writes through the reading connection', () => {
    const reader = openSqlite(path.join(dir, 'db.sqlite'), { readOnly: true });
    try {
      expect(() => reader.prepare("insert into t (name) values ('sneaky')").run()).toThrow(/readonly|read-only|query_only|attempt to write/i);
    } finally {
      reader.close();
    }
  });

  it('lets a process that forgot to close exit, but not before its last write is done', () => {
    const file = path.join(dir, 'exit.sqlite');
    const script = `
      import { connect } from ${JSON.stringify(path.join(root, 'src/db/connect.ts'))};
      const d = connect({ sqlitePath: ${JSON.stringify(file)}, sqliteWriterThread: true });
      await d.db.schema.createTable('x').addColumn('n', 'integer').execute();
      // Not awaited: only the pending statement keeps the process alive until it is done.
      void d.db.insertInto('x').values({ n: 42 }).execute().then(() => console.log('written'));
    `;
    const scriptFile = path.join(dir, 'exit.mts');
    writeFileSync(scriptFile, script);
    const r = spawnSync(process.execPath, ['--import', 'tsx', scriptFile], { cwd: root, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('written');
    const check = openSqlite(file, { readOnly: true });
    try {
      expect(check.prepare('select n from x').all()).toEqual([{ n: 42 }]);
    } finally {
      check.close();
    }
  });
});

describe('the platform on the SQLite writer thread (CWS_SQLITE_WRITER_THREAD=1)', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform('sqlite', { CWS_SQLITE_WRITER_THREAD: '1' });
  });
  afterAll(async () => t.cleanup());

  it('registers, approves and numbers works, with concurrent transactions grouped and each failing one alone rolled back', async () => {
    expect(t.p.config.sqliteWriterThread).toBe(true);
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const works = await Promise.all([1, 2, 3].map(async (i) => t.p.registration.create(creator, validMetadata({ title: `线程测试 ${i}` }), [await stagePng(t.p, 900 + i)], true)));
    const numbers = [];
    for (const w of works) numbers.push((await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!);
    expect(numbers.map((n) => n.slice(-8)).sort()).toEqual(['00000001', '00000002', '00000003']);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) =>
        t.p.store.tx(async (r) => {
          const n = await r.counters.next('writer-thread');
          if (i % 4 === 1) throw new Error(`unit ${i} fails`);
          return n;
        }),
      ),
    );
    const ok = results.filter((x): x is PromiseFulfilledResult<number> => x.status === 'fulfilled').map((x) => x.value);
    expect(ok.sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const report = await t.p.logAudit.run();
    expect(report.problems).toEqual([]);
  });
});
