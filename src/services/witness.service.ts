import type { Logger } from 'pino';
import {
  cosigner,
  ed25519NoteVerifier,
  formatCosignerKey,
  formatNote,
  generateNoteKey,
  parseAddCheckpointRequest,
  parseSignerKey,
  SIG_TYPE_COSIGNATURE_V1,
  decideAddCheckpoint,
  witnessCheckpointPath,
  type Cosigner,
  type NoteVerifier,
  type ParsedAddCheckpointRequest,
} from '../ledger/index.js';
import type { LogConfig } from '../log/config.js';
import type { KeyStore } from '../repositories/keys.store.js';
import type { Store } from '../repositories/store.js';

export interface WitnessAnswer {
  status: 200 | 400 | 403 | 404 | 409 | 422;
  contentType: string;
  body: string;
}

const text = (status: WitnessAnswer['status'], body: string): WitnessAnswer => ({ status, contentType: 'text/plain; charset=utf-8', body: body.endsWith('\n') ? body : `${body}\n` });

/**
 * Our tlog-witness (c2sp.org/tlog-witness): other institutions' logs send us checkpoints
 * with a consistency proof from the last one we cosigned; we cosign only if the log has
 * not forked or rolled back. The decision is the ledger's pure function; this service
 * adds the stored state and the atomic compare-and-swap the spec requires.
 */
export class WitnessService {
  private readonly logs: Map<string, NoteVerifier[]>;

  constructor(
    private readonly store: Store,
    readonly cosigner: Cosigner,
    readonly vkey: string,
    cfg: LogConfig,
  ) {
    this.logs = new Map();
    for (const l of cfg.witnessLogs) this.logs.set(l.origin, [...(this.logs.get(l.origin) ?? []), ed25519NoteVerifier(l.vkey)]);
  }

  static async open(store: Store, keys: KeyStore, cfg: LogConfig, log: Logger): Promise<WitnessService> {
    const skey = parseSignerKey(await keys.readOrCreateSecret('witness', () => generateNoteKey(cfg.witnessName, SIG_TYPE_COSIGNATURE_V1)));
    if (skey.name !== cfg.witnessName) log.info({ name: skey.name, configured: cfg.witnessName }, 'witness keeps the name of its existing key');
    const c = cosigner(skey);
    return new WitnessService(store, c, formatCosignerKey(c.name, c.publicKey), cfg);
  }

  async addCheckpoint(body: Uint8Array, now = () => Math.floor(Date.now() / 1000)): Promise<WitnessAnswer> {
    let request: ParsedAddCheckpointRequest;
    try {
      request = parseAddCheckpointRequest(body);
    } catch (e) {
      return text(400, (e as Error).message);
    }
    const origin = request.claimed.origin;
    // A lost compare-and-swap means another request moved the state: decide again on it.
    for (let attempt = 0; attempt < 3; attempt++) {
      const stored = this.logs.has(origin) ? await this.store.repos.witness.latest(origin) : undefined;
      const latest = stored ? { size: Number(stored.size), rootHash: stored.root } : null;
      const outcome = decideAddCheckpoint({ request, logs: this.logs, latest, cosigners: [this.cosigner], now: now() });
      switch (outcome.status) {
        case 200: {
          // Served on the monitoring path: the log's verified signature and ours, nothing unverified.
          const note = formatNote(outcome.note.text, [...outcome.note.verified, ...outcome.cosignatures]);
          const swapped = await this.store.repos.witness.compareAndSwap(origin, outcome.previousSize, { size: outcome.checkpoint.size, root: outcome.checkpoint.rootHash, note }, new Date().toISOString());
          if (swapped) return text(200, outcome.body);
          continue;
        }
        case 409:
          return { status: 409, contentType: outcome.contentType, body: outcome.body };
        case 404:
          return text(404, outcome.reason);
        default:
          return text(outcome.status, `${outcome.code}: ${outcome.reason}`);
      }
    }
    const now409 = await this.store.repos.witness.latest(origin);
    const size = now409 ? Number(now409.size) : 0;
    return { status: 409, contentType: 'text/x.tlog.size', body: `${size}\n` };
  }

  /** The latest checkpoint we cosigned for the log whose origin hashes to `originHash` (monitoring API). */
  async latestCosigned(originHash: string): Promise<string | undefined> {
    for (const origin of this.logs.keys()) {
      if (witnessCheckpointPath(origin) === `${originHash}/checkpoint`) return (await this.store.repos.witness.latest(origin))?.note;
    }
    return undefined;
  }
}
