/**
 * Rotation of the log's signing key (docs/log-operations.md, "Rotating the log key"). The
 * tree and the origin stay; checkpoints from now on are signed with a new key, and the old
 * public key stays trusted (keys/retired/, served at /log/keys) so that every checkpoint and
 * evidence package signed before still verifies.
 */
import { formatVerifierKey, generateNoteKey, parseSignerKey } from '../ledger/index.js';
import type { KeyStore } from '../repositories/keys.store.js';
import type { Store } from '../repositories/store.js';
import { LOG_KEY } from './log.service.js';

export interface Rotation {
  origin: string;
  previousVkey: string;
  vkey: string;
  /** Where the old secret key now lies, for the operator to move offline or destroy. */
  retiredSecret: string | undefined;
}

export class KeyRotationError extends Error {
  override readonly name = 'KeyRotationError';
}

const vkeyOf = (skey: string): string => formatVerifierKey(parseSignerKey(skey));

export async function rotateLogKey(store: Store, keys: KeyStore, now = new Date()): Promise<Rotation> {
  const state = await store.repos.log.state();
  if (!state) throw new KeyRotationError('this data folder has no registry log yet: start the server once first');
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const waiting = await keys.readSecret(`${LOG_KEY}.next`);
  const current = await keys.readSecret(LOG_KEY);
  // An earlier rotation stopped after the database took the new key: finish it.
  if (waiting && vkeyOf(waiting) === state.vkey) {
    const { retiredSecret } = await keys.completeRotation(LOG_KEY, stamp, state.vkey);
    return { origin: state.origin, previousVkey: current ? vkeyOf(current) : '', vkey: state.vkey, retiredSecret };
  }
  if (!current || vkeyOf(current) !== state.vkey) {
    throw new KeyRotationError(`the signing key in ${keys.dir} is not this log's key (${state.vkey}): rotate from the data folder that signs the log`);
  }
  const next = await keys.prepareRotation(LOG_KEY, stamp, state.vkey, () => generateNoteKey(state.origin));
  const vkey = vkeyOf(next);
  // Under the integrator's lock, so no checkpoint is being signed with the old key meanwhile.
  const swapped = await store.tx(async (r) => {
    if (!(await r.log.tryLockIntegrator())) return false;
    if (!(await r.log.replaceKey(state.vkey, vkey, now.toISOString()))) return false;
    await r.audit.record(null, 'log.rotate_key', state.origin, { previousVkey: state.vkey, vkey });
    return true;
  });
  if (!swapped) throw new KeyRotationError('the log is busy or its key changed meanwhile; nothing was changed, try again');
  const { retiredSecret } = await keys.completeRotation(LOG_KEY, stamp, vkey);
  return { origin: state.origin, previousVkey: state.vkey, vkey, retiredSecret };
}
