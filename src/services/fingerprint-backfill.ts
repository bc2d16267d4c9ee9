import type { Logger } from 'pino';
import type { JobPayloads } from '../jobs/kinds.js';
import type { Store } from '../repositories/store.js';
import { IMAGE_PRINT_VERSION, type SimilarityService } from './similarity.service.js';

/**
 * Backfill of image fingerprints made by an older algorithm (IMAGE_PRINT_VERSION): recomputed
 * from the stored blobs, version by version in SHA-256 order, a batch at a time. All state is in
 * the rows (a recomputed row carries the new version and drops out of the work list) plus a
 * cursor, so a pass that is killed resumes where it stopped, and running it twice changes
 * nothing. A row whose blob is gone or no longer decodes is left as it was (its old hashes keep
 * matching) and tried again by the next pass.
 */

export type BackfillCursor = JobPayloads['fingerprints.backfill'];

export interface BackfillDeps {
  store: Store;
  similarity: Pick<SimilarityService, 'recompute' | 'rebuildIndex'>;
  log: Logger;
}

export interface BackfillSlice {
  /** Where the next slice starts; null once the pass has gone through every stale row. */
  next: Required<BackfillCursor> | null;
  /** Rows looked at in this pass so far, and the stale rows there were when it started. */
  done: number;
  total: number;
  /** This slice's outcomes. */
  updated: number;
  missing: number;
  failed: number;
}

/** Rows read per query. */
export const BACKFILL_BATCH = 50;
/** Work done by one job before it queues the next slice: a long pass takes turns with the reviewers' reports. */
export const BACKFILL_SLICE_MS = 30_000;

/** Image fingerprints of an older version that decoded: what a pass would recompute. */
export function staleImagePrints(store: Store): Promise<number> {
  return store.repos.fingerprints.countStale('image', IMAGE_PRINT_VERSION);
}

/**
 * At start (processes that run the workers): queues a pass when any image fingerprint predates
 * the current version and no backfill job is queued or running. Returns the stale count.
 */
export async function scheduleFingerprintBackfill(store: Store, enqueue: (cursor: BackfillCursor) => Promise<unknown>, log: Logger): Promise<number> {
  const stale = await staleImagePrints(store);
  if (stale === 0) return 0;
  if ((await store.repos.jobs.pendingOfKind('fingerprints.backfill')) > 0) {
    log.info({ stale, version: IMAGE_PRINT_VERSION }, 'fingerprint backfill already queued');
    return stale;
  }
  await enqueue({ version: 1, after: '', done: 0, total: stale });
  log.info({ stale, version: IMAGE_PRINT_VERSION }, 'image fingerprints of an older version: backfill queued');
  return stale;
}

/** Recomputes stale rows from `cursor` on until none is left or `maxMs` has passed (checked between batches). */
export async function backfillSlice(deps: BackfillDeps, cursor: BackfillCursor, opts: { maxMs?: number; batch?: number; heartbeat?: () => Promise<void> } = {}): Promise<BackfillSlice> {
  const { heartbeat } = opts;
  // One large image can take longer than the job lease to decode: keep the lease alive meanwhile.
  const beat = heartbeat ? setInterval(() => void heartbeat().catch(() => undefined), 15_000) : undefined;
  try {
    return await walk(deps, cursor, opts);
  } finally {
    clearInterval(beat);
  }
}

async function walk({ store, similarity, log }: BackfillDeps, cursor: BackfillCursor, opts: { maxMs?: number; batch?: number; heartbeat?: () => Promise<void> }): Promise<BackfillSlice> {
  const started = Date.now();
  const maxMs = opts.maxMs ?? Infinity;
  let version = cursor.version ?? 1;
  let after = cursor.after ?? '';
  let done = cursor.done ?? 0;
  const total = cursor.total ?? (await staleImagePrints(store));
  const counts = { updated: 0, missing: 0, failed: 0 };
  for (;;) {
    const rows = await store.repos.fingerprints.ofVersion('image', version, after, opts.batch ?? BACKFILL_BATCH);
    if (rows.length === 0) {
      if (++version >= IMAGE_PRINT_VERSION) return { next: null, done, total, ...counts };
      after = '';
      continue;
    }
    for (const r of rows) {
      const { outcome, reason } = await similarity.recompute(r.sha256, 'image');
      counts[outcome]++;
      if (outcome !== 'updated') log.warn({ sha256: r.sha256, outcome, reason }, 'fingerprint backfill: row kept as it was');
      done++;
      after = r.sha256;
    }
    await opts.heartbeat?.();
    const elapsed = (Date.now() - started) / 1000;
    const perS = (counts.updated + counts.missing + counts.failed) / Math.max(elapsed, 0.001);
    log.info({ done, total, percent: Math.min(100, Math.round((done / Math.max(total, 1)) * 100)), ...counts, perS: Math.round(perS * 10) / 10, etaS: Math.round(Math.max(0, total - done) / Math.max(perS, 0.001)) }, 'fingerprint backfill progress');
    if (Date.now() - started >= maxMs) return { next: { version, after, done, total }, done, total, ...counts };
  }
}

/**
 * The `fingerprints.backfill` job: one slice, then the next slice is queued. When the pass is
 * complete the in-memory index is rebuilt, so the superseded hashes leave this process's memory
 * (other processes report each file once meanwhile and drop them at their next start).
 */
export async function fingerprintBackfillJob(deps: BackfillDeps, cursor: BackfillCursor, ctx: { heartbeat: () => Promise<void> }, enqueueNext: (cursor: BackfillCursor) => Promise<unknown>): Promise<void> {
  const r = await backfillSlice(deps, cursor, { maxMs: BACKFILL_SLICE_MS, heartbeat: ctx.heartbeat });
  if (r.next) {
    await enqueueNext(r.next);
    return;
  }
  const left = await staleImagePrints(deps.store);
  deps.log.info({ done: r.done, total: r.total, left, version: IMAGE_PRINT_VERSION }, left ? 'fingerprint backfill pass complete; rows left as they were are tried again at the next start' : 'fingerprint backfill complete');
  if (r.done > 0) await deps.similarity.rebuildIndex();
}
