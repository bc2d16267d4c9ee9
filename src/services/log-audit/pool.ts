/**
 * Worker threads that check index ranges of the registry log for the audit, each over its
 * own database connection. Results come back in index order, because the tree is rebuilt
 * from the leaf hashes sequentially; checking the rows behind each leaf is what runs in
 * parallel.
 */
import type { Worker } from 'node:worker_threads';
import type { Finding } from '../../log/approval-leaf.js';
import { startModuleWorker } from '../../worker-thread.js';
import type { AuditConnection } from './connection.js';

/** One checked range, as a worker sends it back. */
export interface RangeResult {
  start: number;
  end: number;
  entries: number;
  /** The leaf hash at each index, 32 bytes each (see LogAuditService.checkChunk). */
  hashes: Uint8Array;
  divergent: boolean;
  /** Indices whose entry and level-0 tile disagree; settled by the caller. */
  disputed: number[];
  problems: Finding[];
  problemCount: number;
  erased: number;
}

export type RangeRequest = { start: number; end: number; treeSize: number };
type Reply = { ok: true; result: RangeResult } | { ok: false; error: string };

export class AuditPool {
  private readonly workers: Worker[] = [];
  private failure: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(threads: number, connection: AuditConnection) {
    for (let i = 0; i < threads; i++) {
      // A large young generation: each row read is a few short-lived objects and Buffers, and
      // with V8's default about a third of a worker's time went to collecting them (1M entries, 2 threads:
      // CPU 85 → 72 s at 192 MB; 384 MB gave 70 s for 110 MB more resident).
      const w = startModuleWorker(import.meta.url, 'range-worker', connection, { resourceLimits: { maxYoungGenerationSizeMb: 192 } });
      // A thread that fails to start or crashes fails the audit instead of hanging it.
      w.on('error', (e) => this.fail(e));
      w.on('exit', (code) => this.fail(new Error(`audit worker exited with code ${code}`)));
      this.workers.push(w);
    }
  }

  private fail(e: Error): void {
    this.failure ??= e;
    this.notify();
  }

  private notify(): void {
    const wake = this.wake;
    this.wake = undefined;
    wake?.();
  }

  /**
   * Checks the ranges on the workers and yields the results in the order given. At most
   * `ahead` results wait for the consumer, which bounds memory on a huge log.
   */
  async *run(ranges: readonly RangeRequest[], ahead = this.workers.length * 4): AsyncGenerator<RangeResult> {
    const done = new Map<number, RangeResult>();
    let next = 0;
    let consumed = 0;
    const idle: Worker[] = [];
    const dispatch = () => {
      while (idle.length > 0 && next < ranges.length && next < consumed + ahead) {
        const w = idle.pop()!;
        const i = next++;
        w.once('message', (reply: Reply) => {
          if (reply.ok) done.set(i, reply.result);
          else this.failure ??= new Error(`audit worker: ${reply.error}`);
          idle.push(w);
          dispatch();
          this.notify();
        });
        w.postMessage(ranges[i]);
      }
    };
    idle.push(...this.workers);
    dispatch();
    while (consumed < ranges.length) {
      if (this.failure) throw this.failure;
      const r = done.get(consumed);
      if (!r) {
        await new Promise<void>((resolve) => (this.wake = resolve));
        continue;
      }
      done.delete(consumed++);
      dispatch();
      yield r;
    }
  }

  async close(): Promise<void> {
    for (const w of this.workers) w.removeAllListeners('exit');
    await Promise.all(this.workers.map((w) => w.terminate()));
  }
}
