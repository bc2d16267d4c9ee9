import type { Platform } from '../src/platform.js';
import { buildServer } from '../src/routes/server.js';
import { log, within, type DialectName } from './lib/env.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { openPlatform, signInHttp } from './lib/platform.js';
import { startProfile, type ProfileSummary } from './lib/profile.js';
import { DIALECTS, type BenchOptions, type BenchReport, type Figure } from './lib/report.js';
import { median, msSince, round, summarize, type Summary } from './lib/stats.js';

const GOAL = 500; // submissions per second on SQLite
const FILE_BYTES = 100 * 1024;
const CONNECTIONS = 16;

function check(r: LoadResult, what: string): number {
  const created = r.statusCounts['201'] ?? 0;
  const other = Object.entries(r.statusCounts).filter(([k]) => k !== '201');
  if (other.length || r.errors || r.timeouts) {
    const first = r.firstUnexpected ? ` first: HTTP ${r.firstUnexpected.status} ${r.firstUnexpected.body}` : '';
    throw new Error(`${what}: ${created} × 201 but also ${JSON.stringify(Object.fromEntries(other))}, ${r.errors} errors, ${r.timeouts} timeouts.${first}`);
  }
  return created;
}

/**
 * --profile: wraps a few platform methods (on these instances only, nothing in src/ changes)
 * to time the phases of a submission: stream + stage (multipart parse, write, fsync of the
 * temporary file), blob commit (rename + directory fsync), the database transaction, and
 * reading the work back for the answer.
 */
function instrument(p: Platform): { phases: Record<string, number[]>; summary(): Record<string, Summary> } {
  const phases: Record<string, number[]> = { stage: [], blobCommit: [], transaction: [], readBack: [] };
  const wrap = <T extends object, K extends keyof T>(obj: T, key: K, phase: string) => {
    const orig = (obj[key] as (...a: unknown[]) => Promise<unknown>).bind(obj);
    (obj as Record<K, unknown>)[key] = async (...args: unknown[]) => {
      const t = process.hrtime.bigint();
      try {
        return await orig(...args);
      } finally {
        phases[phase]!.push(msSince(t));
      }
    };
  };
  wrap(p.registration, 'stage', 'stage');
  wrap(p.blobs, 'commit', 'blobCommit');
  wrap(p.store, 'tx', 'transaction');
  wrap(p.registration, 'get', 'readBack');
  return {
    phases,
    summary: () => Object.fromEntries(Object.entries(phases).map(([k, v]) => [k, summarize(v)])),
  };
}

