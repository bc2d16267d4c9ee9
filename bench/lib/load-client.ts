/**
 * The load generator, run as a child process (see load.ts) so that it does not share an
 * event loop with the server under test. It receives one job over IPC, runs autocannon
 * and sends back a compact result.
 */
import autocannon, { type RequestSpec } from 'autocannon';
import { newBoundary, SmallFiles, submissionBody } from './multipart.js';

export interface LoadJob {
  kind: 'get' | 'submissions';
  url: string;
  connections: number;
  /** Fixed number of requests (takes precedence) … */
  amount?: number;
  /** … or a fixed number of seconds. */
  duration?: number;
  /** submissions: session cookie, CSRF token and file size. */
  cookie?: string;
  csrfToken?: string;
  fileBytes?: number;
  label?: string;
  /** get: paths requested in turn (default: the path of url). */
  paths?: string[];
}

export interface LoadResult {
  requests: number;
  seconds: number;
  statusCounts: Record<string, number>;
  errors: number;
  timeouts: number;
  latencyMs: { mean: number; p50: number; p90: number; p99: number; max: number };
  /** CPU time (user + system) of the load generator during the run: it shares the cores with the server. */
  clientCpuMs: number;
  firstUnexpected?: { status: number; body: string };
}

const cpuMs = (u: NodeJS.CpuUsage): number => (u.user + u.system) / 1000;

function run(job: LoadJob): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    let firstUnexpected: LoadResult['firstUnexpected'];
    let requests: RequestSpec[] | undefined;
    if (job.kind === 'submissions') {
      const boundary = newBoundary();
      const files = new SmallFiles(job.fileBytes ?? 100 * 1024);
      let n = 0;
      const label = job.label ?? 'bench';
      requests = [
        {
          method: 'POST',
          path: '/api/works',
          headers: { cookie: job.cookie!, 'x-csrf-token': job.csrfToken!, 'content-type': `multipart/form-data; boundary=${boundary}` },
          setupRequest: (req) => ({ ...req, body: submissionBody(boundary, files, `压测作品 ${label} ${++n}`) }),
          onResponse: (status, body) => {
            if (status !== 201 && !firstUnexpected) firstUnexpected = { status, body: body.slice(0, 500) };
          },
        },
      ];
    }
    if (job.kind === 'get' && job.paths?.length) {
      const paths = job.paths;
      let k = 0;
      requests = [{ method: 'GET', setupRequest: (req) => ({ ...req, path: paths[k++ % paths.length]! }) }];
    }
    const t0 = process.hrtime.bigint();
    const cpu0 = process.cpuUsage();
    // autocannon ends an `amount` run on its next 1 s tick, so its own duration is rounded up
    // to whole seconds: the rate is computed from the last response instead.
    let last = t0;
    const instance = autocannon(
      {
        url: job.url,
        connections: job.connections,
        timeout: 60,
        ...(job.amount ? { amount: job.amount } : { duration: job.duration ?? 5 }),
        ...(requests ? { requests } : {}),
      },
      (err, r) => {
        if (err) return reject(err);
        const seconds = Number(last - t0) / 1e9;
        const statusCounts: Record<string, number> = {};
        for (const [k, v] of Object.entries(r.statusCodeStats ?? {})) statusCounts[k] = Number(v.count);
        resolve({
          requests: Object.values(statusCounts).reduce((a, b) => a + b, 0),
          seconds,
          statusCounts,
          errors: r.errors,
          timeouts: r.timeouts,
          latencyMs: { mean: r.latency.mean, p50: r.latency.p50, p90: r.latency.p90, p99: r.latency.p99, max: r.latency.max },
          clientCpuMs: cpuMs(process.cpuUsage(cpu0)),
          ...(firstUnexpected ? { firstUnexpected } : {}),
        });
      },
    );
    instance.on('response', () => {
      last = process.hrtime.bigint();
    });
  });
}

if (process.send) {
  process.once('message', (job: LoadJob) => {
    run(job).then(
      (result) => process.send!({ ok: true, result }, () => process.exit(0)),
      (e: unknown) => process.send!({ ok: false, error: (e as Error).stack ?? String(e) }, () => process.exit(1)),
    );
  });
}
