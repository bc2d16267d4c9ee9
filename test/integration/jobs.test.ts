import { mkdir, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JobRunner, backoffMs } from '../../src/jobs/runner.js';
import type { JobHandlers } from '../../src/jobs/kinds.js';
import { DemoService } from '../../src/services/demo.service.js';
import { dialects, testPlatform, type TestPlatform } from '../support/platform.js';

const ds = await dialects();
const silent = pino({ level: 'silent' });

describe.each(ds)('jobs, blob sweep and demo data on %s', (dialect) => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await testPlatform(dialect);
  });
  afterAll(async () => t.cleanup());

  it('refuses to start when a job kind has no handler', () => {
    expect(() => new JobRunner(t.p.store, { 'import.batch': async () => {} } as unknown as JobHandlers, silent)).toThrow(/missing \[blobs.gc/);
  });

  it('retries a failing job with backoff, then marks it failed; a lost lease is run again', async () => {
    let calls = 0;
    const runner = new JobRunner(t.p.store, {
      'import.batch': async () => {
        calls++;
        throw new Error('boom');
      },
      'blobs.gc': async () => {},
      'similarity.report': async () => {},
      'log.witness': async () => {},
      'log.timestamp': async () => {},
      'aigc.report': async () => {},
      'certificate.render': async () => {},
      'fingerprints.backfill': async () => {},
    }, silent);
    const id = await runner.enqueue('import.batch', { batchId: 'x' }, { maxAttempts: 2 });
    expect(await runner.drain()).toBe(1);
    let job = (await t.p.store.repos.jobs.byId(id))!;
    expect(job).toMatchObject({ status: 'queued', attempts: 1 });
    expect(Date.parse(job.run_at) - Date.now()).toBeGreaterThan(backoffMs(1) - 1500);
    await t.p.store.repos.jobs.fail(id, 'retry now', new Date()); // bring the retry forward
    await runner.drain();
    job = (await t.p.store.repos.jobs.byId(id))!;
    expect(job.status).toBe('failed');
    expect(job.last_error).toContain('boom');
    expect(calls).toBe(2);

    const lost = await t.p.store.repos.jobs.enqueue('blobs.gc', {});
    const claimed = await t.p.store.repos.jobs.claim('dead-worker', -1000); // lease already expired
    expect(claimed?.id).toBe(lost);
    expect(await t.p.store.repos.jobs.releaseExpired()).toBeGreaterThanOrEqual(1);
    expect((await t.p.store.repos.jobs.byId(lost))!.status).toBe('queued');
  });

  it('sweeps blob files no row knows, after the grace period only', async () => {
    const orphan = 'ab'.repeat(32);
    const fresh = 'cd'.repeat(32);
    for (const sha of [orphan, fresh]) {
      const dir = path.join(t.dataDir, 'blobs', sha.slice(0, 2), sha.slice(2, 4));
      await mkdir(dir, { recursive: true });
      await writeFile(path.join(dir, sha), 'x');
    }
    const old = new Date(Date.now() - 2 * 3_600_000);
    await utimes(t.p.blobs.pathOf(orphan), old, old);
    const { removed } = await t.p.blobGc.sweep();
    expect(removed).toEqual([orphan]);
    expect(await t.p.blobs.exists(fresh)).toBe(true);
  });

  it('fills a demo institution with every kind of work in every state', async () => {
    const demo = new DemoService(t.p.store, t.p.auth, t.p.registration, t.p.review);
    const accounts = await demo.accounts();
    expect(accounts.map((a) => a.role).sort()).toEqual(['admin', 'creator', 'judicial', 'reviewer']);
    expect(accounts.every((a) => a.created && a.password.length >= 8)).toBe(true);
    await expect(t.p.auth.login('demo-creator', accounts.find((a) => a.role === 'creator')!.password)).resolves.toBeTruthy();
    const counts = await demo.registrations(20);
    expect(counts).toEqual({ approved: 15, rejected: 2, pending: 3 });
    const byStatus = await t.p.store.repos.works.countByStatus();
    expect(byStatus).toMatchObject({ approved: 15, rejected: 2, submitted: 3 });
    const kinds = await t.p.database.db.selectFrom('work_files').select('kind').distinct().execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['image', 'pdf', 'text', 'audio'].sort());
    expect((await demo.accounts()).every((a) => !a.created)).toBe(true);
  });
});
