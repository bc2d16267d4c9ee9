/**
 * Evidence-package verification (docs/evidence-package.md), issue 4's "package verification
 * p50 ≤ 5 ms".
 *
 *   npx tsx bench/evidence.ts [--quick]    # → bench/results/evidence.json
 *   npm run bench -- --only evidence
 *
 * A real platform (SQLite, temporary data folder) registers demo works and publishes a signed
 * checkpoint; a package is exported for an approved registration. Then, in one process: the
 * offline check `cws verify` runs (parse, leaf recomputed from the disclosed record, inclusion
 * proof, Ed25519 checkpoint signature) and the same check as verifier.html runs it (WebCrypto),
 * each many times over the same package text. Wall clock per verification.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { serializeEvidencePackage } from '../src/documents/evidence.js';
import { verifyEvidence } from '../src/documents/evidence-verify.js';
import { verifyEvidenceWeb } from '../src/documents/evidence-verify-web.js';
import { DemoService } from '../src/services/demo.service.js';
import { machine, RESULTS_DIR } from './lib/env.js';
import { openPlatform } from './lib/platform.js';
import type { BenchOptions, BenchReport, Figure } from './lib/report.js';
import { round, summarize } from './lib/stats.js';

const GOAL_P50_MS = 5;

export async function evidence(opts: Pick<BenchOptions, 'quick'>): Promise<BenchReport> {
  const n = opts.quick ? 200 : 1000;
  const bp = await openPlatform('sqlite');
  let text: string;
  try {
    const { p } = bp;
    const demo = new DemoService(p.store, p.auth, p.registration, p.review);
    await demo.accounts();
    await demo.registrations(opts.quick ? 20 : 60);
    await bp.p.registryLog.integrator.flush();
    const w = await bp.p.database.db
      .selectFrom('works')
      .select('registration_number')
      .where('status', '=', 'approved')
      .where('registration_number', 'is not', null)
      .orderBy('registered_at')
      .executeTakeFirstOrThrow();
    text = serializeEvidencePackage(await bp.p.evidence.packageByNumber(w.registration_number!));
  } finally {
    await bp.close();
  }
  // Both verifiers must accept the package before they are timed: a fast refusal is no figure.
  verifyEvidence(text);
  const web = await verifyEvidenceWeb(text);
  if (!web.ok) throw new Error(`verifier.html's check refused the package: ${JSON.stringify(web)}`);

  const cli: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    verifyEvidence(text);
    cli.push(performance.now() - t);
  }
  const browser: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await verifyEvidenceWeb(text);
    browser.push(performance.now() - t);
  }
  const a = summarize(cli);
  const b = summarize(browser);
  const figures: Figure[] = [
    { bench: 'evidence', dialect: '-', metric: 'evidence package verification p50 (cws verify, offline)', value: round(a.p50, 3), unit: 'ms', goal: `≤ ${GOAL_P50_MS} ms`, met: a.p50 <= GOAL_P50_MS, note: `p95 ${round(a.p95, 3)} ms over ${a.n} checks of a ${text.length}-byte package` },
    { bench: 'evidence', dialect: '-', metric: 'evidence package verification p50 (verifier.html code, WebCrypto in Node)', value: round(b.p50, 3), unit: 'ms', goal: `≤ ${GOAL_P50_MS} ms`, met: b.p50 <= GOAL_P50_MS, note: `p95 ${round(b.p95, 3)} ms; load average ${machine().loadAverage.join(' ')}` },
  ];
  return {
    method: 'bench/evidence.ts (see the header comment): sequential verifications of one real package in one process, wall clock',
    results: { cli: a, web: b, packageBytes: text.length, loadAverage: machine().loadAverage },
    figures,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const report = await evidence({ quick: process.argv.includes('--quick') });
  await mkdir(RESULTS_DIR, { recursive: true });
  await writeFile(path.join(RESULTS_DIR, 'evidence.json'), JSON.stringify({ name: 'evidence', machine: machine(), date: new Date().toISOString(), ...report }, null, 2) + '\n');
  for (const f of report.figures) console.log(`${f.met === undefined ? ' ' : f.met ? '✓' : '✗'} ${f.metric}: ${f.value ?? 'n/a'} ${f.unit}${f.goal ? ` (goal ${f.goal})` : ''}${f.note ? `  — ${f.note}` : ''}`);
}
