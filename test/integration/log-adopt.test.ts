import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

describe.each(ds)('a registry created over existing approvals on %s', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform(dialect);
  });
  afterAll(async () => t.cleanup());

  it('adopts earlier approvals once, in order, and holds later ones to the log', async () => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const w = await t.p.registration.create(creator, validMetadata({ title: `earlier ${i}` }), [await stagePng(t.p, 600 + i)], true);
      ids.push((await t.p.review.decide(reviewer, w.id, 'approve')).id);
    }
    // The database as an earlier version left it: approvals, but no log.
    const db = t.p.database.db;
    for (const table of ['log_entries', 'log_tiles', 'log_checkpoints', 'log_state'] as const) await db.deleteFrom(table).execute();
    await db.deleteFrom('counters').where('scope', '=', 'registry-log').execute();
    const shared = { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) };

    const again = (await testPlatform(dialect, {}, shared)).p;
    try {
      const entries = await again.store.repos.log.entryRows(0, 100);
      expect(entries.map((e) => e.work_id)).toEqual(ids);
      await again.registryLog.integrator.flush();
      expect((await again.logAudit.run()).problems).toEqual([]);
      // From now on an approval without an entry is a finding, never adopted.
      await again.database.db.deleteFrom('log_entries').where('work_id', '=', ids[2]!).execute();
    } finally {
      await again.close();
    }
    const third = (await testPlatform(dialect, {}, shared)).p;
    try {
      expect(await third.store.repos.log.entryCount()).toBe(2);
      expect((await third.logAudit.run()).problems).toContainEqual(expect.objectContaining({ table: 'works', row: ids[2], field: 'status' }));
    } finally {
      await third.close();
    }
  });
});
