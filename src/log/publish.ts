/**
 * Stage 3, publish: sign a checkpoint for the integrated tree, at most once per interval.
 * Before signing, the new tree is proven consistent with the last checkpoint from the
 * stored tiles, so a damaged or rewritten tree is refused instead of signed: the log
 * never signs two inconsistent checkpoints.
 */
import {
  consistencyProof,
  consistencyProofNodeIds,
  formatCheckpoint,
  signNote,
  verifyConsistency,
  type NoteSigner,
} from '../ledger/index.js';
import type { LogCheckpointRow } from '../repositories/log.repository.js';
import type { Repos } from '../repositories/store.js';
import { nodeSourceFor } from './tile-reader.js';

export interface Signer {
  origin: string;
  vkey: string;
  note: NoteSigner;
}

export type Published = { checkpoint: LogCheckpointRow } | { waitMs: number } | null;

const equalRoots = (a: Uint8Array, b: Uint8Array): boolean => Buffer.compare(a, b) === 0;

export class LogIntegrityError extends Error {
  override readonly name = 'LogIntegrityError';
}

export async function publish(r: Repos, signer: Signer, intervalMs: number, now: Date): Promise<Published> {
  const state = await r.log.state();
  if (!state) throw new Error('the registry log is not initialised');
  if (state.origin !== signer.origin || state.vkey !== signer.vkey) {
    throw new LogIntegrityError(`this process holds key ${signer.vkey} for ${signer.origin}, but the log is ${state.vkey} for ${state.origin}; refusing to sign`);
  }
  const latest = await r.log.latestCheckpoint();
  const size = Number(state.size);
  if (latest) {
    const latestSize = Number(latest.size);
    if (latestSize > size) throw new LogIntegrityError(`tree size ${size} is below the published checkpoint ${latestSize}`);
    if (latestSize === size) {
      if (!equalRoots(latest.root, state.root)) throw new LogIntegrityError(`tree root at size ${size} differs from the published checkpoint`);
      return null;
    }
    const wait = Date.parse(latest.published_at) + intervalMs - now.getTime();
    if (wait > 0) return { waitMs: wait };
    if (latestSize > 0) {
      const source = await nodeSourceFor(r.log, consistencyProofNodeIds(latestSize, size));
      verifyConsistency(latestSize, size, consistencyProof(latestSize, size, source), latest.root, state.root);
    }
  }
  const text = formatCheckpoint({ origin: signer.origin, size, rootHash: state.root, extensions: [] });
  const checkpoint = { size, root: state.root, note: signNote(text, [signer.note]), published_at: now.toISOString() };
  await r.log.insertCheckpoint(checkpoint);
  return { checkpoint };
}
