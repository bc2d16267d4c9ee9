import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { certificatesFromPem, verifyToken } from '../../src/log/rfc3161.js';
import { buildServer } from '../../src/routes/server.js';
import { account, stagePng, validMetadata } from '../support/fixtures.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const run = promisify(execFile);
const ds = await dialects();

/**
 * A real RFC 3161 TSA on loopback: each query is answered by `openssl ts -reply` with a
 * throwaway CA and a time-stamping certificate made for the test.
 */
async function openSslTsa(dir: string): Promise<{ url: string; server: Server; caFile: string; tsaCert: string }> {
  const o = (...args: string[]) => run('openssl', args, { cwd: dir });
  await o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=CWS Test TSA CA', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=CWS Test TSA');
  await writeFile(path.join(dir, 'ext.cnf'), 'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n');
  await o('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.crt', '-days', '30', '-extfile', 'ext.cnf');
  await writeFile(path.join(dir, 'tsaserial'), '01\n');
  await writeFile(
    path.join(dir, 'tsa.cnf'),
    `[ tsa ]\ndefault_tsa = t\n[ t ]\ndir = ${dir}\nserial = $dir/tsaserial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.crt\ncerts = $dir/ca.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\nother_policies = 1.2.3.4.5\ndigests = sha256, sha384, sha512\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`,
  );
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const id = randomBytes(6).toString('hex');
        const q = path.join(dir, `${id}.tsq`);
        const r = path.join(dir, `${id}.tsr`);
        try {
          await writeFile(q, Buffer.concat(chunks));
          await o('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', q, '-out', r);
          res.writeHead(200, { 'content-type': 'application/timestamp-reply' }).end(await readFile(r));
        } catch (e) {
          res.writeHead(500).end(String(e));
        }
      })();
    });
  });
  await new Promise<void>((res) => server.listen(0, '127.0.0.1', res));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/tsa`, server, caFile: path.join(dir, 'ca.crt'), tsaCert: path.join(dir, 'tsa.crt') };
}

describe.each(ds)('RFC 3161 timestamps of checkpoints on %s', (dialect) => {
  let t: TestPlatform;
  let dir: string;
  let tsa: Awaited<ReturnType<typeof openSslTsa>>;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'cws-tsa-'));
    tsa = await openSslTsa(dir);
    t = await testPlatform(dialect, { CWS_TSA_URL: tsa.url, CWS_TSA_CA_FILE: tsa.caFile });
  });
  afterAll(async () => {
    await t.cleanup();
    await new Promise((r) => tsa.server.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  it('timestamps each new checkpoint; openssl verifies the stored token', async () => {
    const creator = await account(t.p, 'creator');
    const reviewer = await account(t.p, 'reviewer');
    const w = await t.p.registration.create(creator, validMetadata(), [await stagePng(t.p, 501)], true);
    await t.p.review.decide(reviewer, w.id, 'approve');
    const size = await t.p.registryLog.integrator.flush();
    const before = Date.now();
    expect(await t.p.jobs.drain()).toBeGreaterThanOrEqual(1);
    const [row] = await t.p.store.repos.log.timestamps(size);
    expect(row).toBeDefined();
    expect(Math.abs(Date.parse(row!.gen_time) - before)).toBeLessThan(60_000);
    const cp = (await t.p.store.repos.log.checkpoint(size))!;
    await writeFile(path.join(dir, 'note.txt'), cp.note);
    await writeFile(path.join(dir, 'token.der'), row!.token);
    const v = await run('openssl', ['ts', '-verify', '-data', 'note.txt', '-in', 'token.der', '-token_in', '-CAfile', tsa.caFile, '-untrusted', tsa.tsaCert], { cwd: dir });
    expect(v.stdout).toContain('Verification: OK');
    // Our own verifier agrees, and refuses other data or another trust anchor.
    const anchors = certificatesFromPem(await readFile(tsa.caFile, 'utf8'));
    expect(verifyToken(row!.token, Buffer.from(cp.note), anchors).genTime.toISOString()).toBe(row!.gen_time);
    expect(() => verifyToken(row!.token, Buffer.from(`${cp.note}x`), anchors)).toThrow(/imprint/);
    const { stdout: otherCa } = await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'other.key'), '-subj', '/CN=Other CA', '-days', '1']);
    expect(() => verifyToken(row!.token, Buffer.from(cp.note), certificatesFromPem(otherCa))).toThrow(/chain/);
    // Served with the checkpoint for anyone to check.
    const app = await buildServer(t.p, { logger: false });
    try {
      const served = await app.inject({ method: 'GET', url: '/api/log/checkpoints/latest' });
      expect(served.statusCode).toBe(200);
      expect(served.json()).toMatchObject({ size, timestamps: [{ tsaUrl: tsa.url, genTime: row!.gen_time, token: Buffer.from(row!.token).toString('base64') }] });
      expect((await app.inject({ method: 'GET', url: `/api/log/checkpoints/${size + 1000}` })).statusCode).toBe(404);
      expect((await app.inject({ method: 'GET', url: '/api/log/checkpoints/01' })).statusCode).toBe(400);
    } finally {
      await app.close();
    }
  });

  it('the audit checks every token and names a changed one', async () => {
    expect((await t.p.logAudit.run()).problems).toEqual([]);
    const [row] = await t.p.store.repos.log.timestamps();
    const set = (values: { gen_time?: string; token?: Buffer }) =>
      t.p.database.db.updateTable('log_timestamps').set(values).where('checkpoint_size', '=', row!.checkpoint_size).where('tsa_url', '=', row!.tsa_url).execute();
    const id = `${row!.checkpoint_size}/${row!.tsa_url}`;
    await set({ gen_time: '2001-01-01T00:00:00.000Z' });
    expect((await t.p.logAudit.run()).problems).toContainEqual(expect.objectContaining({ table: 'log_timestamps', row: id, field: 'gen_time' }));
    await set({ gen_time: row!.gen_time });
    const forged = Buffer.from(row!.token);
    forged[forged.length - 10] = forged[forged.length - 10]! ^ 0xff;
    await set({ token: forged });
    expect((await t.p.logAudit.run()).problems).toContainEqual(expect.objectContaining({ table: 'log_timestamps', row: id, field: 'token' }));
    await set({ token: row!.token });
    expect((await t.p.logAudit.run()).ok).toBe(true);
  });
});
