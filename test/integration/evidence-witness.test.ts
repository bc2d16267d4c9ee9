import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeEvidencePackage } from '../../src/documents/evidence.js';
import { EvidenceError, verifyEvidence } from '../../src/documents/evidence-verify.js';
import { generateNoteKey, SIG_TYPE_COSIGNATURE_V1 } from '../../src/ledger/index.js';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { createSchema, dialects, dropSchema, testPlatform, type TestPlatform } from '../support/platform.js';
import { freePort } from '../support/server-process.js';

const ds = await dialects();

/** A registry whose checkpoints another institution's witness cosigns: its packages carry the cosignature. */
describe.each(ds)('evidence package of a witnessed log on %s', (dialect) => {
  const nodes: { t: TestPlatform; app: FastifyInstance; witnessVkey: string }[] = [];
  const cleanup: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    const ports = [await freePort(), await freePort()];
    const keys = ports.map((port) => ({ log: generateNoteKey(`127.0.0.1:${port}/log`), witness: generateNoteKey(`127.0.0.1:${port}/witness`, SIG_TYPE_COSIGNATURE_V1) }));
    for (const [i, port] of ports.entries()) {
      const other = keys[1 - i]!;
      const dataDir = await mkdtemp(path.join(tmpdir(), 'cws-evw-'));
      await mkdir(path.join(dataDir, 'keys'));
      await writeFile(path.join(dataDir, 'keys', 'log.skey'), keys[i]!.log.signerKey);
      await writeFile(path.join(dataDir, 'keys', 'witness.skey'), keys[i]!.witness.signerKey);
      const schema = dialect === 'postgres' ? await createSchema() : undefined;
      const t = await testPlatform(
        dialect,
        { CWS_PUBLIC_URL: `http://127.0.0.1:${port}`, CWS_WITNESSES: `${other.witness.verifierKey} http://127.0.0.1:${ports[1 - i]}/witness`, CWS_WITNESS_LOGS: other.log.verifierKey },
        { dataDir, ...(schema ? { schema } : {}) },
      );
      const app = await buildServer(t.p, { logger: false });
      await app.listen({ port, host: '127.0.0.1' });
      nodes.push({ t, app, witnessVkey: keys[i]!.witness.verifierKey });
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
  });

  it('names the witness, verifies its cosignature, and refuses the package when the cosignature is stripped', async () => {
    const { t } = nodes[0]!;
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata({ title: 'witnessed evidence' }), [await stagePng(t.p, 7100)], true);
    const number = (await t.p.review.decide(reviewer, w.id, 'approve')).registrationNumber!;
    await t.p.registryLog.integrator.flush();
    expect(await t.p.jobs.drain()).toBeGreaterThanOrEqual(1);
    const pkg = await t.p.evidence.packageByNumber(number);
    expect(pkg.witnesses).toEqual([{ verifierKey: nodes[1]!.witnessVkey }]);
    const v = verifyEvidence(serializeEvidencePackage(pkg), { trustedLogKeys: [t.p.registryLog.identity.vkey] });
    expect(v.witnesses).toHaveLength(1);
    expect(v.witnesses[0]!.name).toBe(nodes[1]!.witnessVkey.split('+')[0]);
    const stripped = { ...pkg, checkpoint: { note: pkg.checkpoint.note.split('\n').filter((l) => !l.includes('/witness ')).join('\n') } };
    let refused: unknown;
    try {
      verifyEvidence(JSON.stringify(stripped));
    } catch (e) {
      refused = e;
    }
    expect(refused).toBeInstanceOf(EvidenceError);
    expect(refused).toMatchObject({ code: 'UNKNOWN_KEY' });
  });
});
