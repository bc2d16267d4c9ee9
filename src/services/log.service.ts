import type { Logger } from 'pino';
import {
  TILE_WIDTH,
  consistencyProof,
  consistencyProofNodeIds,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  emptyRoot,
  encodeEntryBundle,
  formatVerifierKey,
  generateNoteKey,
  inclusionProof,
  inclusionProofNodeIds,
  mergeCosignatures,
  parseSignerKey,
  parseTilePath,
  type NoteVerifier,
} from '../ledger/index.js';
import { AppError } from '../domain/errors.js';
import type { LogConfig } from '../log/config.js';
import { Integrator } from '../log/integrator.js';
import type { Signer } from '../log/publish.js';
import { sequence, sequenceApproval, type NewEntry } from '../log/sequence.js';
import { TileCache } from '../log/tile-cache.js';
import type { KeyStore } from '../repositories/keys.store.js';
import type { LogCheckpointRow } from '../repositories/log.repository.js';
import type { Repos, Store } from '../repositories/store.js';

export interface LogIdentity {
  origin: string;
  /** The log's current verifier key (what /log/key serves). */
  vkey: string;
  /** The public half of the key in this process's data folder (the audit compares it with the stored one). */
  ownVkey: string;
  /** Current and retired keys, for verifying stored checkpoints. */
  verifiers: NoteVerifier[];
  verifierKeys: string[];
  /** Null when this process's key is not the log's: it may serve but never sign. */
  signer: Signer | null;
}

export interface ServedFile {
  body: Buffer;
  contentType: string;
}

export const LOG_KEY = 'log';

/**
 * Opens the log's identity: the origin and key are fixed by the first start and recorded
 * in the database; a later process with another key or origin serves the log but is not
 * allowed to sign for it.
 */
export async function openLogIdentity(store: Store, keys: KeyStore, cfg: LogConfig, log: Logger): Promise<LogIdentity> {
  const existing = await store.repos.log.state();
  if (existing && cfg.originExplicit && existing.origin !== cfg.origin) {
    throw new Error(`CWS_LOG_ORIGIN is ${cfg.origin} but this log's origin is ${existing.origin}: the origin is the log's identity and cannot change (docs/log-operations.md)`);
  }
  const wantedOrigin = existing?.origin ?? cfg.origin;
  const skey = parseSignerKey(await keys.readOrCreateSecret(LOG_KEY, () => generateNoteKey(wantedOrigin)));
  if (!existing && cfg.originExplicit && skey.name !== cfg.origin) {
    throw new Error(`the key in ${keys.dir} is for ${skey.name}, not CWS_LOG_ORIGIN ${cfg.origin}`);
  }
  const vkey = formatVerifierKey(skey);
  const state = existing ?? (await createLog(store, skey.name, vkey, log));
  if (!cfg.originExplicit && state.origin !== cfg.origin) log.info({ origin: state.origin, derived: cfg.origin }, 'registry log keeps the origin it was created with');
  const canSign = state.vkey === vkey && state.origin === skey.name;
  if (!canSign) log.error({ logKey: state.vkey, ourKey: vkey }, 'registry log: the key in the data folder is not the log\u2019s key; this process will not sign');
  const verifierKeys = [state.vkey, ...(await keys.retired())];
  return {
    origin: state.origin,
    vkey: state.vkey,
    ownVkey: vkey,
    verifiers: [...new Set(verifierKeys)].map((k) => ed25519NoteVerifier(k)),
    verifierKeys,
    signer: canSign ? { origin: state.origin, vkey, note: ed25519NoteSigner(skey) } : null,
  };
}

/**
 * Creates the log. Registrations approved before the log existed (a database from an
 * earlier version) are adopted in the same transaction, in approval order, so that the
 * audit can hold every approval to a log entry from then on. Only the process that
 * creates the log does this: later, an approval without an entry is a finding, not
 * something to adopt.
 */
async function createLog(store: Store, origin: string, vkey: string, log: Logger) {
  return store.tx(async (r) => {
    const { state, created } = await r.log.initState(origin, vkey, emptyRoot(), new Date().toISOString());
    if (!created) return state;
    const earlier = await r.log.approvalsBeforeLog();
    for (const a of earlier) await sequenceApproval(r, a.work_id, a.event_id, a.created_at);
    if (earlier.length > 0) log.info({ adopted: earlier.length }, 'registry log created; earlier approvals adopted');
    return state;
  });
}

