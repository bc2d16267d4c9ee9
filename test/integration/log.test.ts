import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rename } from 'node:fs/promises';
import path from 'node:path';
import { ed25519NoteVerifier, openCheckpoint, parseCheckpoint, TILE_WIDTH, tilePath } from '../../src/ledger/index.js';
import { decodeLeaf, leafValue } from '../../src/log/leaf.js';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { TlogClient } from '../support/tlog-client.js';

const ds = await dialects();

async function approvedWork(t: TestPlatform, seed: number) {
  const creator = await account(t.p, 'creator');
  const reviewer = await account(t.p, 'reviewer');
  const w = await t.p.registration.create(creator, validMetadata({ title: `作品 ${seed}` }), [await stagePng(t.p, seed), await stagePng(t.p, seed + 1000)], true);
  return { creator, reviewer, work: await t.p.review.decide(reviewer, w.id, 'approve') };
}

describe.each(ds)('registry log on %s', (dialect) => {
  let t: TestPlatform;
  let app: FastifyInstance;
  let client: TlogClient;
  beforeAll(async () => {
    t = await testPlatform(dialect);
    app = await buildServer(t.p, { logger: false });
    await app.listen({ port: 0, host: '127.0.0.1' });
    client = new TlogClient(`http://127.0.0.1:${(app.server.address() as AddressInfo).port}/log`);
  });
  afterAll(async () => {
    await app.close();
    await t.cleanup();
  });

  it('sequences an approval inside its transaction: the entry has an index when the approval returns', async () => {
    const { work } = await approvedWork(t, 1);
    const entry = await t.p.store.repos.log.latestEntryOfWork(work.id);
    expect(entry).toBeDefined();
    expect(work.log).toMatchObject({ index: Number(entry!.idx), kind: 'approval', checkpointSize: null });
    const leaf = decodeLeaf(entry!.entry);
    expect(leaf.kind).toBe('approval');
    expect(leafValue(leaf, 'works.registration_number')).toBe(work.registrationNumber);
    expect(leafValue(leaf, 'works.id')).toBe(work.id);
    // Content hashes in clear; names only as commitments.
    expect(leaf.lines.filter(([k]) => k === 'work_files.sha256').map(([, v]) => v)).toEqual(work.files.map((f) => f.sha256));
    const text = Buffer.from(entry!.entry).toString('utf8');
    expect(text).not.toContain('李同学');
    expect(text).not.toContain(work.title);
    expect(text).not.toContain(work.owner.id);
  });

  it('rolls the approval back when its entry cannot be sequenced', async () => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata(), [await stagePng(t.p, 77)], true);
    // Occupy the index the approval will be given, so its insert fails.
    const next = await t.p.store.repos.log.entryCount();
    await t.p.store.repos.log.insertEntries([{ idx: next, kind: 'approval', work_id: null, event_id: `blocker-${dialect}`, entry: Buffer.from('x'), leaf_hash: Buffer.alloc(32), salt: null, created_at: new Date().toISOString() }]);
    await expect(t.p.review.decide(reviewer, w.id, 'approve')).rejects.toThrow();
    const after = await t.p.registration.get(reviewer, w.id);
    expect(after.status).toBe('submitted');
    expect(after.registrationNumber).toBeNull();
    expect(after.log).toBeNull();
    expect(after.events!.map((e) => e.action)).not.toContain('approve');
    await t.p.database.db.deleteFrom('log_entries').where('event_id', '=', `blocker-${dialect}`).execute();
  });

  it('integrates, publishes a signed checkpoint and shows it on the work', async () => {
    const { work, creator } = await approvedWork(t, 2);
    const size = await t.p.registryLog.integrator.flush();
    const view = await t.p.registration.get(creator, work.id);
    expect(view.log!.checkpointSize).toBe(size);
    expect(view.log!.index).toBeLessThan(size);
    const cp = await t.p.registryLog.checkpoint();
    const opened = openCheckpoint(cp!.note, t.p.registryLog.identity.origin, [ed25519NoteVerifier(t.p.registryLog.identity.vkey)]);
    expect(opened.checkpoint.size).toBe(size);
    expect(Buffer.from(opened.checkpoint.rootHash).toString('base64')).toBe(view.log!.rootHash);
    // Nothing new: nothing to publish, and never a second checkpoint for one size.
    expect((await t.p.registryLog.integrator.tick(new Date(Date.now() + 60_000))).published).toBeNull();
  });

  it('publishes at most once per interval', async () => {
    await t.p.registryLog.integrator.flush();
    const last = Date.parse((await t.p.store.repos.log.latestCheckpoint())!.published_at);
    await approvedWork(t, 3);
    // 100 ms after the previous checkpoint: this batch is integrated but waits for its turn.
    const first = await t.p.registryLog.integrator.tick(new Date(last + 100));
    expect(first.integrated).not.toBeNull();
    expect(first.published).toEqual({ waitMs: t.p.config.log.publishIntervalMs - 100 });
    const later = await t.p.registryLog.integrator.tick(new Date(last + t.p.config.log.publishIntervalMs));
    expect(later.published).toHaveProperty('checkpoint');
  });

  it('serves the log over HTTP so that an independent client verifies the checkpoint, rebuilds the root and proves entries', async () => {
    // Enough entries for three tile levels (256² = 65,536).
    const n = 70_000 - (await t.p.store.repos.log.entryCount());
    const batch = 5000;
    for (let i = 0; i < n; i += batch) {
      const count = Math.min(batch, n - i);
      await t.p.registryLog.append(Array.from({ length: count }, (_, j) => ({ kind: 'approval' as const, workId: null, eventId: `bulk-${i + j}`, entry: Buffer.from(`bulk entry ${i + j}\n`), salt: null })));
    }
    // The test before published its checkpoint at a clock set one interval ahead; on a fast
    // machine that moment may not have come yet, and no checkpoint is signed before the last.
    const ahead = Date.parse((await t.p.store.repos.log.latestCheckpoint())!.published_at) - Date.now();
    if (ahead > 0) await new Promise((resolve) => setTimeout(resolve, ahead + 10));
    await t.p.registryLog.integrator.flush();
    const vkey = await client.key();
    expect(vkey).toBe(t.p.registryLog.identity.vkey);
    const { checkpoint, response } = await client.checkpoint(vkey);
    expect(checkpoint.size).toBe(70_000);
    expect(response.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(response.headers.get('cache-control')).toMatch(/max-age=[0-9]$/);
    expect(Buffer.compare(await client.rebuildRoot(checkpoint.size), checkpoint.rootHash)).toBe(0);
    for (const index of [0, 1, 255, 256, 65_535, 65_536, 69_999]) await client.proveEntry(index, checkpoint);
    const first = await t.p.store.repos.log.entryRows(0, 1);
    expect(Buffer.compare(await client.proveEntry(0, checkpoint), first[0]!.entry)).toBe(0);
  });

  it('serves immutable tiles with long cache lifetimes and refuses tiles beyond the checkpoint', async () => {
    const { checkpoint } = await client.checkpoint(t.p.registryLog.identity.vkey);
    const base = client.prefix;
    const full = await fetch(`${base}/tile/0/000`);
    expect(full.status).toBe(200);
    expect(full.headers.get('cache-control')).toContain('immutable');
    expect(full.headers.get('content-type')).toBe('application/octet-stream');
    expect((await full.arrayBuffer()).byteLength).toBe(8192);
    const partialWidth = checkpoint.size % TILE_WIDTH;
    const lastIndex = Math.floor(checkpoint.size / TILE_WIDTH);
    const partial = await fetch(`${base}/${tilePath({ level: 0, index: lastIndex, width: partialWidth })}`);
    expect(partial.status).toBe(200);
    expect((await partial.arrayBuffer()).byteLength).toBe(32 * partialWidth);
    // The full tile does not exist yet, nor a partial one wider than the checkpoint allows.
    expect((await fetch(`${base}/${tilePath({ level: 0, index: lastIndex, width: TILE_WIDTH })}`)).status).toBe(404);
    expect((await fetch(`${base}/${tilePath({ level: 0, index: lastIndex, width: partialWidth + 1 })}`)).status).toBe(404);
    // Malformed paths (non-canonical index, width 256 as partial, bad level) are not found.
    for (const bad of ['tile/0/0', 'tile/0/000.p/256', 'tile/0/000.p/0', 'tile/64/000', 'tile/entries/x000/001', 'tile/01/000']) expect((await fetch(`${base}/${bad}`)).status).toBe(404);
    const gz = await fetch(`${base}/tile/entries/000`, { headers: { 'accept-encoding': 'gzip' } });
    expect(gz.status).toBe(200);
    const key = await fetch(`${base}/key`);
    expect(key.headers.get('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('keeps checkpoints consistent with each other as the log grows', async () => {
    const vkey = t.p.registryLog.identity.vkey;
    const older = (await client.checkpoint(vkey)).checkpoint;
    await approvedWork(t, 4);
    await t.p.registryLog.integrator.flush();
    const newer = (await client.checkpoint(vkey)).checkpoint;
    expect(newer.size).toBe(older.size + 1);
    await client.proveConsistency(older, newer);
    // Every stored checkpoint verifies and extends the one before.
    const all = await t.p.store.repos.log.checkpoints();
    expect(all.length).toBeGreaterThan(3);
    for (let i = 1; i < all.length; i++) {
      const a = parseCheckpoint(openCheckpoint(all[i - 1]!.note, t.p.registryLog.identity.origin, [ed25519NoteVerifier(vkey)]).note.text);
      const b = parseCheckpoint(openCheckpoint(all[i]!.note, t.p.registryLog.identity.origin, [ed25519NoteVerifier(vkey)]).note.text);
      await client.proveConsistency(a, b);
    }
  });

  it('refuses to sign when the stored tree was tampered with', async () => {
    await approvedWork(t, 5);
    // Rewrite the top tile of the already published tree: the hash of leaves [0, 65536).
    const tile = (await t.p.store.repos.log.tile(2, 0))!;
    const forged = Buffer.from(tile.hashes);
    forged[0] = forged[0]! ^ 1;
    await t.p.store.repos.log.putTiles([{ level: 2, index: 0, width: tile.width, hashes: forged }]);
    try {
      await expect(t.p.registryLog.integrator.flush()).rejects.toThrow(/PROOF_MISMATCH|does not lead|mismatch/i);
    } finally {
      await t.p.store.repos.log.putTiles([{ level: 2, index: 0, width: tile.width, hashes: tile.hashes }]);
    }
    expect(await t.p.registryLog.integrator.flush()).toBeGreaterThan(0);
  });

  it('keeps one log identity: the key is generated once, and a process with another key does not sign', async () => {
    const vkey = t.p.registryLog.identity.vkey;
    const again = await testPlatform(dialect, {}, { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) });
    try {
      expect(again.p.registryLog.identity.vkey).toBe(vkey);
      expect(again.p.registryLog.identity.signer).not.toBeNull();
    } finally {
      await again.p.close();
    }
    // Another process whose data folder holds a different key (say, a copy made before a rotation).
    const skey = path.join(t.dataDir, 'keys', 'log.skey');
    await rename(skey, `${skey}.saved`);
    try {
      const other = await testPlatform(dialect, {}, { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) });
      expect(other.p.registryLog.identity.vkey).toBe(vkey);
      expect(other.p.registryLog.identity.signer).toBeNull();
      await other.p.close();
    } finally {
      await rename(`${skey}.saved`, skey);
    }
    await expect(testPlatform(dialect, { CWS_LOG_ORIGIN: 'elsewhere.example/log' }, { dataDir: t.dataDir, ...(t.schema ? { schema: t.schema } : {}) })).rejects.toThrow(/origin/);
  });
});
