import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { request } from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { samplePng } from '../../src/documents/samples.js';
import { account, validMetadata } from '../support/fixtures.js';
import { multipart } from '../support/http.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';
import { signIn, startServer } from '../support/server-process.js';

const ds = await dialects();

describe.each(ds)('kill -9 on %s', (dialect) => {
  let t: TestPlatform;
  let env: Record<string, string>;
  let creator: { username: string; password: string };
  let reviewer: { username: string; password: string };
  beforeAll(async () => {
    t = await testPlatform(dialect);
    creator = await account(t.p, 'creator');
    reviewer = await account(t.p, 'reviewer');
    env = { ...t.env, ...(t.schema ? { CWS_PG_SCHEMA: t.schema } : {}), CWS_WORKERS: 'true' };
  });
  afterAll(async () => t.cleanup());

  it('loses no acknowledged registration and leaves no trace of an interrupted upload', async () => {
    const server = await startServer(env);
    const auth = await signIn(server.url, creator.username, creator.password);
    // An upload that will never finish: headers and half a body, then silence.
    const { body: slowBody, headers: slowHeaders } = multipart([{ name: 'metadata', value: JSON.stringify(validMetadata()) }, { name: 'files', filename: 'slow.png', data: Buffer.concat([samplePng(999), Buffer.alloc(500_000, 7)]) }]);
    const slow = request(`${server.url}/api/works`, { method: 'POST', headers: { ...auth.headers, ...slowHeaders, 'content-length': String(slowBody.length) } });
    slow.on('error', () => undefined);
    slow.write(slowBody.subarray(0, 300_000));

    const acked: { id: string; sha: string }[] = [];
    let stop = false;
    let seed = 0;
    const loop = async () => {
      while (!stop) {
        const s = ++seed;
        const png = samplePng(s);
        const { body, headers } = multipart([{ name: 'metadata', value: JSON.stringify(validMetadata({ title: `crash ${s}` })) }, { name: 'submit', value: 'true' }, { name: 'files', filename: `c${s}.png`, data: png }]);
        try {
          const r = await fetch(`${server.url}/api/works`, { method: 'POST', headers: { ...auth.headers, ...headers }, body: new Uint8Array(body) });
          if (r.status === 201) acked.push({ id: ((await r.json()) as { id: string }).id, sha: createHash('sha256').update(png).digest('hex') });
        } catch {
          return; // the server died mid-request: not acknowledged
        }
      }
    };
    const loops = Array.from({ length: 6 }, loop);
    await new Promise((r) => setTimeout(r, 1500));
    await server.kill9();
    stop = true;
    await Promise.all(loops);
    slow.destroy();
    expect(acked.length).toBeGreaterThan(5);

    // Restart: everything acknowledged is there, with its file, and the half upload is gone.
    const again = await startServer(env);
    try {
      const c = await signIn(again.url, creator.username, creator.password);
      for (const a of acked) {
        const r = await fetch(`${again.url}/api/works/${a.id}`, { headers: c.headers });
        expect(r.status).toBe(200);
        const w = (await r.json()) as { status: string; files: { id: string; sha256: string }[] };
        expect(w.status).toBe('submitted');
        expect(w.files[0]!.sha256).toBe(a.sha);
        const blob = await readFile(path.join(t.dataDir, 'blobs', a.sha.slice(0, 2), a.sha.slice(2, 4), a.sha));
        expect(createHash('sha256').update(blob).digest('hex')).toBe(a.sha);
      }
      expect(await readdir(path.join(t.dataDir, 'tmp'))).toEqual([]);
      const q = await fetch(`${again.url}/api/works?pageSize=100`, { headers: c.headers });
      const titles = ((await q.json()) as { items: { title: string }[] }).items.map((i) => i.title);
      expect(titles).not.toContain(validMetadata().title);
    } finally {
      await again.stop();
    }
  });

  it('numbers stay unique and gap-free when two app processes approve at once', async () => {
    const owner = await account(t.p, 'creator');
    const ids: string[] = [];
    for (let i = 0; i < 24; i++) {
      const staged = await t.p.registration.stage(Readable.from([samplePng(5000 + i)]), `n${i}.png`);
      ids.push((await t.p.registration.create(owner, validMetadata({ title: `num ${i}` }), [staged], true)).id);
    }
    const [a, b] = await Promise.all([startServer(env), startServer(env)]);
    try {
      const [ha, hb] = await Promise.all([signIn(a.url, reviewer.username, reviewer.password), signIn(b.url, reviewer.username, reviewer.password)]);
      const tries = ids.flatMap((id) => [
        fetch(`${a.url}/api/review/works/${id}/approve`, { method: 'POST', headers: ha.headers }).then((r) => r.status),
        fetch(`${b.url}/api/review/works/${id}/approve`, { method: 'POST', headers: hb.headers }).then((r) => r.status),
      ]);
      const statuses = await Promise.all(tries);
      expect(statuses.filter((s) => s === 200)).toHaveLength(ids.length);
      expect(statuses.filter((s) => s !== 200).every((s) => s === 409)).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const numbers = await Promise.all(ids.map(async (id) => (await t.p.store.repos.works.byId(id))!.registration_number!));
    const serials = numbers.map((n) => Number(n.slice(-8))).sort((x, y) => x - y);
    expect(new Set(numbers).size).toBe(ids.length);
    for (let i = 1; i < serials.length; i++) expect(serials[i]! - serials[i - 1]!).toBe(1);
  });
});