async function one(dialect: DialectName, opts: BenchOptions) {
  const bp = await openPlatform(dialect);
  const app = await buildServer(bp.p, { logger: false });
  try {
    const password = 'bench-password-1';
    await bp.p.auth.createAccount('bench-creator', password, '压测创作者', 'creator');
    await app.listen({ port: 0, host: '127.0.0.1' });
    const addr = app.server.address();
    const base = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
    const session = await signInHttp(base, 'bench-creator', password);
    const job = { kind: 'submissions' as const, url: base, connections: CONNECTIONS, cookie: session.cookie, csrfToken: session.csrfToken, fileBytes: FILE_BYTES };
    const amount = opts.quick ? 300 : 2000;
    const warm = opts.quick ? 50 : 200;
    let sent = check(await runLoad({ ...job, amount: warm, label: 'warm-up' }), `${dialect} warm-up`);
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const commits0 = { ...(bp.p.store.commitStats ?? { batches: 0, units: 0, largest: 0 }) };
      const cpu0 = process.cpuUsage();
      const r = await runLoad({ ...job, amount, label: `run${i + 1}` });
      const cpu = process.cpuUsage(cpu0);
      const commits = bp.p.store.commitStats;
      if (commits) log(`submissions ${dialect} run ${i + 1}: ${commits.units - commits0.units} transactions in ${commits.batches - commits0.batches} commits (group commit, largest batch so far ${commits.largest})`);
      const created = check(r, `${dialect} run ${i + 1}`);
      sent += created;
      const perSecond = created / r.seconds;
      // CPU per submission, less sensitive to other jobs on the machine than the rate: the
      // server process (every thread of it) and the load generator, which share the 2 cores.
      const serverCpuMs = round((cpu.user + cpu.system) / 1000 / created, 2);
      const serverSysMs = round(cpu.system / 1000 / created, 2);
      const clientCpuMs = round(r.clientCpuMs / created, 2);
      log(`submissions ${dialect} run ${i + 1}/${opts.runs}: ${round(perSecond, 1)}/s (${created} × 201 in ${round(r.seconds, 2)} s), p50 ${r.latencyMs.p50} ms, p99 ${r.latencyMs.p99} ms; CPU per submission: server ${serverCpuMs} ms (kernel ${serverSysMs} ms), load generator ${clientCpuMs} ms`);
      runs.push({ perSecond: round(perSecond, 1), created, seconds: round(r.seconds, 2), latencyMs: r.latencyMs, serverCpuMs, clientCpuMs });
    }
    let profile: ProfileSummary | undefined;
    let phases: Record<string, unknown> | undefined;
    if (opts.profile) {
      // Diagnostics run after the measured ones: the profiler itself slows the server down.
      const stop = await startProfile(`submissions-${dialect}`);
      sent += check(await runLoad({ ...job, amount, label: 'profiled' }), `${dialect} profiled run`);
      profile = await stop();
      // Phase timings, once one at a time (pure cost) and once at full concurrency (with queueing).
      const timer = instrument(bp.p);
      const seq = opts.quick ? 50 : 200;
      const r1 = await runLoad({ ...job, connections: 1, amount: seq, label: 'phases-seq' });
      sent += check(r1, `${dialect} phases (1 connection)`);
      const sequential = { perSecond: round((r1.statusCounts['201'] ?? 0) / r1.seconds, 1), latencyMs: r1.latencyMs, phasesMs: timer.summary() };
      for (const v of Object.values(timer.phases)) v.length = 0;
      const r2 = await runLoad({ ...job, amount, label: 'phases-conc' });
      sent += check(r2, `${dialect} phases (${CONNECTIONS} connections)`);
      const concurrent = { perSecond: round((r2.statusCounts['201'] ?? 0) / r2.seconds, 1), latencyMs: r2.latencyMs, phasesMs: timer.summary() };
      phases = { sequential, concurrent };
      log(`submissions ${dialect} phases p50 (1 conn): ${Object.entries(sequential.phasesMs).map(([k, v]) => `${k} ${v.p50} ms`).join(', ')}; latency p50 ${r1.latencyMs.p50} ms`);
      log(`submissions ${dialect} phases p50 (${CONNECTIONS} conns): ${Object.entries(concurrent.phasesMs).map(([k, v]) => `${k} ${v.p50} ms`).join(', ')}; latency p50 ${r2.latencyMs.p50} ms`);
    }
    // Every 201 must be a stored, submitted work with its file.
    const stored = await bp.p.database.db.selectFrom('works').select((eb) => eb.fn.countAll<number>().as('n')).where('status', '=', 'submitted').executeTakeFirstOrThrow();
    if (Number(stored.n) !== sent) throw new Error(`${dialect}: ${sent} × 201 but ${stored.n} submitted works in the database`);
    return {
      perSecond: median(runs.map((r) => r.perSecond)),
      p50LatencyMs: median(runs.map((r) => r.latencyMs.p50)),
      serverCpuMsPerSubmission: median(runs.map((r) => r.serverCpuMs)),
      clientCpuMsPerSubmission: median(runs.map((r) => r.clientCpuMs)),
      p99LatencyMs: median(runs.map((r) => r.latencyMs.p99)),
      requestsPerRun: amount,
      warmUpRequests: warm,
      storedSubmittedWorks: Number(stored.n),
      runs,
      ...(profile ? { profile } : {}),
      ...(phases ? { phases } : {}),
    };
  } finally {
    await within(`${dialect}: server close`, app.close());
    await bp.close();
  }
}

export async function submissions(opts: BenchOptions): Promise<BenchReport> {
  const results: Record<string, unknown> = {};
  const figures: Figure[] = [];
  const errors: string[] = [];
  for (const dialect of DIALECTS) {
    const goal = dialect === 'sqlite' ? `≥ ${GOAL}/s` : undefined;
    if (dialect === 'postgres' && opts.pgSkip) {
      results[dialect] = { skipped: opts.pgSkip };
      figures.push({ bench: 'submissions', dialect, metric: 'submissions/s (100 KB file)', value: null, unit: '/s', note: opts.pgSkip });
      continue;
    }
    try {
      const r = await one(dialect, opts);
      results[dialect] = r;
      figures.push({ bench: 'submissions', dialect, metric: 'submissions/s (100 KB file)', value: round(r.perSecond, 1), unit: '/s', ...(goal ? { goal, met: r.perSecond >= GOAL } : {}) });
      figures.push({ bench: 'submissions', dialect, metric: 'submission latency p50 / p99', value: r.p50LatencyMs, unit: `ms (p99 ${r.p99LatencyMs} ms)` });
    } catch (e) {
      const msg = (e as Error).message;
      log(`submissions ${dialect} FAILED: ${msg}`);
      errors.push(`${dialect}: ${msg}`);
      results[dialect] = { error: msg };
      figures.push({ bench: 'submissions', dialect, metric: 'submissions/s (100 KB file)', value: null, unit: '/s', note: `FAILED: ${msg.slice(0, 200)}` });
    }
  }
  return {
    method:
      `Real HTTP: buildServer() listening on 127.0.0.1:0 in the bench process (fresh temp data folder; PostgreSQL: fresh schema). ` +
      `One creator signed in via POST /api/auth/login. autocannon (separate Node process) sends POST /api/works multipart ` +
      `(metadata JSON, submit=true, one distinct ${FILE_BYTES / 1024} KB PNG-signature file x.png per request) over ${CONNECTIONS} keep-alive connections, ` +
      `a fixed number of requests per run after a warm-up. Rate = 201 answers / wall time of the run; any other answer fails the bench. ` +
      `Median of ${opts.runs} runs; latency p50/p99 from autocannon (1 ms resolution), median over runs. Afterwards the number of submitted works in the database is checked against the 201 count.`,
    results,
    figures,
    ...(errors.length ? { errors } : {}),
  };
}
