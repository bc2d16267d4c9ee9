import type { Store } from '../repositories/store.js';

export interface PublicRecordCacheOptions {
  /** How long a cached record is served without asking the database (ms); 0 turns the cache off. */
  ttlMs: number;
  /** Records kept (least recently used dropped first; recency is updated at each version check). */
  max: number;
}

interface Entry {
  /** The serialized record, as the bytes sent. */
  body: Buffer;
  version: string;
  checkedAt: number;
}

/**
 * The public record of a registration number, serialized once and served from memory.
 * Building it (work, files, log entry, inclusion proof, checkpoint, cosignatures) takes
 * several queries; checking it is still current takes one (`publicVersion`: the work's
 * updated_at and status, the newest checkpoint and what vouches for it). Within `ttlMs` of
 * the last check a record is served as is, so a change made by any process — approval,
 * correction, revocation, a new checkpoint — shows everywhere within `ttlMs`, and at once
 * where the version check runs. The version is read before the record is built: a change
 * in between leaves an old version beside it, so the next check rebuilds.
 */
export class PublicRecordCache {
  private readonly entries = new Map<string, Entry>();
  private readonly building = new Map<string, Promise<Buffer>>();

  constructor(
    private readonly store: Store,
    private readonly build: (number: string) => Promise<unknown>,
    private readonly opts: PublicRecordCacheOptions,
  ) {}

  /**
   * The cached record when it was checked within `ttlMs`, without a promise: the common case
   * on the public verify route, answered synchronously. Otherwise undefined (ask `json`).
   */
  fresh(number: string): Buffer | undefined {
    const e = this.entries.get(number);
    if (!e || Date.now() - e.checkedAt >= this.opts.ttlMs) return undefined;
    // Recency moves with each version check (`json`), once per ttlMs, not on every hit:
    // a Map delete + set per request showed in the profile of this route.
    return e.body;
  }

  /** The record of a number as JSON (ASCII only, see asciiJson). */
  async json(number: string): Promise<Buffer> {
    if (this.opts.ttlMs <= 0) return asciiJson(await this.build(number));
    const e = this.entries.get(number);
    if (e) {
      // Map order is recency order: move the hit to the end.
      this.entries.delete(number);
      this.entries.set(number, e);
      const now = Date.now();
      if (now - e.checkedAt < this.opts.ttlMs) return e.body;
      const version = await this.store.repos.evidence.publicVersion(number);
      if (version === e.version) {
        e.checkedAt = now;
        return e.body;
      }
    }
    // Concurrent misses for one number share one build.
    let p = this.building.get(number);
    if (!p) {
      p = this.rebuild(number).finally(() => this.building.delete(number));
      this.building.set(number, p);
    }
    return p;
  }

  /** Drops one record (or all): the next request rebuilds it. */
  invalidate(number?: string): void {
    if (number === undefined) this.entries.clear();
    else this.entries.delete(number);
  }

  private async rebuild(number: string): Promise<Buffer> {
    const checkedAt = Date.now();
    const version = await this.store.repos.evidence.publicVersion(number);
    const body = asciiJson(await this.build(number));
    if (version !== undefined) {
      this.entries.delete(number);
      this.entries.set(number, { body, version, checkedAt });
      while (this.entries.size > this.opts.max) this.entries.delete(this.entries.keys().next().value!);
    }
    return body;
  }
}

/**
 * JSON with every non-ASCII character written as a \\uXXXX escape: the same value for any
 * JSON parser, and pure ASCII on the wire. Clients decode the body into a string before
 * parsing it, and a body holding a single CJK character takes the much slower UTF-8 path for
 * all of its bytes (measured with autocannon, which decodes every body: a 6.5 KB answer with
 * 160 CJK characters cost the client ~1.7x the CPU of the same size in ASCII). It grows each
 * such character from 3 to 6 bytes (~7 % on a typical record).
 */
export function asciiJson(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`), 'latin1');
}
