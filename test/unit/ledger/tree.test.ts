/** Hashing, tree roots, the frontier, proof building and verification error codes. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  consistencyProofNodeIds,
  EMPTY_FRONTIER,
  emptyRoot,
  frontierNodeIds,
  frontierRoot,
  inclusionProof,
  inclusionProofNodeIds,
  leafHash,
  merkleRoot,
  nodeHash,
  nodeSourceFromLeaves,
  rootAt,
  verifyConsistency,
  verifyInclusion,
  type NodeSource,
} from '../../../src/ledger/index.js';
import { divergeHeight, popcount, trailingZeros } from '../../../src/ledger/bits.js';
import { toHex } from '../../../src/ledger/bytes.js';
import { expectCode } from './helpers.js';

const leaves = Array.from({ length: 9 }, (_, i) => leafHash(Uint8Array.of(i)));
const node = nodeSourceFromLeaves(leaves);

describe('hashing (RFC 9162 §2.1.1)', () => {
  it('leaf hash is SHA-256(0x00 || data), node hash SHA-256(0x01 || l || r)', () => {
    expect(toHex(leafHash(new Uint8Array(0)))).toBe('6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d');
    const [a, b] = [leaves[0] as Uint8Array, leaves[1] as Uint8Array];
    expect(merkleRoot([a, b])).toEqual(nodeHash(a, b));
  });
  it('the empty tree hashes to SHA-256("")', () => expect(merkleRoot([])).toEqual(emptyRoot()));
  it('a one-leaf tree’s root is the leaf hash', () => expect(merkleRoot([leaves[3] as Uint8Array])).toEqual(leaves[3]));
  it('node hash of a short child: BAD_HASH_LENGTH', () => expectCode(() => nodeHash(new Uint8Array(31), leaves[0] as Uint8Array), 'BAD_HASH_LENGTH'));
  it('root of a short leaf hash: BAD_HASH_LENGTH', () => expectCode(() => merkleRoot([new Uint8Array(5)]), 'BAD_HASH_LENGTH'));
  it('node missing from a leaf source: MISSING_NODE', () => expectCode(() => rootAt(10, node), 'MISSING_NODE'));
});

describe('frontier', () => {
  it('size 5 is covered by the 4-leaf and 1-leaf subtrees', () => {
    expect(frontierNodeIds(5)).toEqual([
      { level: 2, index: 0 },
      { level: 0, index: 4 },
    ]);
    expect(frontierNodeIds(0)).toEqual([]);
  });

  it('appending reports every completed node', () => {
    const r = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 4));
    expect(r.nodes.map((n) => `${n.level}/${n.index}`)).toEqual(['0/0', '0/1', '1/0', '0/2', '0/3', '1/1', '2/0']);
    expect(r.root).toEqual(merkleRoot(leaves.slice(0, 4)));
    expect(frontierRoot(r.frontier)).toEqual(r.root);
  });

  it('does not modify its input', () => {
    const first = appendLeaves(EMPTY_FRONTIER, leaves.slice(0, 3)).frontier;
    const copy = [...first.hashes];
    appendLeaves(first, leaves.slice(3));
    expect(first.hashes).toEqual(copy);
  });

  it('wrong number of hashes for the size: MALFORMED_FRONTIER', () => {
    expectCode(() => appendLeaves({ size: 3, hashes: [leaves[0] as Uint8Array] }, []), 'MALFORMED_FRONTIER');
  });
  it('negative size: MALFORMED_FRONTIER', () => expectCode(() => frontierRoot({ size: -1, hashes: [] }), 'MALFORMED_FRONTIER'));
  it('short hash in the frontier: BAD_HASH_LENGTH', () => expectCode(() => frontierRoot({ size: 1, hashes: [new Uint8Array(3)] }), 'BAD_HASH_LENGTH'));
});

describe('proof building', () => {
  it('node IDs list exactly the nodes read', () => {
    const seen = new Set<string>();
    const recording: NodeSource = (l, i) => (seen.add(`${l}/${i}`), node(l, i));
    inclusionProof(2, 7, recording);
    expect(new Set(inclusionProofNodeIds(2, 7).map((n) => `${n.level}/${n.index}`))).toEqual(seen);
    seen.clear();
    consistencyProof(3, 9, recording);
    expect(new Set(consistencyProofNodeIds(3, 9).map((n) => `${n.level}/${n.index}`))).toEqual(seen);
  });

  it('index beyond the tree: BAD_INDEX', () => expectCode(() => inclusionProof(7, 7, node), 'BAD_INDEX'));
  it('negative index: BAD_INDEX', () => expectCode(() => inclusionProof(-1, 7, node), 'BAD_INDEX'));
  it('fractional size: BAD_SIZE', () => expectCode(() => inclusionProof(0, 1.5, node), 'BAD_SIZE'));
  it('consistency from the empty tree: BAD_SIZE', () => expectCode(() => consistencyProof(0, 3, node), 'BAD_SIZE'));
  it('consistency to a smaller tree: BAD_SIZE', () => expectCode(() => consistencyProof(4, 3, node), 'BAD_SIZE'));
  it('equal sizes give an empty consistency proof', () => expect(consistencyProof(4, 4, node)).toEqual([]));
});

describe('verification error codes', () => {
  const root7 = rootAt(7, node);
  const leaf = leaves[2] as Uint8Array;
  const proof = inclusionProof(2, 7, node);
  it('index >= size: BAD_INDEX', () => expectCode(() => verifyInclusion(7, 7, leaf, proof, root7), 'BAD_INDEX'));
  it('size not an integer: BAD_SIZE', () => expectCode(() => verifyInclusion(2, Number.NaN, leaf, proof, root7), 'BAD_SIZE'));
  it('leaf of wrong length: BAD_HASH_LENGTH', () => expectCode(() => verifyInclusion(2, 7, leaf.subarray(1), proof, root7), 'BAD_HASH_LENGTH'));
  it('proof hash of wrong length: BAD_HASH_LENGTH', () => expectCode(() => verifyInclusion(2, 7, leaf, [...proof.slice(1), new Uint8Array(0)], root7), 'BAD_HASH_LENGTH'));
  it('proof too long: BAD_PROOF_LENGTH', () => expectCode(() => verifyInclusion(2, 7, leaf, [...proof, leaf], root7), 'BAD_PROOF_LENGTH'));
  it('proof too short: BAD_PROOF_LENGTH', () => expectCode(() => verifyInclusion(2, 7, leaf, proof.slice(1), root7), 'BAD_PROOF_LENGTH'));
  it('wrong root: PROOF_MISMATCH', () => expectCode(() => verifyInclusion(2, 7, leaf, proof, rootAt(6, node)), 'PROOF_MISMATCH'));

  const cproof = consistencyProof(3, 7, node);
  const root3 = rootAt(3, node);
  it('size1 > size2: BAD_SIZE', () => expectCode(() => verifyConsistency(7, 3, cproof, root7, root3), 'BAD_SIZE'));
  it('size1 = 0: BAD_SIZE', () => expectCode(() => verifyConsistency(0, 7, [], emptyRoot(), root7), 'BAD_SIZE'));
  it('equal sizes with a proof: BAD_PROOF_LENGTH', () => expectCode(() => verifyConsistency(7, 7, cproof, root7, root7), 'BAD_PROOF_LENGTH'));
  it('equal sizes, different roots: PROOF_MISMATCH', () => expectCode(() => verifyConsistency(7, 7, [], root7, root3), 'PROOF_MISMATCH'));
  it('empty proof for different sizes: BAD_PROOF_LENGTH', () => expectCode(() => verifyConsistency(3, 7, [], root3, root7), 'BAD_PROOF_LENGTH'));
  it('wrong root1: PROOF_MISMATCH', () => expectCode(() => verifyConsistency(3, 7, cproof, root7, root7), 'PROOF_MISMATCH'));
  it('wrong root2: PROOF_MISMATCH', () => expectCode(() => verifyConsistency(3, 7, cproof, root3, root3), 'PROOF_MISMATCH'));
});

describe('sizes beyond 32 bits', () => {
  // A tree whose leaves are all equal: every perfect node at a level has the same hash,
  // so roots and proofs of huge trees are cheap, yet right-edge subtrees still differ.
  const levelHash: Uint8Array[] = [leafHash(new Uint8Array([42]))];
  for (let l = 1; l <= 53; l++) levelHash.push(nodeHash(levelHash[l - 1] as Uint8Array, levelHash[l - 1] as Uint8Array));
  const uniform: NodeSource = (level) => levelHash[level] as Uint8Array;
  const big = fc.integer({ min: 2 ** 32, max: Number.MAX_SAFE_INTEGER });

  it('bit helpers agree with BigInt', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), (a, b) => {
        expect(divergeHeight(a, b)).toBe((BigInt(a) ^ BigInt(b)).toString(2).replace(/^0$/, '').length);
        expect(popcount(a)).toBe([...a.toString(2)].filter((c) => c === '1').length);
        if (a > 0) expect(trailingZeros(a)).toBe(a.toString(2).length - a.toString(2).replace(/0+$/, '').length);
      }),
    );
  });

  it('inclusion and consistency proofs verify for huge trees', () => {
    fc.assert(
      fc.property(big, fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (size, fi, fs) => {
        const index = Math.min(size - 1, Math.floor(fi * size));
        const size1 = Math.max(1, Math.min(size, Math.floor(fs * size)));
        const root = rootAt(size, uniform);
        verifyInclusion(index, size, levelHash[0] as Uint8Array, inclusionProof(index, size, uniform), root);
        verifyConsistency(size1, size, consistencyProof(size1, size, uniform), rootAt(size1, uniform), root);
      }),
      { numRuns: 50 },
    );
  });
});
