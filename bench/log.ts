/**
 * Benchmarks of the registry log (docs/log-operations.md, "Performance").
 *
 *   npx tsx bench/log.ts            # full: 1M-entry proofs and audit on SQLite and PostgreSQL
 *   npx tsx bench/log.ts --quick    # smaller sizes, for a smoke run
 *   npx tsx bench/log.ts --no-pg    # SQLite only
 *   npx tsx bench/log.ts --stages throughput,audit   # some of: throughput, latency, proofs, audit
 *   npx tsx bench/log.ts --stages audit --audit-entries 200000   # a smaller audit (seeding 1M takes 10–20 min)
 *   CWS_BENCH_AUDIT_DIR=/tmp/audit-1m npx tsx bench/log.ts --no-pg --stages audit   # seed once, audit again on later runs
 *
 * Writes bench/results/log.json. Also usable from bench/run.ts through `logBench`.
 */
import { sql } from 'kysely';
import { mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { inclusionProof, inclusionProofNodeIds, leafHash, nodeSourceFromTiles, TILE_WIDTH, verifyInclusion } from '../src/ledger/index.js';
import { encodeApprovalLeaf } from '../src/log/approval-leaf.js';
import { newSalt } from '../src/log/commitment.js';
import { splitHashes } from '../src/log/tree-growth.js';
import type { NewEntry } from '../src/log/sequence.js';
import { account, stagePng, validMetadata } from '../test/support/fixtures.js';
import { seedApprovals } from '../test/support/registry-seed.js';
import { log, machine, pgUnreachable, RESULTS_DIR, sleep } from './lib/env.js';
import { openPlatform, type BenchPlatform } from './lib/platform.js';
import type { BenchOptions, BenchReport, Figure } from './lib/report.js';
import { round, summarize } from './lib/stats.js';

type Dialect = 'sqlite' | 'postgres';

/** A realistic approval leaf (one file, ~1.3 KB), so appends move real bytes. */
function approvalEntries(n: number, from: number): NewEntry[] {
  const now = new Date().toISOString();
  return Array.from({ length: n }, (_, i) => {
    const k = from + i;
    const salt = newSalt();
    const work = {
      id: `w${k}`, created_at: now, title: `作品 ${k}`, category: 'fine_art', description: 'd', authors: '[{"name":"作者"}]', authors_text: '作者', owners: '[]', completed_on: '2026-01-01',
      publication: '{"status":"unpublished"}', ai_disclosure: '{}', status: 'approved', owner_id: 'u1', reviewer_id: 'u2', submitted_at: now, reviewed_at: now, review_reason: null,
      registration_number: `校作登字-2026-F-${String(k).padStart(8, '0')}`, registered_at: now,
    };
    const event = { id: `e${k}`, work_id: work.id, action: 'approve', from_status: 'in_review', to_status: 'approved', actor_id: 'u2', reason: null, data: '{}', created_at: now };
    const files = [{ id: `f${k}`, work_id: work.id, sha256: 'ab'.repeat(32), size: 1000, media_type: 'image/png', kind: 'image', filename: `f${k}.png`, position: 0 }];
    return { kind: 'approval', workId: null, eventId: event.id, entry: encodeApprovalLeaf({ work, event, files }, salt), salt };
  });
}

async function latestSize(bp: BenchPlatform): Promise<number> {
  const cp = await bp.p.store.repos.log.latestCheckpoint();
  return cp ? Number(cp.size) : 0;
}

/** Appenders and the background integrator run together; the clock stops when a checkpoint covers everything. */
export async function logBenchThroughput(dialect: Dialect, n: number, batch = 1024) {
  const bp = await openPlatform(dialect, { CWS_LOG_BATCH: '8192' });
  try {
    const writers = 4;
    const prepared = Array.from({ length: Math.ceil(n / batch) }, (_, b) => approvalEntries(Math.min(batch, n - b * batch), b * batch));
    bp.p.registryLog.integrator.start();
    const start = performance.now();
    let next = 0;
    let sequencedAt = 0;
    await Promise.all(
      Array.from({ length: writers }, async () => {
        while (next < prepared.length) await bp.p.registryLog.append(prepared[next++]!);
      }),
    );
    sequencedAt = performance.now() - start;
    while ((await latestSize(bp)) < n) await sleep(5);
    const total = performance.now() - start;
    await bp.p.registryLog.integrator.stop();
    const checkpoints = (await bp.p.store.repos.log.checkpoints()).length;
    return { entries: n, appendBatch: batch, writers, sequencedPerSec: Math.round(n / (sequencedAt / 1000)), endToEndPerSec: Math.round(n / (total / 1000)), seconds: round(total / 1000), checkpoints };
  } finally {
    await bp.close();
  }
}

/** From a real approval (or a single append) to a published checkpoint covering it, with the default 1 s publish interval. */
async function latency(dialect: Dialect, samples: number) {
  const bp = await openPlatform(dialect);
  try {
    const creator = await account(bp.p, 'creator');
    const reviewer = await account(bp.p, 'reviewer');
    const ids: string[] = [];
    for (let i = 0; i < samples; i++) ids.push((await bp.p.registration.create(creator, validMetadata({ title: `lat ${i}` }), [await stagePng(bp.p, 50_000 + i)], true)).id);
    bp.p.registryLog.integrator.start();
    const ms: number[] = [];
    for (const id of ids) {
      await sleep(Math.random() * 1500);
      const t0 = performance.now();
      const w = await bp.p.review.decide(reviewer, id, 'approve');
      while ((await latestSize(bp)) <= w.log!.index) await sleep(2);
      ms.push(performance.now() - t0);
    }
    await bp.p.registryLog.integrator.stop();
    return summarize(ms, 1);
  } finally {
    await bp.close();
  }
}

/** A log of `n` small entries, integrated. */
async function bigLog(dialect: Dialect, n: number): Promise<BenchPlatform> {
  const bp = await openPlatform(dialect, { CWS_LOG_BATCH: '32768' });
  const chunk = 10_000;
  for (let i = 0; i < n; i += chunk) {
    const count = Math.min(chunk, n - i);
    await bp.p.registryLog.append(Array.from({ length: count }, (_, j) => ({ kind: 'approval' as const, workId: null, eventId: `b${i + j}`, entry: Buffer.from(`entry ${i + j}`), salt: null })));
    if ((i / chunk) % 10 === 9) await bp.p.registryLog.integrator.flush();
  }
  await bp.p.registryLog.integrator.flush();
  return bp;
}

async function proofs(dialect: Dialect, n: number, count: number) {
  const bp = await bigLog(dialect, n);
  try {
    const cp = (await bp.p.store.repos.log.latestCheckpoint())!;
    const size = Number(cp.size);
    const indices = Array.from({ length: count }, () => Math.floor(Math.random() * size));
    const leafOf = async (i: number) => leafHash((await bp.p.store.repos.log.entryRows(i, i + 1))[0]!.entry);
    // 1. Server: LogService.inclusionProof, tiles from the database, cache cold then warm.
    const timed = async (f: (i: number) => Promise<unknown>) => {
      const ms: number[] = [];
      for (const i of indices) {
        const t0 = performance.now();
        await f(i);
        ms.push(performance.now() - t0);
      }
      return summarize(ms, 4);
    };
    const cold = await timed((i) => bp.p.registryLog.inclusionProof(i, size));
    const warm = await timed((i) => bp.p.registryLog.inclusionProof(i, size));
    // 2. Client: every tile already fetched (as a monitor holds them), proof computed from the raw tiles.
    const rows = await bp.p.database.db.selectFrom('log_tiles').selectAll().execute();
    const tiles = new Map(rows.map((t) => [`${t.level}/${t.idx}`, splitHashes(t.hashes)]));
    const source = nodeSourceFromTiles((l, i) => tiles.get(`${l}/${i}`) ?? []);
    const raw: number[] = [];
    for (const i of indices) {
      const t0 = performance.now();
      inclusionProof(i, size, source);
      raw.push(performance.now() - t0);
    }
    // Every proof checks out against the signed root.
    for (const i of indices.slice(0, 50)) verifyInclusion(i, size, await leafOf(i), await bp.p.registryLog.inclusionProof(i, size), cp.root);
    return { treeSize: size, proofs: count, nodeIdsPerProof: inclusionProofNodeIds(indices[0]!, size).length, serverCold: cold, serverWarm: warm, clientRawTiles: summarize(raw, 4), tileWidth: TILE_WIDTH };
  } finally {
    await bp.close();
  }
}

async function audit(dialect: Dialect, n: number) {
  // CWS_BENCH_AUDIT_DIR (SQLite): a data folder kept between runs, seeded only while its log
  // is empty, so that one 10–20 minute seeding serves many audits (and `cws audit` on it).
  const keep = dialect === 'sqlite' ? process.env.CWS_BENCH_AUDIT_DIR : undefined;
  if (keep) await mkdir(keep, { recursive: true });
  const bp = await openPlatform(dialect, { CWS_LOG_BATCH: '32768', ...(keep ? { CWS_DATA_DIR: keep } : {}) });
  try {
    const t0 = performance.now();
    const already = keep ? Number((await bp.p.store.repos.log.state())?.size ?? 0) : 0;
    if (already > 0) log(`  ${dialect}: reusing ${keep} (${already} entries)`);
    else await seedApprovals(bp.p, n, { chunk: 5000, onProgress: (d) => d % 100_000 === 0 && log(`  ${dialect}: seeded ${d}`) });
    const seeded = performance.now() - t0;
    await bp.p.registryLog.integrator.flush();
    const integrated = performance.now() - t0 - seeded;
    // Fresh tables: give the planner the statistics autovacuum would have gathered by now.
    if (dialect === 'postgres') await sql`analyze`.execute(bp.p.database.db);
    // The same log audited in this thread and over worker threads, one after the other.
    const timed = async (threads: number) => {
      const cpu0 = process.cpuUsage();
      const r = await bp.p.logAudit.run({ threads });
      const cpu = process.cpuUsage(cpu0);
      if (!r.ok) throw new Error(`audit of the seeded log failed: ${JSON.stringify(r.problems.slice(0, 3))}`);
      return { threads, entries: r.entries, seconds: round(r.durationMs / 1000), cpuSeconds: round((cpu.user + cpu.system) / 1e6), entriesPerSec: Math.round(r.entries / (r.durationMs / 1000)) };
    };
    const single = await timed(1);
    const parallel = await timed(os.availableParallelism());
    return {
      entries: single.entries,
      auditSeconds: parallel.seconds,
      /** CPU time of this process (all its threads) during the audit: less sensitive to other load on the machine. */
      auditCpuSeconds: parallel.cpuSeconds,
      entriesPerSec: parallel.entriesPerSec,
      singleThread: single,
      parallel,
      speedup: round(single.seconds / parallel.seconds),
      seedSeconds: round(seeded / 1000),
      integrateSeconds: round(integrated / 1000),
    };
  } finally {
    await bp.close();
  }
}

export async function logBench(o: BenchOptions, stages?: readonly string[], auditEntries?: number): Promise<BenchReport> {
  const want = (stage: string) => !stages || stages.includes(stage);
  const dialects: Dialect[] = o.pgSkip ? ['sqlite'] : ['sqlite', 'postgres'];
  const size = o.quick ? { append: 20_000, latency: 5, proofs: 100_000, audit: 20_000 } : { append: 200_000, latency: 20, proofs: 1_000_000, audit: 1_000_000 };
  if (auditEntries) size.audit = auditEntries;
  const results: Record<string, unknown> = {};
  const figures: Figure[] = [];
  for (const d of dialects) {
    // The machine is shared: the 1-minute load average before each stage goes with its figures.
    const load: Record<string, number> = {};
    const stage = (name: string, what: string) => {
      load[name] = round(os.loadavg()[0]!);
      log(`log ${d}: ${what} (load ${load[name]})`);
    };
    const goal = d === 'sqlite' ? 20_000 : 10_000;
    const r: Record<string, unknown> = { loadAverageBefore: load };
    results[d] = r;
    if (want('throughput')) {
      stage('throughput', `appends (${size.append})`);
      const t = await logBenchThroughput(d, d === 'postgres' ? size.append / 2 : size.append);
      r.throughput = t;
      figures.push({ bench: 'log', dialect: d, metric: 'appends/s, sequence+integrate+publish', value: t.endToEndPerSec, unit: '/s', goal: `≥ ${goal}`, met: t.endToEndPerSec >= goal });
    }
    if (want('latency')) {
      stage('latency', `checkpoint latency (${size.latency} approvals)`);
      const l = await latency(d, size.latency);
      r.checkpointLatencyMs = l;
      figures.push(
        { bench: 'log', dialect: d, metric: 'approval → checkpoint p50', value: l.p50, unit: 'ms', goal: '≤ 1000', met: l.p50 <= 1000 },
        { bench: 'log', dialect: d, metric: 'approval → checkpoint max', value: l.max, unit: 'ms', goal: '≤ 1000', met: l.max <= 1000 },
      );
    }
    if (want('proofs')) {
      stage('proofs', `inclusion proofs at ${size.proofs} leaves`);
      const p = await proofs(d, size.proofs, 2000);
      r.proofs = p;
      figures.push(
        { bench: 'log', dialect: d, metric: `inclusion proof p50 at ${p.treeSize} (server, warm tile cache)`, value: p.serverWarm.p50, unit: 'ms', goal: '≤ 0.1', met: p.serverWarm.p50 <= 0.1 },
        { bench: 'log', dialect: d, metric: `inclusion proof p50 at ${p.treeSize} (server, first pass: tiles read and expanded)`, value: p.serverCold.p50, unit: 'ms' },
        { bench: 'log', dialect: d, metric: `inclusion proof p50 at ${p.treeSize} (client, raw tiles in memory)`, value: p.clientRawTiles.p50, unit: 'ms' },
      );
    }
    if (want('audit')) {
      stage('audit', `audit of ${size.audit} registrations`);
      const a = await audit(d, size.audit);
      r.audit = a;
      figures.push(
        { bench: 'log', dialect: d, metric: `audit of ${a.entries} registrations (${a.parallel.threads} threads)`, value: a.auditSeconds, unit: 's', goal: '≤ 30', met: a.auditSeconds <= 30 },
        { bench: 'log', dialect: d, metric: `audit of ${a.entries} registrations, 1 thread (same run)`, value: a.singleThread.seconds, unit: 's' },
        { bench: 'log', dialect: d, metric: `audit of ${a.entries} registrations, CPU time of the app process (${a.parallel.threads} threads)`, value: a.parallel.cpuSeconds, unit: 's' },
        { bench: 'log', dialect: d, metric: `audit of ${a.entries} registrations, CPU time of the app process (1 thread)`, value: a.singleThread.cpuSeconds, unit: 's' },
      );
    }
  }
  return {
    method:
      'Throughput: 4 concurrent writers append batches of 1,024 real approval leaves (~1.3 KB) through LogService.append (one transaction per batch) while the background integrator runs (8,192 per integration, publish interval 1 s); the clock stops when a published checkpoint covers every entry. Latency: real approvals through ReviewService.decide at random moments, default settings, until a checkpoint covers the entry. Proofs: random leaves of a 1M-entry log; server = LogService.inclusionProof (tiles from the database through its tile cache), client = ledger inclusionProof over raw tiles held in memory. Audit: 1M registrations seeded into works/work_files/work_events with real approval leaves, integrated, then LogAuditService.run.',
    results,
    figures,
  };
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, 'no-pg': { type: 'boolean', default: false }, stages: { type: 'string' }, 'audit-entries': { type: 'string' } } });
  const pgSkip = values['no-pg'] ? 'skipped: --no-pg' : await pgUnreachable();
  const t0 = Date.now();
  const report = await logBench({ quick: values.quick, runs: 1, profile: false, pgSkip }, values.stages?.split(','), values['audit-entries'] ? Number(values['audit-entries']) : undefined);
  await mkdir(RESULTS_DIR, { recursive: true });
  const out = { date: new Date().toISOString(), seconds: Math.round((Date.now() - t0) / 1000), machine: machine(), quick: values.quick, pgSkip, ...report };
  await writeFile(path.join(RESULTS_DIR, 'log.json'), `${JSON.stringify(out, null, 2)}\n`);
  for (const f of report.figures) console.log(`${f.dialect.padEnd(8)} ${f.metric.padEnd(70)} ${String(f.value).padStart(10)} ${f.unit.padEnd(3)} ${f.goal ?? ''} ${f.met === undefined ? '' : f.met ? 'OK' : 'MISSED'}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
