/**
 * The right-edge frontier (a compact range [0, size)): one perfect-subtree
 * hash per 1-bit of `size`, largest (leftmost) first. It is all a log needs to
 * append a batch and compute the new root without re-reading old leaves, and
 * the batch's newly completed nodes are reported so the caller can persist
 * them for later proofs.
 */
import { assertUint, half, isOdd, popcount, shiftRight } from './bits.js';
import { ledgerFail } from './errors.js';
import { assertHash, emptyRoot, nodeHash } from './hash.js';
import type { NodeId, NodeSource } from './tree.js';

export interface Frontier {
  readonly size: number;
  /** Perfect-subtree roots covering [0, size), left to right. */
  readonly hashes: readonly Uint8Array[];
}

export interface StoredNode extends NodeId {
  readonly hash: Uint8Array;
}

export interface AppendResult {
  readonly frontier: Frontier;
  readonly root: Uint8Array;
  /** Every perfect subtree completed by this batch, leaves (level 0) included, in creation order. */
  readonly nodes: readonly StoredNode[];
}

export const EMPTY_FRONTIER: Frontier = Object.freeze({ size: 0, hashes: Object.freeze([]) as readonly Uint8Array[] });

export function assertFrontier(f: Frontier): void {
  assertUint(f.size, 'MALFORMED_FRONTIER', 'frontier size');
  if (f.hashes.length !== popcount(f.size)) {
    ledgerFail('MALFORMED_FRONTIER', `size ${f.size} needs ${popcount(f.size)} hashes, got ${f.hashes.length}`);
  }
  f.hashes.forEach((h, i) => assertHash(h, `frontier hash ${i}`));
}

/** Root of the tree the frontier describes: fold right to left (RFC 9162 §2.1.1 split). */
export function frontierRoot(f: Frontier): Uint8Array {
  assertFrontier(f);
  let root: Uint8Array | undefined;
  for (let i = f.hashes.length - 1; i >= 0; i--) {
    const h = f.hashes[i] as Uint8Array;
    root = root === undefined ? h : nodeHash(h, root);
  }
  return root ?? emptyRoot();
}

/** Perfect subtrees covering [0, size), left to right. */
export function frontierNodeIds(size: number): NodeId[] {
  assertUint(size, 'BAD_SIZE', 'tree size');
  const ids: NodeId[] = [];
  let covered = 0;
  for (let level = 53; level >= 0; level--) {
    if (isOdd(shiftRight(size, level))) {
      ids.push({ level, index: covered / 2 ** level });
      covered += 2 ** level;
    }
  }
  return ids;
}

/** Rebuilds the frontier of a stored tree from its persisted perfect nodes. */
export function frontierFromNodes(size: number, node: NodeSource): Frontier {
  const hashes = frontierNodeIds(size).map(({ level, index }) => {
    const h = node(level, index);
    assertHash(h, `node (${level}, ${index})`);
    return h;
  });
  return { size, hashes };
}

/** Appends leaf hashes to the tree described by `frontier`. Pure: the input is not modified. */
export function appendLeaves(frontier: Frontier, leafHashes: readonly Uint8Array[]): AppendResult {
  assertFrontier(frontier);
  const stack = [...frontier.hashes];
  const nodes: StoredNode[] = [];
  let size = frontier.size;
  for (const leaf of leafHashes) {
    assertHash(leaf, `leaf hash ${size}`);
    if (size + 1 > Number.MAX_SAFE_INTEGER) ledgerFail('BAD_SIZE', 'tree size overflow');
    let carry = leaf;
    let index = size;
    nodes.push({ level: 0, index, hash: carry });
    // Each trailing 1-bit of the old size is a left sibling that now completes.
    for (let level = 0, rest = size; isOdd(rest); level++, rest = half(rest)) {
      const left = stack.pop() as Uint8Array;
      carry = nodeHash(left, carry);
      index = half(index);
      nodes.push({ level: level + 1, index, hash: carry });
    }
    stack.push(carry);
    size++;
  }
  const next: Frontier = { size, hashes: stack };
  return { frontier: next, root: frontierRoot(next), nodes };
}
