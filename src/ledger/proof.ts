/**
 * Proof verification, following the algorithms of RFC 9162 §2.1.3.2
 * (inclusion) and §2.1.4.2 (consistency) step by step. The expected proof
 * length is checked up front so a wrong-length proof is reported as such
 * rather than as a hash mismatch.
 *
 * Roots are only ever compared, never length-checked: a computed root is
 * always 32 bytes, so a malformed expected root simply fails to match.
 */
import { assertUint, divergeHeight, half, isOdd, isPowerOfTwo, popcount, shiftRight, trailingZeros } from './bits.js';
import { equalBytes } from './bytes.js';
import { ledgerFail } from './errors.js';
import { assertHash, nodeHash } from './hash.js';

function checkProofHashes(proof: readonly Uint8Array[]): void {
  if (!Array.isArray(proof)) ledgerFail('BAD_PROOF_LENGTH', 'proof must be an array');
  proof.forEach((h, i) => assertHash(h, `proof[${i}]`));
}

/** Proof length for leaf `index` in a tree of `size` leaves: inner (below the right border) plus border nodes. */
export function inclusionProofLength(index: number, size: number): number {
  assertUint(size, 'BAD_SIZE', 'tree size');
  assertUint(index, 'BAD_INDEX', 'leaf index');
  if (index >= size) ledgerFail('BAD_INDEX', `leaf index ${index} is not below tree size ${size}`);
  const inner = divergeHeight(index, size - 1);
  return inner + popcount(shiftRight(index, inner));
}

/** Proof length from size1 to size2 (0 < size1 <= size2). */
export function consistencyProofLength(size1: number, size2: number): number {
  assertUint(size1, 'BAD_SIZE', 'size1');
  assertUint(size2, 'BAD_SIZE', 'size2');
  if (size1 === size2) return 0;
  if (size1 === 0 || size1 > size2) ledgerFail('BAD_SIZE', `no consistency proof from ${size1} to ${size2}`);
  const seed = isPowerOfTwo(size1) ? 0 : 1;
  const fork = divergeHeight(size1 - 1, size2 - 1);
  return seed + (fork - trailingZeros(size1)) + popcount(shiftRight(size1 - 1, fork));
}

/** The root implied by an inclusion proof (RFC 9162 §2.1.3.2 steps 1–4). */
export function rootFromInclusionProof(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  assertUint(size, 'BAD_SIZE', 'tree size');
  assertUint(index, 'BAD_INDEX', 'leaf index');
  if (index >= size) ledgerFail('BAD_INDEX', `leaf index ${index} is not below tree size ${size}`);
  assertHash(leaf, 'leaf hash');
  checkProofHashes(proof);
  const want = inclusionProofLength(index, size);
  if (proof.length !== want) ledgerFail('BAD_PROOF_LENGTH', `inclusion proof has ${proof.length} hashes, want ${want}`);

  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of proof) {
    if (sn === 0) ledgerFail('BAD_PROOF_LENGTH', 'inclusion proof too long');
    if (isOdd(fn) || fn === sn) {
      r = nodeHash(p, r);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) ledgerFail('BAD_PROOF_LENGTH', 'inclusion proof too short');
  return r;
}

/** Throws LedgerError unless `proof` shows leaf `index` is in the tree (size, root). */
export function verifyInclusion(
  index: number,
  size: number,
  leaf: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  const computed = rootFromInclusionProof(index, size, leaf, proof);
  if (!equalBytes(computed, root)) ledgerFail('PROOF_MISMATCH', 'inclusion proof does not lead to the root');
}

/**
 * Throws LedgerError unless `proof` shows the tree (size1, root1) is a prefix
 * of (size2, root2). size1 = 0 is refused (BAD_SIZE): the empty tree is
 * consistent with everything, so callers such as a witness handle it
 * themselves rather than mistaking it for a verified proof.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  assertUint(size1, 'BAD_SIZE', 'size1');
  assertUint(size2, 'BAD_SIZE', 'size2');
  if (size1 > size2) ledgerFail('BAD_SIZE', `size1 ${size1} exceeds size2 ${size2}`);
  if (size1 === 0) ledgerFail('BAD_SIZE', 'consistency with the empty tree cannot be proven');
  checkProofHashes(proof);
  if (size1 === size2) {
    if (proof.length !== 0) ledgerFail('BAD_PROOF_LENGTH', 'equal sizes need an empty proof');
    if (!equalBytes(root1, root2)) ledgerFail('PROOF_MISMATCH', 'equal sizes but different roots');
    return;
  }
  const want = consistencyProofLength(size1, size2);
  if (proof.length !== want) ledgerFail('BAD_PROOF_LENGTH', `consistency proof has ${proof.length} hashes, want ${want}`);

  // Step 2: a power-of-two size1 is itself a node of the larger tree, so its root seeds the path.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  let fr = path[0] as Uint8Array;
  let sr = fr;
  for (const c of path.slice(1)) {
    if (sn === 0) ledgerFail('BAD_PROOF_LENGTH', 'consistency proof too long');
    if (isOdd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while (!isOdd(fn) && fn !== 0) {
        fn = half(fn);
        sn = half(sn);
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) ledgerFail('BAD_PROOF_LENGTH', 'consistency proof too short');
  if (!equalBytes(fr, root1)) ledgerFail('PROOF_MISMATCH', 'consistency proof does not lead to root1');
  if (!equalBytes(sr, root2)) ledgerFail('PROOF_MISMATCH', 'consistency proof does not lead to root2');
}
