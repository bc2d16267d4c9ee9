import { hostname } from 'node:os';
import type { Logger } from 'pino';
import { newId } from '../domain/ids.js';
import type { Store } from '../repositories/store.js';
import { JOB_KINDS, type JobHandlers, type JobKind, type JobPayloads } from './kinds.js';

export interface RunnerOptions {
  concurrency: number;
  pollMs: number;
  leaseMs: number;
}

/** Exponential backoff with a ceiling: 2 s, 4 s, 8 s … 10 min. */
export const backoffMs = (attempt: number): number => Math.min(600_000, 1000 * 2 ** attempt);

/**
 * Durable jobs: rows in the jobs table, claimed with a lease. A worker that dies loses its
 * lease and the job runs again; a failing job is retried with backoff up to max_attempts.
 */
export class JobRunner {
  private readonly id = `${hostname()}:${process.pid}:${newId().slice(-6)}`;
  private stopped = true;
  private loops: Promise<void>[] = [];
  private sleeping = new Set<() => void>();

  constructor(
    private readonly store: Store,
    private readonly handlers: JobHandlers,
    private readonly log: Logger,
    private readonly opts: RunnerOptions = { concurrency: 2, pollMs: 500, leaseMs: 60_000 },
  ) {
    const missing = JOB_KINDS.filter((k) => typeof (handlers as Record<string, unknown>)[k] !== 'function');
    const extra = Object.keys(handlers).filter((k) => !(JOB_KINDS as readonly string[]).includes(k));
    if (missing.length || extra.length) throw new Error(`job handlers do not match job kinds: missing [${missing.join(', ')}], unknown [${extra.join(', ')}]`);
  }

  async enqueue<K extends JobKind>(kind: K, payload: JobPayloads[K], opts?: { runAt?: Date; maxAttempts?: number }): Promise<string> {
    const id = await this.store.repos.jobs.enqueue(kind, payload, opts);
    this.wake();
    return id;
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loops = Array.from({ length: this.opts.concurrency }, () => this.loop());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await Promise.allSettled(this.loops);
  }

  wake(): void {
    for (const w of this.sleeping) w();
    this.sleeping.clear();
  }

  /** Runs due jobs until none is left (tests and the CLI use it instead of the loops). */
  async drain(): Promise<number> {
    let n = 0;
    while (await this.runOne()) n++;
    return n;
  }

  private async loop(): Promise<void> {
    while (!this.stopped) {
      let ran = false;
      try {
        await this.store.repos.jobs.releaseExpired();
        ran = await this.runOne();
      } catch (e) {
        this.log.error({ err: e }, 'job loop failed');
      }
      if (!ran && !this.stopped) {
        await new Promise<void>((res) => {
          const t = setTimeout(res, this.opts.pollMs);
          this.sleeping.add(() => {
            clearTimeout(t);
            res();
          });
        });
      }
    }
  }

  private async runOne(): Promise<boolean> {
    const job = await this.store.repos.jobs.claim(this.id, this.opts.leaseMs);
    if (!job) return false;
    {
      const handler = this.handlers[job.kind as JobKind] as ((p: unknown, c: unknown) => Promise<void>) | undefined;
      try {
        if (!handler) throw new Error(`no handler for job kind ${job.kind}`);
        await handler(JSON.parse(job.payload), { jobId: job.id, attempt: job.attempts, heartbeat: () => this.store.repos.jobs.extendLease(job.id, this.id, this.opts.leaseMs) });
        await this.store.repos.jobs.complete(job.id);
      } catch (e) {
        const last = job.attempts >= job.max_attempts;
        this.log.warn({ err: e, job: job.id, kind: job.kind, attempt: job.attempts, final: last }, 'job failed');
        await this.store.repos.jobs.fail(job.id, (e as Error).stack ?? String(e), last ? null : new Date(Date.now() + backoffMs(job.attempts)));
      }
    }
    return true;
  }
}
