import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testPlatform, type TestPlatform } from '../support/platform.js';

// SQLite only: PostgreSQL transactions are the pool's own (src/repositories/store.ts).
describe('SQLite group commit', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform('sqlite');
  });
  afterAll(async () => t.cleanup());

  it('commits concurrent transactions together, and a failing one alone rolls back', async () => {
    const scope = 'group-commit-test';
    const before = { ...t.p.store.commitStats! };
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        t.p.store.tx(async (r) => {
          const n = await r.counters.next(scope);
          if (i % 7 === 3) throw new Error(`unit ${i} fails after writing`);
          return n;
        }),
      ),
    );
    const ok = results.filter((x): x is PromiseFulfilledResult<number> => x.status === 'fulfilled').map((x) => x.value);
    const failed = results.filter((x) => x.status === 'rejected').map((x) => String((x as PromiseRejectedResult).reason));
    expect(failed).toHaveLength(6);
    expect(failed[0]).toContain('fails after writing');
    // The failed units' increments are gone: the successful ones got 1..34 without gaps.
    expect([...ok].sort((a, b) => a - b)).toEqual(Array.from({ length: 34 }, (_, i) => i + 1));
    // Started in one turn of the event loop, the 40 share one COMMIT (one fsync), not 40.
    const after = t.p.store.commitStats!;
    expect(after.batches - before.batches).toBe(1);
    expect(after.units - before.units).toBe(40);
    expect(await t.p.store.tx((r) => r.counters.next(scope))).toBe(35);
  });

  it('a unit sees the writes of the units committed before it in the same batch', async () => {
    const scope = 'group-commit-order';
    const values = await Promise.all(Array.from({ length: 10 }, () => t.p.store.tx((r) => r.counters.next(scope))));
    expect(values).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('a unit alone in its batch that fails leaves nothing and reports its own error', async () => {
    const scope = 'group-commit-alone';
    expect(await t.p.store.tx((r) => r.counters.next(scope))).toBe(1);
    const before = { ...t.p.store.commitStats! };
    const err = await t.p.store
      .tx(async (r) => {
        await r.counters.next(scope);
        throw new Error('alone and failing');
      })
      .catch((e: unknown) => e as Error);
    expect(err).toBeInstanceOf(Error);
    expect(err.message).toBe('alone and failing');
    expect(t.p.store.commitStats!.batches - before.batches).toBe(1);
    expect(t.p.store.commitStats!.largest).toBeGreaterThanOrEqual(1);
    // Its increment was rolled back: the next value continues from 1.
    expect(await t.p.store.tx((r) => r.counters.next(scope))).toBe(2);
  });
});
