import { createHash, randomBytes, type X509Certificate } from 'node:crypto';
import { parseTimeStampResponse, timeStampRequest, verifyToken } from '../log/rfc3161.js';
import type { Store } from '../repositories/store.js';
import type { TsaClient } from '../repositories/tsa.client.js';

/**
 * RFC 3161 timestamps on checkpoints: an outside TSA's signed statement that a checkpoint
 * (and so every entry under it) existed at a time we cannot back-date. Runs as the durable
 * `log.timestamp` job after a checkpoint is published.
 */
export class TimestampService {
  constructor(
    private readonly store: Store,
    private readonly tsa: TsaClient | undefined,
    /** Trust anchors for the TSA; without them tokens are checked for content only. */
    private readonly anchors: X509Certificate[] | undefined,
  ) {}

  get configured(): boolean {
    return this.tsa !== undefined;
  }

  /** Timestamps the latest checkpoint unless it already has a token from this TSA. */
  async timestampLatest(): Promise<{ size: number; genTime: string } | null> {
    if (!this.tsa) return null;
    const repo = this.store.repos.log;
    const cp = await repo.latestCheckpoint();
    if (!cp) return null;
    const size = Number(cp.size);
    if ((await repo.timestamps(size)).some((t) => t.tsa_url === this.tsa!.url)) return null;
    const note = Buffer.from(cp.note, 'utf8');
    const nonce = randomBytes(8);
    const reply = parseTimeStampResponse(await this.tsa.request(timeStampRequest(createHash('sha256').update(note).digest(), nonce)));
    if (reply.status > 1 || !reply.token) throw new Error(`TSA refused: status ${reply.status} ${reply.text}`);
    const info = verifyToken(reply.token, note, this.anchors);
    // The nonce ties the reply to this request: an old token cannot be replayed to us.
    if (info.nonce !== BigInt(`0x${nonce.toString('hex')}`)) throw new Error('TSA reply carries another nonce');
    const genTime = info.genTime.toISOString();
    await repo.putTimestamp({ checkpoint_size: size, tsa_url: this.tsa.url, token: Buffer.from(reply.token), gen_time: genTime, created_at: new Date().toISOString() });
    return { size, genTime };
  }

  /** The audit's check of a stored token against its checkpoint; null when it holds. */
  check(token: Uint8Array, note: string, genTime: string): { field: 'token' | 'gen_time'; problem: string } | null {
    try {
      const info = verifyToken(token, Buffer.from(note, 'utf8'), this.anchors);
      if (info.genTime.toISOString() !== genTime) return { field: 'gen_time', problem: `differs from the token's ${info.genTime.toISOString()}` };
      return null;
    } catch (e) {
      return { field: 'token', problem: (e as Error).message };
    }
  }
}
