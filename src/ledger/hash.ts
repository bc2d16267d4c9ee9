/**
 * RFC 9162 §2.1.1 hashing with SHA-256. The 0x00/0x01 prefixes keep a leaf
 * from ever being passed off as an interior node (second-preimage defence).
 */
import { createHash, hash } from 'node:crypto';
import { ledgerFail } from './errors.js';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Uint8Array.of(0x00);
const NODE_PREFIX = Uint8Array.of(0x01);

const sha256 = (...parts: readonly Uint8Array[]): Uint8Array => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};

// One-shot hashing of prefix and entry copied together beats an incremental hash object
// per leaf (the audit hashes every leaf of the log).
let leafScratch = Buffer.allocUnsafe(4096);

/** MTH({d}) = SHA-256(0x00 || d). */
export function leafHash(entry: Uint8Array): Uint8Array {
  if (entry.length + 1 > leafScratch.length) leafScratch = Buffer.allocUnsafe(Math.max(entry.length + 1, leafScratch.length * 2));
  leafScratch[0] = LEAF_PREFIX[0]!;
  leafScratch.set(entry, 1);
  return new Uint8Array(hash('sha256', leafScratch.subarray(0, entry.length + 1), 'buffer'));
}

const nodeScratch = Buffer.alloc(1 + 2 * HASH_SIZE, NODE_PREFIX[0]!);

/** SHA-256(0x01 || left || right). */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  assertHash(left, 'left child');
  assertHash(right, 'right child');
  nodeScratch.set(left, 1);
  nodeScratch.set(right, 1 + HASH_SIZE);
  return new Uint8Array(hash('sha256', nodeScratch, 'buffer'));
}

/** MTH({}) = SHA-256(""). */
export const emptyRoot = (): Uint8Array => sha256();

export function assertHash(h: Uint8Array, what: string): void {
  if (!(h instanceof Uint8Array) || h.length !== HASH_SIZE) {
    ledgerFail('BAD_HASH_LENGTH', `${what} must be ${HASH_SIZE} bytes`);
  }
}

export { sha256 };
