import Fastify, { type FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { samplePng } from '../src/documents/samples.js';
import type { Platform } from '../src/platform.js';
import { buildServer } from '../src/routes/server.js';
import { log, within, type DialectName } from './lib/env.js';
import { runLoad, type LoadResult } from './lib/load.js';
import { openPlatform } from './lib/platform.js';
import { startProfile, type ProfileSummary } from './lib/profile.js';
import { DIALECTS, type BenchOptions, type BenchReport, type Figure } from './lib/report.js';
import { median, round } from './lib/stats.js';

const GOAL_RPS = 10_000;
const GOAL_RATIO = 0.5;
const CONNECTIONS = 16;
const NUMBERS = 50;

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  return `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
}

/** Registered works, each in a published checkpoint, so every answer carries its full evidence package. */
async function register(p: Platform, n: number): Promise<string[]> {
  const creator = await p.auth.createAccount('bench-creator', 'bench-password-1', '压测创作者', 'creator');
  const reviewer = await p.auth.createAccount('bench-reviewer', 'bench-password-1', '压测审核员', 'reviewer');
  const actor = (u: { id: string; role: string }) => ({ id: u.id, role: u.role }) as Parameters<Platform['review']['decide']>[0];
  const numbers: string[] = [];
  for (let i = 0; i < n; i++) {
    const file = await p.registration.stage(Readable.from([samplePng(7000 + i)]), `work-${i}.png`);
    const metadata = {
      title: `查证压测作品 ${i}`, category: 'fine_art', description: '', authors: [{ name: '压测作者' }], owners: [{ name: '压测作者', kind: 'person', share: 100 }],
      completedOn: '2026-01-01', publication: { status: 'unpublished' }, aiDisclosure: { used: false },
    };
    const w = await p.registration.create(actor(creator), metadata, [file], true);
    const approved = await p.review.decide(actor(reviewer), w.id, 'approve');
    numbers.push(approved.registrationNumber!);
  }
  await p.registryLog.integrator.flush();
  return numbers;
}

const ok = (r: LoadResult, what: string): number => {
  const good = r.statusCounts['200'] ?? 0;
  const other = Object.entries(r.statusCounts).filter(([k]) => k !== '200');
  if (other.length || r.errors || r.timeouts) throw new Error(`${what}: ${good} × 200 but also ${JSON.stringify(Object.fromEntries(other))}, ${r.errors} errors, ${r.timeouts} timeouts`);
  return good / r.seconds;
};

async function one(dialect: DialectName, opts: BenchOptions) {
  // The public limit (600/min per address by default) is switched off in this process only.
  const bp = await openPlatform(dialect, { CWS_PUBLIC_RATE_LIMIT: '0' });
  const hello = Fastify({ logger: false });
  hello.get('/', async () => ({ hello: 'world' }));
  const app = await buildServer(bp.p, { logger: false });
  // The same platform without the record cache: what the cache is worth, measured alongside.
  const uncached = await buildServer({ ...bp.p, config: { ...bp.p.config, verifyCacheMs: 0 } }, { logger: false });
  try {
    const numbers = await register(bp.p, opts.quick ? 10 : NUMBERS);
    const paths = numbers.map((n) => `/api/verify/${encodeURIComponent(n)}`);
    const [helloUrl, base, uncachedBase] = [await listen(hello), await listen(app), await listen(uncached)];
    const check = await fetch(base + paths[0]).then((r) => r.json() as Promise<{ registrationNumber: string; evidence: unknown }>);
    if (check.registrationNumber !== numbers[0] || !check.evidence) throw new Error(`verify answer without its evidence package: ${JSON.stringify(check).slice(0, 300)}`);
    const bytes = JSON.stringify(check).length;
    const seconds = opts.quick ? 2 : 5;
    const job = { kind: 'get' as const, connections: CONNECTIONS, duration: seconds };
    await runLoad({ ...job, url: base, paths, duration: 1 }); // warm-up (fills the cache, JIT)
    await runLoad({ ...job, url: helloUrl, duration: 1 });
    const runs = [];
    // Interleaved, so that the hello-world and the verify route see the same machine moment.
    for (let i = 0; i < opts.runs; i++) {
      const h = ok(await runLoad({ ...job, url: `${helloUrl}/` }), 'hello-world');
      const v = await runLoad({ ...job, url: base, paths });
      const rps = ok(v, `${dialect} verify`);
      const u = ok(await runLoad({ ...job, url: uncachedBase, paths }), `${dialect} verify (no cache)`);
      log(`verify ${dialect} run ${i + 1}/${opts.runs}: ${round(rps, 0)} req/s (p50 ${v.latencyMs.p50} ms, p99 ${v.latencyMs.p99} ms), hello-world ${round(h, 0)} req/s → ${round(rps / h, 2)}; without the cache ${round(u, 0)} req/s`);
      runs.push({ requestsPerSecond: round(rps, 1), helloWorld: round(h, 1), ratio: round(rps / h, 3), uncached: round(u, 1), latencyMs: v.latencyMs });
    }
    // Diagnostics after the measured runs: the profiler itself slows the server down.
    let profile: { verify: ProfileSummary; hello: ProfileSummary } | undefined;
    if (opts.profile) {
      let stop = await startProfile(`verify-${dialect}`);
      await runLoad({ ...job, url: base, paths });
      const verifyProfile = await stop();
      stop = await startProfile(`verify-hello-${dialect}`);
      await runLoad({ ...job, url: `${helloUrl}/` });
      profile = { verify: verifyProfile, hello: await stop() };
      log(`verify ${dialect} profile: ${JSON.stringify(profile.verify)}`);
      log(`hello-world profile (same moment): ${JSON.stringify(profile.hello)}`);
    }
    return {
      ...(profile ? { profile } : {}),
      requestsPerSecond: median(runs.map((r) => r.requestsPerSecond)),
      helloWorld: median(runs.map((r) => r.helloWorld)),
      ratio: median(runs.map((r) => r.ratio)),
      uncached: median(runs.map((r) => r.uncached)),
      numbers: numbers.length,
      answerBytes: bytes,
      runs,
    };
  } finally {
    await within(`${dialect}: servers close`, Promise.all([app.close(), uncached.close(), hello.close()]));
    await bp.close();
  }
}

export async function verify(opts: BenchOptions): Promise<BenchReport> {
  const results: Record<string, unknown> = {};
  const figures: Figure[] = [];
  const errors: string[] = [];
  for (const dialect of DIALECTS) {
    const metric = 'verify-by-number req/s (GET /api/verify/:number)';
    if (dialect === 'postgres' && opts.pgSkip) {
      results[dialect] = { skipped: opts.pgSkip };
      figures.push({ bench: 'verify', dialect, metric, value: null, unit: 'req/s', note: opts.pgSkip });
      continue;
    }
    try {
      const r = await one(dialect, opts);
      results[dialect] = r;
      figures.push({ bench: 'verify', dialect, metric, value: round(r.requestsPerSecond, 0), unit: 'req/s', goal: `≥ ${GOAL_RPS}/s`, met: r.requestsPerSecond >= GOAL_RPS });
      figures.push({ bench: 'verify', dialect, metric: 'verify-by-number ÷ hello-world (same run)', value: round(r.ratio, 2), unit: `(hello ${round(r.helloWorld, 0)} req/s)`, goal: `≥ ${GOAL_RATIO}`, met: r.ratio >= GOAL_RATIO });
      figures.push({ bench: 'verify', dialect, metric: 'verify-by-number without the record cache', value: round(r.uncached, 0), unit: 'req/s' });
    } catch (e) {
      const msg = (e as Error).message;
      log(`verify ${dialect} FAILED: ${msg}`);
      errors.push(`${dialect}: ${msg}`);
      results[dialect] = { error: msg };
      figures.push({ bench: 'verify', dialect, metric, value: null, unit: 'req/s', note: `FAILED: ${msg.slice(0, 200)}` });
    }
  }
  return {
    method:
      `Real HTTP: buildServer() on 127.0.0.1:0 in the bench process with CWS_PUBLIC_RATE_LIMIT=0 (the public limit off, in this process only); ` +
      `${NUMBERS} works registered through the services (create + submit + approve) and integrated into a published checkpoint, so each answer carries its evidence package. ` +
      `autocannon (separate Node process), ${CONNECTIONS} keep-alive connections, GET /api/verify/<number> cycling over the numbers, fixed seconds per run after a 1 s warm-up. ` +
      `Each run also measures a bare Fastify hello-world in the same process and the same route on a second server of the same platform with the record cache off (CWS_VERIFY_CACHE_MS=0), one after the other; ` +
      `figures are medians of ${opts.runs} runs, the ratio is per run. Any answer but 200 fails the bench.`,
    results,
    figures,
    ...(errors.length ? { errors } : {}),
  };
}
