import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ed25519NoteSigner,
  formatAddCheckpointRequest,
  formatCheckpoint,
  generateNoteKey,
  parseCheckpoint,
  parseNote,
  signNote,
  SIG_TYPE_COSIGNATURE_V1,
  verifyCosignatures,
  witnessCheckpointPath,
} from '../../src/ledger/index.js';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { createSchema, dialects, dropSchema, testPlatform, type TestPlatform } from '../support/platform.js';
import { freePort } from '../support/server-process.js';

const ds = await dialects();

interface Node {
  t: TestPlatform;
  app: FastifyInstance;
  url: string;
  origin: string;
  logKey: { signerKey: string; verifierKey: string };
  witnessKey: { signerKey: string; verifierKey: string };
}

async function approve(t: TestPlatform, seed: number): Promise<void> {
  const creator = await account(t.p, 'creator');
  const reviewer = await account(t.p, 'reviewer');
  const w = await t.p.registration.create(creator, validMetadata({ title: `witnessed ${seed}` }), [await stagePng(t.p, 9000 + seed)], true);
  await t.p.review.decide(reviewer, w.id, 'approve');
}

describe.each(ds)('two registries witnessing each other on %s', (dialect) => {
  const nodes: Node[] = [];
  const [A, B] = [0, 1];
  let cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    const keys = ports.map((port) => ({
      origin: `127.0.0.1:${port}/log`,
      logKey: generateNoteKey(`127.0.0.1:${port}/log`),
      witnessKey: generateNoteKey(`127.0.0.1:${port}/witness`, SIG_TYPE_COSIGNATURE_V1),
    }));
    for (const [i, port] of ports.entries()) {
      const other = keys[1 - i]!;
      const dataDir = await mkdtemp(path.join(tmpdir(), 'cws-witness-'));
      // Keys made up front so each side can be configured with the other's before it starts.
      await mkdir(path.join(dataDir, 'keys'));
      await writeFile(path.join(dataDir, 'keys', 'log.skey'), keys[i]!.logKey.signerKey);
      await writeFile(path.join(dataDir, 'keys', 'witness.skey'), keys[i]!.witnessKey.signerKey);
      const schema = dialect === 'postgres' ? await createSchema() : undefined;
      const t = await testPlatform(
        dialect,
        {
          CWS_PUBLIC_URL: `http://127.0.0.1:${port}`,
          CWS_WITNESSES: `${other.witnessKey.verifierKey} http://127.0.0.1:${ports[1 - i]}/witness`,
          CWS_WITNESS_LOGS: other.logKey.verifierKey,
        },
        { dataDir, ...(schema ? { schema } : {}) },
      );
      const app = await buildServer(t.p, { logger: false });
      await app.listen({ port, host: '127.0.0.1' });
      nodes.push({ t, app, url: `http://127.0.0.1:${port}`, ...keys[i]! });
      cleanup.push(async () => {
        await app.close();
        await t.cleanup();
        if (schema) await dropSchema(schema);
        await rm(dataDir, { recursive: true, force: true });
      });
    }
  });
  afterAll(async () => {
    for (const c of cleanup) await c();
    cleanup = [];
  });

  const post = (to: Node, body: string) => fetch(`${to.url}/witness/add-checkpoint`, { method: 'POST', body });
  const latestNote = async (n: Node) => (await n.t.p.store.repos.log.latestCheckpoint())!;
  /** A request for `to` about `from`'s latest checkpoint, from what `to` holds. */
  const requestFor = async (from: Node, oldSize: number, note?: string) => {
    const cp = await latestNote(from);
    const size = Number(cp.size);
    return formatAddCheckpointRequest({ oldSize, proof: await from.t.p.registryLog.consistencyProof(oldSize, size), checkpoint: note ?? cp.note });
  };

  it('each cosigns the other\u2019s checkpoints, which then carry the cosignature', async () => {
    for (const [me, them] of [[A, B], [B, A]] as const) {
      const n = nodes[me]!;
      await approve(n.t, me);
      const size = await n.t.p.registryLog.integrator.flush();
      expect(await n.t.p.jobs.drain()).toBeGreaterThanOrEqual(1);
      const served = await (await fetch(`${n.url}/log/checkpoint`)).text();
      const cosigs = verifyCosignatures(served, [nodes[them]!.witnessKey.verifierKey]);
      expect(cosigs).toHaveLength(1);
      expect(cosigs[0]!.name).toBe(`${nodes[them]!.url.slice(7)}/witness`);
      expect(parseCheckpoint(parseNote(served).text).size).toBe(size);
      // The witness serves what it cosigned on its monitoring path.
      const monitored = await fetch(`${nodes[them]!.url}/witness/${witnessCheckpointPath(n.origin)}`);
      expect(monitored.status).toBe(200);
      expect(verifyCosignatures(await monitored.text(), [nodes[them]!.witnessKey.verifierKey])).toHaveLength(1);
    }
  });

  it('keeps cosigning as the log grows, with consistency proofs, and recovers from a 409', async () => {
    const a = nodes[A]!;
    await approve(a.t, 10);
    await approve(a.t, 11);
    const size = await a.t.p.registryLog.integrator.flush();
    await a.t.p.jobs.drain();
    expect(await a.t.p.store.repos.log.witnessCosignedSize(nodes[B]!.witnessKey.verifierKey)).toBe(size);
    // Forget what the witness holds: it answers 409 with its size and the next request succeeds.
    await a.t.p.store.repos.log.setWitnessState(nodes[B]!.witnessKey.verifierKey, 0, null, new Date().toISOString());
    await approve(a.t, 12);
    const next = await a.t.p.registryLog.integrator.flush();
    await a.t.p.jobs.drain();
    const cosigs = await a.t.p.store.repos.log.cosignatures(next);
    expect(cosigs.map((c) => c.witness_key)).toEqual([nodes[B]!.witnessKey.verifierKey]);
    // The audit verifies every stored cosignature.
    const audit = await a.t.p.logAudit.run();
    expect(audit.problems).toEqual([]);
    expect(audit.cosignatures).toBeGreaterThanOrEqual(2);
  });

  it('answers the protocol\u2019s 400, 403, 404, 409 and 422 and cosigns nothing then', async () => {
    const [a, b] = [nodes[A]!, nodes[B]!];
    const held = Number((await b.t.p.store.repos.witness.latest(a.origin))!.size);
    const cp = await latestNote(a);
    const text = parseNote(cp.note).text;

    expect((await post(b, 'not a request')).status).toBe(400);
    expect((await post(b, '')).status).toBe(400);
    expect((await post(b, formatAddCheckpointRequest({ oldSize: Number(cp.size) + 1, proof: [], checkpoint: cp.note }))).status).toBe(400);

    const stranger = generateNoteKey('unknown.example/log');
    const unknown = signNote(formatCheckpoint({ ...parseCheckpoint(text), origin: 'unknown.example/log' }), [ed25519NoteSigner(stranger.signerKey)]);
    expect((await post(b, formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: unknown }))).status).toBe(404);

    const impostor = generateNoteKey(a.origin);
    const forged = signNote(text, [ed25519NoteSigner(impostor.signerKey)]);
    expect((await post(b, await requestFor(a, held, forged))).status).toBe(403);

    const stale = await post(b, await requestFor(a, held - 1));
    expect(stale.status).toBe(409);
    expect(stale.headers.get('content-type')).toBe('text/x.tlog.size');
    expect(await stale.text()).toBe(`${held}\n`);

    // A fork: the log's own key signing another root for the size the witness holds.
    const fork = signNote(formatCheckpoint({ origin: a.origin, size: held, rootHash: new Uint8Array(32).fill(7), extensions: [] }), [ed25519NoteSigner(a.logKey.signerKey)]);
    expect((await post(b, formatAddCheckpointRequest({ oldSize: held, proof: [], checkpoint: fork }))).status).toBe(422);

    await approve(a.t, 13);
    await a.t.p.registryLog.integrator.flush();
    const good = await requestFor(a, held);
    const lines = good.split('\n');
    const badProof = [lines[0], Buffer.from(new Uint8Array(32).fill(1)).toString('base64'), ...lines.slice(2)].join('\n');
    expect((await post(b, badProof)).status).toBe(422);
    expect(Number((await b.t.p.store.repos.witness.latest(a.origin))!.size)).toBe(held);

    const ok = await post(b, good);
    expect(ok.status).toBe(200);
    expect(verifyCosignatures(`${(await latestNote(a)).note}${await ok.text()}`, [b.witnessKey.verifierKey])).toHaveLength(1);
  });

  it('checks and stores atomically: of concurrent requests from one old size, exactly one is cosigned', async () => {
    const [a, b] = [nodes[A]!, nodes[B]!];
    const held = Number((await b.t.p.store.repos.witness.latest(a.origin))!.size);
    const requests: string[] = [];
    for (let i = 0; i < 6; i++) {
      await approve(a.t, 100 + i);
      await a.t.p.registryLog.integrator.flush();
      requests.push(await requestFor(a, held));
    }
    const statuses = await Promise.all(requests.map(async (r) => (await post(b, r)).status));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(5);
    const winner = requests[statuses.indexOf(200)]!;
    const stored = Number((await b.t.p.store.repos.witness.latest(a.origin))!.size);
    expect(stored).toBe(parseCheckpoint(parseNote(winner.slice(winner.indexOf('\n\n') + 2)).text).size);
    // The log's own job catches up from whatever the witness now holds.
    await a.t.p.jobs.drain();
    expect((await a.t.p.store.repos.log.cosignatures(Number((await latestNote(a)).size))).length).toBe(1);
  });

  it('the audit names a changed cosignature', async () => {
    const a = nodes[A]!;
    const [row] = await a.t.p.store.repos.log.cosignatures();
    const id = `${row!.checkpoint_size}/${row!.witness_key}`;
    const set = (values: { line?: string; timestamp?: number }) =>
      a.t.p.database.db.updateTable('log_cosignatures').set(values).where('checkpoint_size', '=', row!.checkpoint_size).where('witness_key', '=', row!.witness_key).execute();
    const other = (await a.t.p.store.repos.log.cosignatures()).find((c) => c.checkpoint_size !== row!.checkpoint_size)!;
    for (const [values, field] of [[{ line: other.line }, 'line'], [{ timestamp: Number(row!.timestamp) + 1 }, 'timestamp']] as const) {
      await set(values);
      try {
        expect((await a.t.p.logAudit.run()).problems).toContainEqual(expect.objectContaining({ table: 'log_cosignatures', row: id, field }));
      } finally {
        await set({ line: row!.line, timestamp: Number(row!.timestamp) });
      }
    }
    expect((await a.t.p.logAudit.run()).ok).toBe(true);
  });
});
