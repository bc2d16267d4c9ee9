import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519NoteVerifier, openCheckpoint } from '../../src/ledger/index.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { signIn, startServer } from '../support/server-process.js';

const ds = await dialects();

describe.each(ds)('two app processes sharing one registry log on %s', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform(dialect);
  });
  afterAll(async () => t.cleanup());

  it('integrate and publish one at a time: the checkpoints form one consistent history', async () => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push((await t.p.registration.create(creator, validMetadata({ title: `two ${i}` }), [await stagePng(t.p, 8000 + i)], true)).id);
    const env = { ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}), CWS_WORKERS: 'true', CWS_LOG_PUBLISH_INTERVAL_MS: '50' };
    const servers = await Promise.all([startServer(env), startServer(env)]);
    try {
      const auth = await Promise.all(servers.map((s) => signIn(s.url, reviewer.username, reviewer.password)));
      // Approvals through both processes while both integrators run.
      const statuses = await Promise.all(ids.map((id, i) => fetch(`${servers[i % 2]!.url}/api/review/works/${id}/approve`, { method: 'POST', headers: auth[i % 2]!.headers }).then((r) => r.status)));
      expect(statuses.every((s) => s === 200)).toBe(true);
      const deadline = Date.now() + 20_000;
      while (Number((await t.p.store.repos.log.latestCheckpoint())?.size ?? 0) < ids.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    } finally {
      await Promise.all(servers.map((s) => s.stop()));
    }
    const all = await t.p.store.repos.log.checkpoints();
    expect(Number(all.at(-1)!.size)).toBe(ids.length);
    const verifier = ed25519NoteVerifier(t.p.registryLog.identity.vkey);
    for (let i = 1; i < all.length; i++) {
      expect(Number(all[i]!.size)).toBeGreaterThan(Number(all[i - 1]!.size));
      openCheckpoint(all[i]!.note, t.p.registryLog.identity.origin, [verifier]);
    }
    // The audit proves each checkpoint consistent with the next.
    const audit = await t.p.logAudit.run();
    expect(audit.problems).toEqual([]);
    expect(audit.checkpoints).toBe(all.length);
  }, 120_000);

  it.runIf(dialect === 'postgres')('a second integrator skips while the first holds the lock', async () => {
    const other = (await testPlatform(dialect, {}, { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) })).p;
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let locked!: () => void;
    const gotLock = new Promise<void>((r) => (locked = r));
    const holder = t.p.store.tx(async (r) => {
      expect(await r.log.tryLockIntegrator()).toBe(true);
      locked();
      await held;
    });
    try {
      await gotLock;
      expect((await other.registryLog.integrator.tick()).locked).toBe(false);
    } finally {
      release();
      await holder;
    }
    expect((await other.registryLog.integrator.tick()).locked).toBe(true);
    await other.close();
  });
});
