import pino from 'pino';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { backfillSlice, staleImagePrints, type BackfillCursor } from '../services/fingerprint-backfill.js';
import { IMAGE_PRINT_VERSION } from '../services/similarity.service.js';

/**
 * `cws fingerprint --backfill`: the start-up job's pass in the foreground, with a progress line
 * every few seconds. Safe beside a running server (rows are recomputed idempotently; the server's
 * index picks them up); interrupted, it resumes at the next run.
 */
export async function backfillCommand(opts: { json: boolean }): Promise<void> {
  // Warnings (a file kept as it was, and why) go to stderr: stdout is the summary (JSON with --json).
  const p = await createPlatform(loadConfig(), { logger: pino({ level: 'warn' }, pino.destination(2)) });
  try {
    const total = await staleImagePrints(p.store);
    if (!opts.json) console.error(`${total} image fingerprint(s) older than version ${IMAGE_PRINT_VERSION} to recompute`);
    const sum = { updated: 0, missing: 0, failed: 0 };
    const started = Date.now();
    let cursor: BackfillCursor = { version: 1, after: '', done: 0, total };
    for (;;) {
      const r = await backfillSlice({ store: p.store, similarity: p.similarity, log: p.log }, cursor, { maxMs: 5000 });
      sum.updated += r.updated;
      sum.missing += r.missing;
      sum.failed += r.failed;
      if (!opts.json && r.total > 0) {
        const s = (Date.now() - started) / 1000;
        console.error(`  ${r.done}/${r.total} (${Math.min(100, Math.round((r.done / r.total) * 100))} %) in ${s.toFixed(0)} s: ${sum.updated} recomputed, ${sum.missing} without stored file, ${sum.failed} no longer decodable`);
      }
      if (!r.next) break;
      cursor = r.next;
    }
    const left = await staleImagePrints(p.store);
    if (opts.json) console.log(JSON.stringify({ version: IMAGE_PRINT_VERSION, stale: total, ...sum, left }));
    else console.log(`done: ${sum.updated} recomputed; ${left} left as they were (file missing or not decodable: their old hashes still match)`);
    if (sum.failed > 0 || sum.missing > 0) process.exitCode = 1;
  } finally {
    await p.close();
  }
}
