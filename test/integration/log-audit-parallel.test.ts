/**
 * The audit over worker threads (each with its own database connection) must report exactly
 * what the single-threaded audit reports: intact logs intact, and every edit with the same
 * findings in the same order.
 */
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { seedApprovals } from '../support/registry-seed.js';

const ds = await dialects();

describe.each(ds)('registry audit over worker threads on %s', (dialect) => {
  let t: TestPlatform;
  let ids: string[];
  const db = () => t.p.database.db;
  // Ranges of one tile: 700 entries make three ranges, checked by two threads.
  const both = async () => {
    const single = await t.p.logAudit.run({ threads: 1, rangeSize: 256 });
    const parallel = await t.p.logAudit.run({ threads: 2, rangeSize: 256 });
    return { single, parallel };
  };

  beforeAll(async () => {
    t = await testPlatform(dialect);
    ids = await seedApprovals(t.p, 700);
    await t.p.registryLog.integrator.flush();
  });
  afterAll(async () => t.cleanup());

  it('finds an intact log intact, on two threads', async () => {
    const { single, parallel } = await both();
    expect(parallel.threads).toBe(2);
    expect(single.threads).toBe(1);
    expect(parallel.problems).toEqual([]);
    expect(parallel).toMatchObject({ ok: true, entries: 700, treeSize: 700 });
  });

  const edits: { name: string; apply: () => Promise<() => Promise<void>>; expect: { table: string; field: string } }[] = [
    {
      name: 'a title in the third range',
      apply: async () => {
        const id = ids[600]!;
        await db().updateTable('works').set({ title: 'changed' }).where('id', '=', id).execute();
        return async () => void (await db().updateTable('works').set({ title: '批量作品 600' }).where('id', '=', id).execute());
      },
      expect: { table: 'works', field: 'title' },
    },
    {
      name: 'a file type in the first range',
      apply: async () => {
        const f = (await t.p.store.repos.works.files(ids[5]!))[0]!;
        await db().updateTable('work_files').set({ media_type: 'image/jpeg' }).where('id', '=', f.id).execute();
        return async () => void (await db().updateTable('work_files').set({ media_type: f.media_type }).where('id', '=', f.id).execute());
      },
      expect: { table: 'work_files', field: 'media_type' },
    },
    {
      name: 'a leaf hash in a level-0 tile of the second range',
      apply: async () => {
        const tile = await db().selectFrom('log_tiles').selectAll().where('level', '=', 0).where('idx', '=', 1).executeTakeFirstOrThrow();
        const flipped = Buffer.from(tile.hashes);
        flipped[40] = flipped[40]! ^ 1;
        await db().updateTable('log_tiles').set({ hashes: flipped }).where('level', '=', 0).where('idx', '=', 1).execute();
        return async () => void (await db().updateTable('log_tiles').set({ hashes: tile.hashes }).where('level', '=', 0).where('idx', '=', 1).execute());
      },
      expect: { table: 'log_tiles', field: 'hashes' },
    },
    {
      name: 'an entry deleted from the second range',
      apply: async () => {
        const row = await db().selectFrom('log_entries').selectAll().where('idx', '=', 300).executeTakeFirstOrThrow();
        await db().deleteFrom('log_entries').where('idx', '=', 300).execute();
        return async () => void (await db().insertInto('log_entries').values(row).execute());
      },
      expect: { table: 'log_entries', field: 'idx' },
    },
  ];

  it.each(edits.map((e) => [e.name, e] as const))('reports %s exactly as one thread does', async (_name, edit) => {
    const undo = await edit.apply();
    let r: Awaited<ReturnType<typeof both>>;
    try {
      r = await both();
    } finally {
      await undo();
    }
    expect(r.parallel.threads).toBe(2);
    expect(r.parallel.ok).toBe(false);
    expect(r.parallel.problems.some((p) => p.table === edit.expect.table && p.field === edit.expect.field)).toBe(true);
    expect(r.parallel.problems).toEqual(r.single.problems);
    expect(r.parallel.problemCount).toBe(r.single.problemCount);
  });

  it('is clean again after every edit was undone', async () => {
    expect((await t.p.logAudit.run({ threads: 2, rangeSize: 256 })).problems).toEqual([]);
    expect(await sql`select 1 as one`.execute(db())).toBeTruthy();
  });
});
