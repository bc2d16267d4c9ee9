import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { copyFile, mkdir, readdir, stat, symlink } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { freePort, log, ROOT, sleep, tempDir } from './lib/env.js';
import { hugeBody, newBoundary } from './lib/multipart.js';
import { signInHttp } from './lib/platform.js';
import type { BenchOptions, BenchReport, Figure } from './lib/report.js';
import { median, round } from './lib/stats.js';

const GOAL_MB = 150;
const FILE_BYTES = 2 * 1024 ** 3;
const MB = 1024 * 1024;

/** VmRSS / VmHWM of a process in bytes (Linux /proc), or null once it is gone. */
function procMem(pid: number): { rss: number; hwm: number } | null {
  try {
    const s = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? Number.NaN) * 1024;
    return { rss: kb('VmRSS'), hwm: kb('VmHWM') };
  } catch {
    return null;
  }
}

/**
 * How the server runs: 'tsx' is `npx tsx src/cli/main.ts` (as `node --import tsx …`, which is
 * what npx tsx runs, minus the npx and tsx wrapper processes, so the pid we sample is the
 * server itself); 'compiled' is plain JavaScript like `npm start` (src/ transpiled by esbuild
 * into a temporary folder: dist/ may be stale and is not ours to rebuild).
 */
type Mode = { kind: 'tsx' } | { kind: 'compiled'; main: string };

function cli(mode: Mode, args: string[], env: Record<string, string>): ChildProcess {
  const argv = mode.kind === 'tsx' ? ['--import', 'tsx', path.join(ROOT, 'src/cli/main.ts')] : [mode.main];
  return spawn(process.execPath, [...argv, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function collect(child: ChildProcess): { out: () => string } {
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return { out: () => out };
}

const exited = (child: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', (code) => resolve(code))));

async function waitHealthy(base: string, child: ChildProcess, output: () => string): Promise<void> {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited with ${child.exitCode}: ${output().slice(-1000)}`);
    const ok = await fetch(`${base}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) return;
    await sleep(200);
  }
  throw new Error(`server not healthy after 90 s: ${output().slice(-1000)}`);
}

/** Streams one generated upload; never holds the file in memory. */
function upload(base: string, cookie: string, csrfToken: string, title: string): Promise<{ status: number; body: string; seconds: number }> {
  const boundary = newBoundary();
  const { contentLength, generate } = hugeBody(boundary, title, FILE_BYTES);
  const url = new URL(`${base}/api/works`);
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const req = http.request({
      method: 'POST', hostname: url.hostname, port: url.port, path: url.pathname,
      headers: { cookie, 'x-csrf-token': csrfToken, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(contentLength) },
    }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, seconds: Number(process.hrtime.bigint() - t0) / 1e9 }));
      res.on('error', reject);
    });
    req.on('error', reject);
    pipeline(Readable.from(generate()), req).catch(reject);
  });
}

async function listFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(p)));
    else out.push(p);
  }
  return out;
}

/**
 * src/ → plain ESM JavaScript under <dir>/dist (other files, e.g. JSON, copied as they are),
 * with package.json and node_modules beside it (packageRoot() looks for them).
 */
async function transpile(dir: string): Promise<string> {
  const { build } = await import('esbuild');
  const src = path.join(ROOT, 'src');
  const files = await listFiles(src);
  const isTs = (f: string) => f.endsWith('.ts') && !f.endsWith('.d.ts');
  await build({ entryPoints: files.filter(isTs), outdir: path.join(dir, 'dist'), outbase: src, format: 'esm', platform: 'node', target: 'node20.10', bundle: false, logLevel: 'error' });
  for (const f of files.filter((x) => !isTs(x) && !x.endsWith('.d.ts'))) {
    const dest = path.join(dir, 'dist', path.relative(src, f));
    await mkdir(path.dirname(dest), { recursive: true });
    await copyFile(f, dest);
  }
  await copyFile(path.join(ROOT, 'package.json'), path.join(dir, 'package.json'));
  await symlink(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'dir');
  return path.join(dir, 'dist', 'cli', 'main.js');
}

