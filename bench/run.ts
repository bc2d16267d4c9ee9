/**
 * Benchmarks of the Copyright Workstation (docs/benchmarks.md).
 *
 *   npm run bench                                   # everything, 3 runs each
 *   npm run bench -- --only submissions,queue,upload --quick
 *   npm run bench -- --only submissions --profile   # + CPU profile of the server
 *
 * Writes bench/results/<name>.json and bench/results/summary.json, prints a table.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { baseline } from './baseline.js';
import { certificate } from './certificate.js';
import { log, machine, pgUnreachable, RESULTS_DIR } from './lib/env.js';
import type { BenchOptions, BenchReport, Figure } from './lib/report.js';
import { queue } from './queue.js';
import { submissions } from './submissions.js';
import { uploadMemory } from './upload-memory.js';
import { verify } from './verify.js';
import { evidence } from './evidence.js';

const BENCHES: Record<string, (o: BenchOptions) => Promise<BenchReport>> = {
  baseline,
  submissions,
  queue,
  'upload-memory': uploadMemory,
  certificate,
  verify,
  evidence,
};
const ALIASES: Record<string, string> = { upload: 'upload-memory', memory: 'upload-memory', hello: 'baseline' };

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    runs: { type: 'string' },
    profile: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (values.help) {
  console.log(`usage: npm run bench -- [--only ${Object.keys(BENCHES).join(',')}] [--quick] [--runs N] [--profile]`);
  process.exit(0);
}

const wanted = values.only
  ? values.only.split(',').map((s) => s.trim()).filter(Boolean).map((s) => ALIASES[s] ?? s)
  : Object.keys(BENCHES);
const unknown = wanted.filter((w) => !(w in BENCHES));
if (unknown.length) {
  console.error(`unknown bench: ${unknown.join(', ')} (known: ${Object.keys(BENCHES).join(', ')}, upload)`);
  process.exit(2);
}
// The baseline is the machine's speed for this run: always measured alongside.
if (!wanted.includes('baseline')) wanted.unshift('baseline');

const runs = values.runs ? Number(values.runs) : 3;
if (!Number.isInteger(runs) || runs < 1) {
  console.error('--runs must be a positive integer');
  process.exit(2);
}

function table(figures: Figure[]): string {
  const rows = [['bench', 'db', 'figure', 'value', 'goal', ''], ...figures.map((f) => [
    f.bench, f.dialect, f.metric, f.value === null ? '—' : `${f.value} ${f.unit}`, f.goal ?? '', f.met === undefined ? (f.note ? f.note.slice(0, 60) : '') : f.met ? 'OK' : 'MISSED',
  ])];
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const line = (r: string[]) => r.map((cell, c) => cell + ' '.repeat(widths[c]! - [...cell].length)).join('  ').trimEnd();
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  ').trimEnd(), ...rows.slice(1).map(line)].join('\n');
}

async function main(): Promise<void> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const date = new Date().toISOString();
  const pgSkip = await pgUnreachable();
  if (pgSkip) log(`PostgreSQL skipped: ${pgSkip}`);
  const opts: BenchOptions = { quick: values.quick, runs, profile: values.profile, pgSkip };
  const host = machine();
  const reports: Record<string, BenchReport & { date: string; seconds: number }> = {};
  for (const name of wanted) {
    log(`=== ${name}${opts.quick ? ' (quick)' : ''} ===`);
    const t0 = Date.now();
    let report: BenchReport;
    try {
      report = await BENCHES[name]!(opts);
    } catch (e) {
      const msg = (e as Error).stack ?? String(e);
      log(`${name} crashed: ${msg}`);
      report = { method: '', results: null, figures: [{ bench: name, dialect: '-', metric: 'crashed', value: null, unit: '', note: msg.slice(0, 200) }], errors: [msg] };
    }
    const full = { ...report, date, seconds: Math.round((Date.now() - t0) / 100) / 10 };
    reports[name] = full;
    await writeFile(path.join(RESULTS_DIR, `${name}.json`), JSON.stringify({ name, quick: opts.quick, runs: opts.runs, machine: host, ...full }, null, 2) + '\n');
  }

  // summary.json keeps the latest figures of every bench (each with its own date), so a
  // partial run (--only) updates its part only.
  const summaryFile = path.join(RESULTS_DIR, 'summary.json');
  const previous = await readFile(summaryFile, 'utf8').then((s) => JSON.parse(s) as { benches?: Record<string, unknown> }, () => ({ benches: {} }));
  const benches: Record<string, unknown> = { ...(previous.benches ?? {}) };
  for (const [name, r] of Object.entries(reports)) benches[name] = { date: r.date, quick: opts.quick, runs: opts.runs, machine: host, figures: r.figures, ...(r.errors ? { errors: r.errors } : {}) };
  await writeFile(summaryFile, JSON.stringify({ updated: date, benches }, null, 2) + '\n');

  const figures = Object.values(reports).flatMap((r) => r.figures);
  console.log(`\nCopyright Workstation benchmarks — ${date}${opts.quick ? ' (QUICK: smaller sizes, not the reference figures)' : ''}`);
  const src = host.source ? `; sources: commit ${host.source.commit}${host.source.srcChangedFiles ? ` + ${host.source.srcChangedFiles} changed file(s) under src/` : ''}` : '';
  console.log(`machine: ${host.cpus} × ${host.cpuModel}, ${host.memoryMB} MB, Node ${host.node}, load ${host.loadAverage.join(' ')}; medians of ${opts.runs} runs${src}\n`);
  console.log(table(figures));
  const failed = Object.entries(reports).filter(([, r]) => r.errors?.length);
  console.log(`\nresults: ${path.relative(process.cwd(), RESULTS_DIR)}/{${Object.keys(reports).join(',')},summary}.json`);
  if (failed.length) {
    for (const [name, r] of failed) console.error(`FAILED ${name}: ${r.errors!.join('\n  ')}`);
    process.exitCode = 1;
  }
}

let finished = false;
process.on('beforeExit', () => {
  if (finished) return;
  finished = true;
  console.error('bench: the run stopped with work still pending (a promise that never settles, e.g. a server that does not close)');
  process.exitCode = 1;
});

main().then(() => {
  finished = true;
}, (e: unknown) => {
  finished = true;
  console.error(e);
  process.exit(1);
});
