import Fastify from 'fastify';
import type { BenchOptions, BenchReport } from './lib/report.js';
import { log } from './lib/env.js';
import { runLoad } from './lib/load.js';
import { median, round } from './lib/stats.js';

/** Context figure: a bare Fastify "hello world" on this machine, same load generator and concurrency. */
export async function baseline(opts: BenchOptions): Promise<BenchReport> {
  const app = Fastify({ logger: false });
  app.get('/', async () => ({ hello: 'world' }));
  await app.listen({ port: 0, host: '127.0.0.1' });
  const addr = app.server.address();
  const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
  const connections = 16;
  const seconds = opts.quick ? 2 : 5;
  try {
    await runLoad({ kind: 'get', url, connections, duration: 1 }); // warm-up
    const runs = [];
    for (let i = 0; i < opts.runs; i++) {
      const r = await runLoad({ kind: 'get', url, connections, duration: seconds });
      const rps = (r.statusCounts['200'] ?? 0) / r.seconds;
      log(`baseline run ${i + 1}/${opts.runs}: ${round(rps, 0)} req/s, p50 ${r.latencyMs.p50} ms`);
      runs.push({ requestsPerSecond: round(rps, 1), ok: r.statusCounts['200'] ?? 0, seconds: round(r.seconds, 2), latencyMs: r.latencyMs, errors: r.errors });
    }
    const rps = median(runs.map((r) => r.requestsPerSecond));
    return {
      method: `Fastify 5 hello-world (GET / → JSON) in the bench process on 127.0.0.1; autocannon in a separate Node process, ${connections} connections, ${seconds} s per run after a 1 s warm-up; median of ${opts.runs} runs.`,
      results: { requestsPerSecond: round(rps, 0), p50LatencyMs: median(runs.map((r) => r.latencyMs.p50)), runs },
      figures: [{ bench: 'baseline', dialect: '-', metric: 'hello-world req/s (context)', value: round(rps, 0), unit: 'req/s' }],
    };
  } finally {
    await app.close();
  }
}