/** Width of tile (level, index) available in a tree of `size` leaves (0: none). */
function availableWidth(level: number, index: number, size: number): number {
  const nodes = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/** The registry log: sequencing for new kinds of events, and its read-only face (C2SP tlog-tiles). */
export class LogService {
  readonly integrator: Integrator;
  private readonly tileCache = new TileCache();

  constructor(
    private readonly store: Store,
    readonly identity: LogIdentity,
    cfg: LogConfig,
    logger: Logger,
    onPublished?: (r: Repos, size: number) => Promise<void>,
  ) {
    this.integrator = new Integrator(store, identity.signer, logger, {
      batchSize: cfg.batchSize,
      publishIntervalMs: cfg.publishIntervalMs,
      pollMs: 200,
      ...(onPublished ? { onPublished } : {}),
    });
  }

  /** The approve transition calls this inside its transaction (see Workflow). */
  async sequenceApproval(r: Repos, workId: string, eventId: string, now: string): Promise<number> {
    const index = await sequenceApproval(r, workId, eventId, now);
    // The entry becomes visible when the caller commits, a moment from now; the poll is
    // the fallback if this wake comes too early.
    setTimeout(() => this.integrator.wake(), 10).unref();
    return index;
  }

  /** Sequences entries in their own transaction (events other than approvals, bulk loads). */
  async append(entries: readonly NewEntry[]): Promise<number> {
    const first = await this.store.tx((r) => sequence(r, entries, new Date().toISOString()));
    this.integrator.wake();
    return first;
  }

  /** The latest checkpoint with every cosignature collected for it. */
  async checkpoint(): Promise<{ note: string; size: number } | undefined> {
    const cp = await this.store.repos.log.latestCheckpoint();
    return cp ? { note: await this.withCosignatures(cp), size: Number(cp.size) } : undefined;
  }

  /**
   * A stored checkpoint with what vouches for it: witnesses' cosignatures and RFC 3161
   * tokens (base64 DER), for evidence packages and anyone checking us. Latest if no size.
   */
  async checkpointDetails(size?: number) {
    const repo = this.store.repos.log;
    const cp = size === undefined ? await repo.latestCheckpoint() : await repo.checkpoint(size);
    if (!cp) throw new AppError('NOT_FOUND', 'no such checkpoint');
    const n = Number(cp.size);
    const [cosignatures, timestamps] = await Promise.all([repo.cosignatures(n), repo.timestamps(n)]);
    return {
      origin: this.identity.origin,
      size: n,
      rootHash: cp.root.toString('base64'),
      publishedAt: cp.published_at,
      note: await this.withCosignatures(cp),
      cosignatures: cosignatures.map((c) => ({ witnessKey: c.witness_key, timestamp: Number(c.timestamp) })),
      timestamps: timestamps.map((t) => ({ tsaUrl: t.tsa_url, genTime: t.gen_time, token: t.token.toString('base64') })),
    };
  }

  async withCosignatures(cp: LogCheckpointRow): Promise<string> {
    const cosigs = await this.store.repos.log.cosignatures(Number(cp.size));
    return cosigs.length === 0 ? cp.note : mergeCosignatures(cp.note, cosigs.map((c) => c.line).join(''));
  }

  /**
   * A tile or entry bundle by its tlog-tiles path (e.g. "tile/0/x001/234.p/7"), or
   * undefined when it is malformed or beyond the latest checkpoint. Everything served is
   * immutable: a path names the same bytes forever.
   */
  async file(tilePath: string): Promise<ServedFile | undefined> {
    let ref;
    try {
      ref = parseTilePath(tilePath);
    } catch {
      return undefined;
    }
    const published = await this.store.repos.log.latestCheckpoint();
    const size = published ? Number(published.size) : 0;
    if (availableWidth(ref.level, ref.index, size) < ref.width) return undefined;
    if (ref.kind === 'entries') {
      const start = ref.index * TILE_WIDTH;
      const rows = await this.store.repos.log.entryBytes(start, start + ref.width);
      if (rows.length !== ref.width) return undefined;
      return { body: Buffer.from(encodeEntryBundle(rows.map((r) => r.entry))), contentType: 'application/octet-stream' };
    }
    const tile = await this.store.repos.log.tile(ref.level, ref.index);
    if (!tile || tile.width < ref.width) return undefined;
    return { body: tile.hashes.subarray(0, ref.width * 32), contentType: 'application/octet-stream' };
  }

  /** Inclusion proof of entry `index` in the tree of `size` leaves, from the stored tiles. */
  async inclusionProof(index: number, size: number): Promise<Uint8Array[]> {
    return inclusionProof(index, size, await this.tileCache.nodeSource(this.store.repos.log, inclusionProofNodeIds(index, size), size));
  }

  async consistencyProof(size1: number, size2: number): Promise<Uint8Array[]> {
    if (size1 === 0 || size1 === size2) return [];
    return consistencyProof(size1, size2, await this.tileCache.nodeSource(this.store.repos.log, consistencyProofNodeIds(size1, size2), size2));
  }
}
