/**
 * Merkle Tree Hash (RFC 9162 §2.1.1) over stored node hashes.
 *
 * Storage is the caller's business: everything here reads hashes through a
 * NodeSource, which only ever has to answer for *perfect* subtrees (the
 * immutable nodes a log persists, or reads out of tlog-tiles). Hashes of the
 * ragged right edge are recomputed, never stored, because they change as the
 * log grows.
 */
import { assertUint, isPowerOfTwo, splitPoint } from './bits.js';
import { ledgerFail } from './errors.js';
import { assertHash, emptyRoot, nodeHash } from './hash.js';

/**
 * Returns the hash of the perfect subtree at `level` (0 = leaf hashes) whose
 * leaves are [index * 2^level, (index + 1) * 2^level).
 */
export type NodeSource = (level: number, index: number) => Uint8Array;

/** Coordinates of a perfect subtree. */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/**
 * MTH of the leaves [start, end), where [start, end) is a range produced by
 * the RFC's recursive split (so every power-of-two piece is aligned).
 */
export function subtreeHash(start: number, end: number, node: NodeSource): Uint8Array {
  const width = end - start;
  if (width <= 0) return ledgerFail('BAD_SIZE', `empty or inverted range [${start}, ${end})`);
  if (isPowerOfTwo(width) && start % width === 0) {
    const level = Math.log2(width);
    const h = node(level, start / width);
    assertHash(h, `node (${level}, ${start / width})`);
    return h;
  }
  const k = splitPoint(width);
  return nodeHash(subtreeHash(start, start + k, node), subtreeHash(start + k, end, node));
}

/** MTH of the first `size` leaves. */
export function rootAt(size: number, node: NodeSource): Uint8Array {
  assertUint(size, 'BAD_SIZE', 'tree size');
  return size === 0 ? emptyRoot() : subtreeHash(0, size, node);
}

/**
 * A NodeSource over an in-memory list of leaf hashes: computes every perfect
 * subtree once, level by level. Fine for tests and small batches; a real log
 * reads persisted nodes or tiles instead.
 */
export function nodeSourceFromLeaves(leafHashes: readonly Uint8Array[]): NodeSource {
  leafHashes.forEach((h, i) => assertHash(h, `leaf hash ${i}`));
  const levels: Uint8Array[][] = [[...leafHashes]];
  for (let below = levels[0] ?? []; below.length > 1; ) {
    const above: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i] as Uint8Array, below[i + 1] as Uint8Array));
    levels.push(above);
    below = above;
  }
  return (level, index) => levels[level]?.[index] ?? ledgerFail('MISSING_NODE', `no node (${level}, ${index})`);
}

/** MTH(D[n]) of a list of leaf hashes (RFC 9162 §2.1.1). */
export const merkleRoot = (leafHashes: readonly Uint8Array[]): Uint8Array =>
  rootAt(leafHashes.length, nodeSourceFromLeaves(leafHashes));
