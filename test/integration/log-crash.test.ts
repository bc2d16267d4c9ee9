import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { signIn, startServer } from '../support/server-process.js';
import { TlogClient } from '../support/tlog-client.js';

const ds = await dialects();

describe.each(ds)('registry log under kill -9 on %s', (dialect) => {
  let t: TestPlatform;
  let env: Record<string, string>;
  let reviewer: { username: string; password: string };
  const ids: string[] = [];
  beforeAll(async () => {
    t = await testPlatform(dialect);
    const creator = await account(t.p, 'creator');
    reviewer = await account(t.p, 'reviewer');
    for (let i = 0; i < 240; i++) ids.push((await t.p.registration.create(creator, validMetadata({ title: `crash ${i}` }), [await stagePng(t.p, 7000 + i)], true)).id);
    env = { ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}), CWS_WORKERS: 'true', CWS_LOG_PUBLISH_INTERVAL_MS: '200' };
  }, 120_000);
  afterAll(async () => t.cleanup());

  it('loses no acknowledged approval, audits clean, and the next checkpoint extends the last one', async () => {
    const server = await startServer(env);
    const auth = await signIn(server.url, reviewer.username, reviewer.password);
    const vkey = (await (await fetch(`${server.url}/log/key`)).text()).trim();
    const acked: string[] = [];
    const queue = [...ids];
    let stop = false;
    const loop = async () => {
      while (!stop && queue.length > 0) {
        const id = queue.shift()!;
        try {
          const r = await fetch(`${server.url}/api/review/works/${id}/approve`, { method: 'POST', headers: auth.headers });
          if (r.status === 200) acked.push(id);
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    // Let a few checkpoints go out, then remember the latest before pulling the plug mid-flight.
    while (acked.length < 40) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 300));
    const before = await new TlogClient(`${server.url}/log`).checkpoint(vkey);
    await server.kill9();
    stop = true;
    await Promise.all(loops);
    expect(before.checkpoint.size).toBeGreaterThan(0);
    expect(queue.length).toBeGreaterThan(0); // killed while approvals were still coming in

    const again = await startServer(env);
    try {
      const c = await signIn(again.url, reviewer.username, reviewer.password);
      const client = new TlogClient(`${again.url}/log`);
      // Every acknowledged approval has its entry, sequenced in the approval's transaction.
      let last = -1;
      for (const id of acked) {
        const w = (await (await fetch(`${again.url}/api/works/${id}`, { headers: c.headers })).json()) as { status: string; log: { index: number } | null };
        expect(w.status).toBe('approved');
        expect(w.log).not.toBeNull();
        last = Math.max(last, w.log!.index);
      }
      // The restarted integrator picks up whatever was sequenced before the crash.
      let after = await client.checkpoint(vkey);
      for (let i = 0; i < 100 && after.checkpoint.size <= last; i++) {
        await new Promise((r) => setTimeout(r, 100));
        after = await client.checkpoint(vkey);
      }
      expect(after.checkpoint.size).toBeGreaterThan(last);
      expect(after.checkpoint.size).toBeGreaterThanOrEqual(before.checkpoint.size);
      await client.proveConsistency(before.checkpoint, after.checkpoint);
      expect(Buffer.compare(await client.rebuildRoot(after.checkpoint.size), after.checkpoint.rootHash)).toBe(0);
    } finally {
      await again.stop();
    }
    const audit = await t.p.logAudit.run();
    expect(audit.problems).toEqual([]);
    expect(audit.entries).toBeGreaterThanOrEqual(acked.length);
  }, 120_000);
});
