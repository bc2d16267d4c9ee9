/**
 * Property tests: proofs built from random trees verify, and flipping any
 * single bit of a proof hash, the root(s) or the leaf breaks verification.
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  consistencyProofLength,
  EMPTY_FRONTIER,
  inclusionProof,
  inclusionProofLength,
  LedgerError,
  leafHash,
  merkleRoot,
  nodeSourceFromLeaves,
  rootAt,
  verifyConsistency,
  verifyInclusion,
} from '../../../src/ledger/index.js';

const MAX_SIZE = 300;
const leafFor = (i: number): Uint8Array => leafHash(Uint8Array.from(createHash('sha256').update(`leaf ${i}`).digest()));
const LEAVES = Array.from({ length: MAX_SIZE }, (_, i) => leafFor(i));
const NODE = nodeSourceFromLeaves(LEAVES);
const ROOTS = Array.from({ length: MAX_SIZE + 1 }, (_, size) => rootAt(size, NODE));

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = Uint8Array.from(bytes);
  copy[bit >> 3] = (copy[bit >> 3] as number) ^ (1 << (bit & 7));
  return copy;
}

const expectLedgerError = (run: () => void): void => expect(run).toThrow(LedgerError);
const bit = fc.integer({ min: 0, max: 255 });

/** (size, index) with 0 <= index < size <= MAX_SIZE. */
const sizeAndIndex = fc.integer({ min: 1, max: MAX_SIZE }).chain((size) => fc.tuple(fc.constant(size), fc.integer({ min: 0, max: size - 1 })));
/** (size1, size2) with 1 <= size1 <= size2 <= MAX_SIZE. */
const twoSizes = fc.integer({ min: 1, max: MAX_SIZE }).chain((size2) => fc.tuple(fc.integer({ min: 1, max: size2 }), fc.constant(size2)));

describe('roots', () => {
  it('incremental appends in random batches give the same roots as MTH', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 40 }), { maxLength: 12 }), (batches) => {
        let state = { frontier: EMPTY_FRONTIER, root: merkleRoot([]) };
        const stored = new Map<string, Uint8Array>();
        for (const n of batches) {
          const start = state.frontier.size;
          if (start + n > MAX_SIZE) break;
          const result = appendLeaves(state.frontier, LEAVES.slice(start, start + n));
          for (const node of result.nodes) stored.set(`${node.level}/${node.index}`, node.hash);
          state = result;
          expect(result.root).toEqual(ROOTS[result.frontier.size]);
        }
        // The nodes reported across batches are exactly the perfect nodes of the final tree.
        const size = state.frontier.size;
        for (const [key, hash] of stored) {
          const [level = 0, index = 0] = key.split('/').map(Number);
          expect(hash).toEqual(NODE(level, index));
        }
        expect(rootAt(size, (l, i) => stored.get(`${l}/${i}`) ?? new Uint8Array(0))).toEqual(ROOTS[size]);
      }),
    );
  });
});

describe('inclusion proofs', () => {
  it('verify, with the length RFC 9162 predicts', () => {
    fc.assert(
      fc.property(sizeAndIndex, ([size, index]) => {
        const proof = inclusionProof(index, size, NODE);
        expect(proof).toHaveLength(inclusionProofLength(index, size));
        verifyInclusion(index, size, LEAVES[index] as Uint8Array, proof, ROOTS[size] as Uint8Array);
      }),
    );
  });

  it('fail after flipping one bit of any proof hash', () => {
    fc.assert(
      fc.property(sizeAndIndex.filter(([size]) => size > 1), fc.nat(), bit, ([size, index], which, b) => {
        const proof = inclusionProof(index, size, NODE);
        const at = which % proof.length;
        const bad = proof.map((h, i) => (i === at ? flipBit(h, b) : h));
        expectLedgerError(() => verifyInclusion(index, size, LEAVES[index] as Uint8Array, bad, ROOTS[size] as Uint8Array));
      }),
    );
  });

  it('fail after flipping one bit of the leaf or the root', () => {
    fc.assert(
      fc.property(sizeAndIndex, bit, fc.boolean(), ([size, index], b, flipLeaf) => {
        const proof = inclusionProof(index, size, NODE);
        const leaf = LEAVES[index] as Uint8Array;
        const root = ROOTS[size] as Uint8Array;
        expectLedgerError(() =>
          verifyInclusion(index, size, flipLeaf ? flipBit(leaf, b) : leaf, proof, flipLeaf ? root : flipBit(root, b)),
        );
      }),
    );
  });

  it('fail for a different index in the same tree', () => {
    fc.assert(
      fc.property(sizeAndIndex, fc.nat(), ([size, index], other) => {
        fc.pre(size > 1 && other % size !== index);
        const proof = inclusionProof(index, size, NODE);
        expectLedgerError(() => verifyInclusion(other % size, size, LEAVES[index] as Uint8Array, proof, ROOTS[size] as Uint8Array));
      }),
    );
  });
});

describe('consistency proofs', () => {
  it('verify, with the length RFC 9162 predicts', () => {
    fc.assert(
      fc.property(twoSizes, ([size1, size2]) => {
        const proof = consistencyProof(size1, size2, NODE);
        if (size1 < size2) expect(proof).toHaveLength(consistencyProofLength(size1, size2));
        verifyConsistency(size1, size2, proof, ROOTS[size1] as Uint8Array, ROOTS[size2] as Uint8Array);
      }),
    );
  });

  it('fail after flipping one bit of any proof hash', () => {
    fc.assert(
      fc.property(twoSizes.filter(([a, b]) => a < b), fc.nat(), bit, ([size1, size2], which, b) => {
        const proof = consistencyProof(size1, size2, NODE);
        const at = which % proof.length;
        const bad = proof.map((h, i) => (i === at ? flipBit(h, b) : h));
        expectLedgerError(() => verifyConsistency(size1, size2, bad, ROOTS[size1] as Uint8Array, ROOTS[size2] as Uint8Array));
      }),
    );
  });

  it('fail after flipping one bit of either root', () => {
    fc.assert(
      fc.property(twoSizes, bit, fc.boolean(), ([size1, size2], b, first) => {
        const proof = consistencyProof(size1, size2, NODE);
        const r1 = ROOTS[size1] as Uint8Array;
        const r2 = ROOTS[size2] as Uint8Array;
        expectLedgerError(() => verifyConsistency(size1, size2, proof, first ? flipBit(r1, b) : r1, first ? r2 : flipBit(r2, b)));
      }),
    );
  });

  it('fail when the proof is for other sizes', () => {
    fc.assert(
      fc.property(twoSizes.filter(([a, b]) => a < b), fc.integer({ min: 1, max: MAX_SIZE }), ([size1, size2], other) => {
        fc.pre(other !== size1 && other <= size2);
        const proof = consistencyProof(size1, size2, NODE);
        expectLedgerError(() => verifyConsistency(other, size2, proof, ROOTS[other] as Uint8Array, ROOTS[size2] as Uint8Array));
      }),
    );
  });
});
