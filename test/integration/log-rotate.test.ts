/**
 * Key rotation: after `rotateLogKey`, new checkpoints are signed with the new key only, the
 * audit stays clean, /log/keys lists both keys, and an evidence package exported before the
 * rotation still verifies offline.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ed25519NoteVerifier, generateNoteKey, openCheckpoint } from '../../src/ledger/index.js';
import { verifyEvidence } from '../../src/documents/evidence-verify.js';
import { KeyStore } from '../../src/repositories/keys.store.js';
import { buildServer } from '../../src/routes/server.js';
import { rotateLogKey } from '../../src/services/log-keys.service.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, dropSchema, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();

describe.each(ds)('log key rotation on %s', (dialect) => {
  let before: TestPlatform;
  let after: TestPlatform | undefined;

  const approve = async (t: TestPlatform, seed: number) => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: `rotation ${seed}` }), [await stagePng(t.p, seed)], true);
    return t.p.review.decide(reviewer, w.id, 'approve');
  };

  beforeAll(async () => {
    before = await testPlatform(dialect);
  });
  afterAll(async () => {
    await after?.p.close();
    if (before.schema) await dropSchema(before.schema);
    await rm(before.dataDir, { recursive: true, force: true });
  });

  it('signs with the new key from then on and keeps every earlier checkpoint and package valid', async () => {
    const first = await approve(before, 61);
    const firstSize = await before.p.registryLog.integrator.flush();
    const oldVkey = before.p.registryLog.identity.vkey;
    const oldPackage = await before.p.evidence.packageForWork(first.id);
    expect(verifyEvidence(oldPackage, { trustedLogKeys: [oldVkey] }).index).toBe(first.log!.index);

    const rotation = await rotateLogKey(before.p.store, new KeyStore(before.dataDir));
    expect(rotation.previousVkey).toBe(oldVkey);
    expect(rotation.vkey).not.toBe(oldVkey);
    expect(rotation.vkey.split('+')[0]).toBe(before.p.registryLog.identity.origin);
    expect(rotation.retiredSecret).toMatch(/retired/);

    // A process still holding the old key sequences but refuses to sign.
    await approve(before, 62);
    await expect(before.p.registryLog.integrator.flush()).rejects.toThrow(/refusing to sign/);
    await before.p.close();

    after = await testPlatform(dialect, {}, { dataDir: before.dataDir, ...(before.schema ? { schema: before.schema } : {}) });
    const p = after.p;
    expect(p.registryLog.identity.vkey).toBe(rotation.vkey);
    const third = await approve(after, 63);
    const size = await p.registryLog.integrator.flush();
    expect(size).toBe(firstSize + 2);

    // The new checkpoint verifies with the new key and not with the old one.
    const latest = (await p.store.repos.log.latestCheckpoint())!;
    const origin = p.registryLog.identity.origin;
    expect(openCheckpoint(latest.note, origin, [ed25519NoteVerifier(rotation.vkey)]).checkpoint.size).toBe(size);
    expect(() => openCheckpoint(latest.note, origin, [ed25519NoteVerifier(oldVkey)])).toThrow();
    // The old one still verifies with the retired key.
    const old = (await p.store.repos.log.checkpoint(firstSize))!;
    expect(openCheckpoint(old.note, origin, [ed25519NoteVerifier(oldVkey)]).checkpoint.size).toBe(firstSize);

    const audit = await p.logAudit.run();
    expect(audit.problems).toEqual([]);
    expect(audit.ok).toBe(true);

    const app = await buildServer(p, { logger: false });
    try {
      const keys = await app.inject({ method: 'GET', url: '/log/keys' });
      expect(keys.statusCode).toBe(200);
      expect(keys.body.trim().split('\n')).toEqual([rotation.vkey, oldVkey]);
      expect((await app.inject({ method: 'GET', url: '/log/key' })).body.trim()).toBe(rotation.vkey);
    } finally {
      await app.close();
    }

    // Offline: the package made before the rotation, with the keys published now.
    const published = [rotation.vkey, oldVkey];
    expect(verifyEvidence(oldPackage, { trustedLogKeys: published }).treeSize).toBe(firstSize);
    const fresh = await p.evidence.packageForWork(third.id);
    expect(fresh.log.verifierKey).toBe(rotation.vkey);
    expect(verifyEvidence(fresh, { trustedLogKeys: published }).treeSize).toBe(size);
    // A package whose key was swapped for the other one does not verify.
    expect(() => verifyEvidence({ ...oldPackage, log: { ...oldPackage.log, verifierKey: rotation.vkey } })).toThrow();
  });

  it('refuses to rotate from a data folder whose key is not the log\u2019s, changing nothing', async () => {
    const p = after!.p;
    const dir = await mkdtemp(path.join(tmpdir(), 'cws-keys-'));
    try {
      const foreign = new KeyStore(dir);
      await foreign.readOrCreateSecret('log', () => generateNoteKey(p.registryLog.identity.origin));
      const stateBefore = await p.store.repos.log.state();
      await expect(rotateLogKey(p.store, foreign)).rejects.toThrow(/not this log's key/);
      expect(await foreign.readSecret('log.next')).toBeUndefined();
      expect(await p.store.repos.log.state()).toEqual(stateBefore);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