async function measure(mode: Mode, runs: number) {
  const tmp = await tempDir('upload');
  const env = { CWS_DATA_DIR: tmp.dir, LOG_LEVEL: 'warn', HOST: '127.0.0.1' };
  let server: ChildProcess | undefined;
  try {
    const demo = cli({ kind: 'tsx' }, ['demo', '--registrations', '0'], env);
    const demoOut = collect(demo);
    if ((await exited(demo)) !== 0) throw new Error(`cws demo failed: ${demoOut.out().slice(-1000)}`);
    const password = /demo-creator\s+(\S+)/.exec(demoOut.out())?.[1];
    if (!password || password === '(unchanged)') throw new Error(`no demo-creator password in: ${demoOut.out()}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    server = cli(mode, ['start'], { ...env, PORT: String(port), CWS_PUBLIC_URL: base });
    const serverOut = collect(server);
    await waitHealthy(base, server, serverOut.out);
    const pid = server.pid!;
    await sleep(1000);
    const idle = procMem(pid);
    const session = await signInHttp(base, 'demo-creator', password);

    const results = [];
    for (let i = 0; i < runs; i++) {
      let peak = 0;
      let benchPeak = 0;
      const samples: number[] = [];
      const sampler = setInterval(() => {
        const m = procMem(pid);
        if (m) {
          peak = Math.max(peak, m.rss);
          samples.push(m.rss);
        }
        benchPeak = Math.max(benchPeak, process.memoryUsage.rss());
      }, 50);
      let r;
      try {
        r = await upload(base, session.cookie, session.csrfToken, `2 GiB 上传测试 ${i + 1}`);
      } finally {
        clearInterval(sampler);
      }
      if (r.status !== 201) throw new Error(`upload ${i + 1}: HTTP ${r.status} ${r.body.slice(0, 500)}`);
      const work = JSON.parse(r.body) as { id: string; files: { size: number; sha256: string }[] };
      const f = work.files[0];
      if (!f || f.size !== FILE_BYTES) throw new Error(`upload ${i + 1}: work ${work.id} file size ${f?.size}, expected ${FILE_BYTES}`);
      const onDisk = (await stat(path.join(tmp.dir, 'blobs', f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256))).size;
      if (onDisk !== FILE_BYTES) throw new Error(`upload ${i + 1}: stored blob is ${onDisk} bytes`);
      const again = await fetch(`${base}/api/works/${work.id}`, { headers: { cookie: session.cookie } }).then((x) => x.json() as Promise<{ files: { size: number }[] }>);
      if (again.files[0]?.size !== FILE_BYTES) throw new Error(`upload ${i + 1}: GET /api/works/${work.id} reports size ${again.files[0]?.size}`);
      // Then 5 s more: what the server does right after (background jobs on the new work).
      let after = 0;
      const t = Date.now();
      while (Date.now() - t < 5000) {
        after = Math.max(after, procMem(pid)?.rss ?? 0);
        await sleep(50);
      }
      const res = { peakRssMB: round(peak / MB, 1), peakRssNext5sMB: round(after / MB, 1), samples: samples.length,
        // RSS at 10 %, 20 %, … 100 % of the upload: flat means memory does not grow with the bytes sent.
        rssTimelineMB: Array.from({ length: 10 }, (_, k) => round((samples[Math.min(samples.length - 1, Math.floor(((k + 1) * samples.length) / 10) - 1)] ?? 0) / MB, 0)),
        seconds: round(r.seconds, 1), throughputMBps: round(FILE_BYTES / MB / r.seconds, 1), benchProcessPeakRssMB: round(benchPeak / MB, 1), workId: work.id };
      log(`upload-memory ${mode.kind} run ${i + 1}/${runs}: server peak RSS ${res.peakRssMB} MB (${res.samples} samples; next 5 s ${res.peakRssNext5sMB} MB), ${res.seconds} s, ${res.throughputMBps} MB/s`);
      results.push(res);
    }
    const end = procMem(pid);
    return {
      idleRssMB: idle ? round(idle.rss / MB, 1) : null,
      peakRssMB: median(results.map((r) => r.peakRssMB)),
      vmHwmMB: end ? round(end.hwm / MB, 1) : null,
      throughputMBps: median(results.map((r) => r.throughputMBps)),
      runs: results,
    };
  } finally {
    if (server && server.exitCode === null) {
      server.kill('SIGTERM');
      const code = await Promise.race([exited(server), sleep(15_000).then(() => 'timeout' as const)]);
      if (code === 'timeout') server.kill('SIGKILL');
    }
    await tmp.remove();
  }
}

export async function uploadMemory(opts: BenchOptions): Promise<BenchReport> {
  const runs = opts.quick ? 1 : opts.runs;
  const errors: string[] = [];
  const results: Record<string, unknown> = { fileBytes: FILE_BYTES };
  const figures: Figure[] = [];
  const build = await tempDir('compiled');
  try {
    for (const kind of ['tsx', 'compiled'] as const) {
      try {
        const mode: Mode = kind === 'tsx' ? { kind } : { kind, main: await transpile(build.dir) };
        const r = await measure(mode, runs);
        results[kind] = r;
        const limit = Math.max(r.peakRssMB, r.vmHwmMB ?? 0);
        figures.push({
          bench: 'upload-memory', dialect: 'sqlite', metric: `server peak RSS, 2 GiB upload (${kind === 'tsx' ? 'npx tsx, as briefed' : 'compiled JS, like npm start'})`, value: r.peakRssMB,
          unit: `MB (VmHWM ${r.vmHwmMB} MB, idle ${r.idleRssMB} MB)`, goal: `≤ ${GOAL_MB} MB`, met: limit <= GOAL_MB,
        });
        if (kind === 'tsx') figures.push({ bench: 'upload-memory', dialect: 'sqlite', metric: '2 GiB upload throughput', value: r.throughputMBps, unit: 'MB/s' });
      } catch (e) {
        const msg = (e as Error).message;
        log(`upload-memory ${kind} FAILED: ${msg}`);
        errors.push(`${kind}: ${msg}`);
        results[kind] = { error: msg };
        figures.push({ bench: 'upload-memory', dialect: 'sqlite', metric: `server peak RSS, 2 GiB upload (${kind})`, value: null, unit: 'MB', note: `FAILED: ${msg.slice(0, 200)}` });
      }
    }
  } finally {
    await build.remove();
  }
  return {
    method:
      `cws start as a child process on SQLite in a temp data folder (workers on, as in production), account from \`cws demo --registrations 0\`; ` +
      `twice: (1) node --import tsx src/cli/main.ts start — what \`npx tsx\` runs, minus its wrapper processes — and (2) the same sources transpiled to plain JS by esbuild (like \`npm start\`; no TypeScript loader in the process). ` +
      `The bench signs in as demo-creator and streams a generated 2 GiB multipart upload (metadata, submit=true, one file huge.png: PNG signature + 256 KiB pseudo-random chunks made on the fly) to POST /api/works with a Content-Length. ` +
      `VmRSS of the server pid is read from /proc every 50 ms; VmHWM (the kernel's high-water mark over the whole process life) at the end. ` +
      `Checked: 201, the work's file size is 2 GiB in the answer, in GET /api/works/:id and on disk. ${runs} upload(s) per server; figure = median of the per-upload peaks; goal judged on max(peak, VmHWM).`,
    results,
    figures,
    ...(errors.length ? { errors } : {}),
  };
}
