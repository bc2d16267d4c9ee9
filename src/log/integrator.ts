/**
 * Drives integrate and publish in the background. Every tick is one transaction under
 * the integrator lock: whichever process gets the lock extends the tree and signs; the
 * others find the lock taken and try again later, so several app processes on one
 * PostgreSQL never integrate or sign concurrently.
 */
import type { Logger } from 'pino';
import type { Repos, Store } from '../repositories/store.js';
import { integrate, type Integrated } from './integrate.js';
import { publish, type Published, type Signer } from './publish.js';

export interface IntegratorOptions {
  batchSize: number;
  publishIntervalMs: number;
  /** How often an idle integrator looks for entries sequenced by other processes. */
  pollMs: number;
  /** Called inside the transaction that published a checkpoint (queue follow-up jobs). */
  onPublished?: (r: Repos, size: number) => Promise<void>;
}

export interface Tick {
  locked: boolean;
  integrated: Integrated | null;
  published: Published;
}

export class Integrator {
  private running = false;
  private loop: Promise<void> | undefined;
  private wakeUp: (() => void) | undefined;
  private woken = false;

  constructor(
    private readonly store: Store,
    private readonly signer: Signer | null,
    private readonly log: Logger,
    private readonly opts: IntegratorOptions,
  ) {}

  /** One batch: integrate what is sequenced, then publish if due. */
  tick(now = new Date(), force = false): Promise<Tick> {
    return this.store.tx(async (r) => {
      if (!(await r.log.tryLockIntegrator())) return { locked: false, integrated: null, published: null };
      const integrated = await integrate(r, this.opts.batchSize, now.toISOString());
      const published = this.signer ? await publish(r, this.signer, force ? 0 : this.opts.publishIntervalMs, now) : null;
      if (published && 'checkpoint' in published) await this.opts.onPublished?.(r, Number(published.checkpoint.size));
      return { locked: true, integrated, published };
    });
  }

  /**
   * Integrates and publishes everything sequenced so far, ignoring the publish interval
   * (tests, the CLI, shutdown). Returns the size of the last checkpoint.
   */
  async flush(): Promise<number> {
    for (;;) {
      const t = await this.tick(new Date(), true);
      if (!t.locked) {
        await sleep(20);
        continue;
      }
      if (!t.integrated && !(t.published && 'checkpoint' in t.published)) break;
    }
    const latest = await this.store.repos.log.latestCheckpoint();
    return latest ? Number(latest.size) : 0;
  }

  start(): void {
    if (this.running) return;
    if (!this.signer) this.log.warn('registry log: this process cannot sign checkpoints (key differs from the log\u2019s); it integrates nothing');
    this.running = true;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake();
    await this.loop;
  }

  /** Someone sequenced an entry: look now rather than at the next poll. */
  wake(): void {
    this.woken = true;
    this.wakeUp?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      let delay = this.opts.pollMs;
      this.woken = false;
      try {
        if (this.signer) {
          const t = await this.tick();
          if (t.integrated && t.integrated.to - t.integrated.from >= this.opts.batchSize) delay = 0;
          else if (t.published && 'waitMs' in t.published) delay = Math.min(delay, t.published.waitMs);
        }
      } catch (e) {
        this.log.error({ err: e }, 'registry log: integrate/publish failed');
        delay = Math.max(delay, 1000);
      }
      if (delay > 0 && this.running && !this.woken) await new Promise<void>((res) => {
        const t = setTimeout(res, delay);
        this.wakeUp = () => {
          clearTimeout(t);
          res();
        };
      });
      this.wakeUp = undefined;
    }
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
