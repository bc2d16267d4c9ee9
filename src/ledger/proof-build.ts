/**
 * Building inclusion and consistency proofs (RFC 9162 §2.1.3.1, §2.1.4.1)
 * from perfect-subtree hashes. Each `*NodeIds` function lists the stored
 * nodes a proof will read, so a caller with async storage can fetch them in
 * one batch and then build the proof synchronously.
 */
import { assertUint, splitPoint } from './bits.js';
import { ledgerFail } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { subtreeHash, type NodeId, type NodeSource } from './tree.js';

/** PATH(m, D[start:end]) — sibling hashes from the leaf upwards. */
function path(m: number, start: number, end: number, node: NodeSource): Uint8Array[] {
  if (end - start <= 1) return [];
  const k = splitPoint(end - start);
  return m < k
    ? [...path(m, start, start + k, node), subtreeHash(start + k, end, node)]
    : [...path(m - k, start + k, end, node), subtreeHash(start, start + k, node)];
}

/** SUBPROOF(m, D[start:end], b). */
function subproof(m: number, start: number, end: number, complete: boolean, node: NodeSource): Uint8Array[] {
  const n = end - start;
  if (m === n) return complete ? [] : [subtreeHash(start, end, node)];
  const k = splitPoint(n);
  return m <= k
    ? [...subproof(m, start, start + k, complete, node), subtreeHash(start + k, end, node)]
    : [...subproof(m - k, start + k, end, false, node), subtreeHash(start, start + k, node)];
}

/** Inclusion proof for leaf `index` in the tree of size `size`. */
export function inclusionProof(index: number, size: number, node: NodeSource): Uint8Array[] {
  assertUint(size, 'BAD_SIZE', 'tree size');
  assertUint(index, 'BAD_INDEX', 'leaf index');
  if (index >= size) ledgerFail('BAD_INDEX', `leaf index ${index} is not below tree size ${size}`);
  return path(index, 0, size, node);
}

/**
 * Consistency proof from size1 to size2. Equal sizes give an empty proof;
 * size1 = 0 is refused because every tree is consistent with the empty tree
 * and RFC 9162 defines proofs only for 0 < size1 < size2.
 */
export function consistencyProof(size1: number, size2: number, node: NodeSource): Uint8Array[] {
  assertUint(size1, 'BAD_SIZE', 'size1');
  assertUint(size2, 'BAD_SIZE', 'size2');
  if (size1 > size2) ledgerFail('BAD_SIZE', `size1 ${size1} exceeds size2 ${size2}`);
  if (size1 === 0) ledgerFail('BAD_SIZE', 'no consistency proof from the empty tree');
  return subproof(size1, 0, size2, true, node);
}

function recordReads(build: (node: NodeSource) => unknown): NodeId[] {
  const seen = new Map<string, NodeId>();
  build((level, index) => {
    seen.set(`${level}/${index}`, { level, index });
    return new Uint8Array(HASH_SIZE);
  });
  return [...seen.values()];
}

/** The stored nodes `inclusionProof(index, size, …)` reads. */
export const inclusionProofNodeIds = (index: number, size: number): NodeId[] =>
  recordReads((node) => inclusionProof(index, size, node));

/** The stored nodes `consistencyProof(size1, size2, …)` reads. */
export const consistencyProofNodeIds = (size1: number, size2: number): NodeId[] =>
  recordReads((node) => consistencyProof(size1, size2, node));
