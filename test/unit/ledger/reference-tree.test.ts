/**
 * transparency-dev/merkle testonly/constants.go, parsed from the Go source:
 * leaf inputs, every perfect node hash, the roots of sizes 0–8 and the
 * compact ranges ("frontiers") of sizes 0–8. Also checks that proofs built
 * here equal the published happy-path proofs byte for byte.
 */
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import {
  appendLeaves,
  consistencyProof,
  EMPTY_FRONTIER,
  emptyRoot,
  frontierFromNodes,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeSourceFromLeaves,
} from '../../../src/ledger/index.js';
import { toHex } from '../../../src/ledger/bytes.js';
import { b64, describeWithVectors, hex, jsonFilesUnder, readJson } from './vectors.js';

/** The body of `func <name>(...) ... {` up to the matching closing brace at column 0. */
function goFunctionBody(source: string, name: string): string {
  const start = source.indexOf(`func ${name}(`);
  if (start < 0) throw new Error(`constants.go has no func ${name}`);
  return source.slice(start, source.indexOf('\n}\n', start));
}

const hdValues = (text: string): string[] => [...text.matchAll(/hd\("([0-9a-f]*)"\)/g)].map((m) => m[1] ?? '');

interface Constants {
  leafInputs: string[];
  nodeHashes: string[][];
  roots: string[];
  compactTrees: [number, number][][];
}

function parseConstants(source: string): Constants {
  const nodeBody = goFunctionBody(source, 'NodeHashes');
  const nodeHashes = nodeBody.slice(nodeBody.indexOf('{{')).split(/\},\s*\{/).map(hdValues);
  const rootBody = goFunctionBody(source, 'RootHashes');
  const empty = hdValues(goFunctionBody(source, 'EmptyRootHash'));
  const roots = [...empty, ...hdValues(rootBody)];
  const compactBody = goFunctionBody(source, 'CompactTrees');
  const compactTrees = compactBody
    .slice(compactBody.indexOf('[][][]byte{') + '[][][]byte{'.length)
    .split('\n')
    .filter((line) => /^\s*(nil|\{)/.test(line))
    .map((line) => [...line.matchAll(/nh\[(\d+)\]\[(\d+)\]/g)].map((m): [number, number] => [Number(m[1]), Number(m[2])]));
  return { leafInputs: hdValues(goFunctionBody(source, 'LeafInputs')), nodeHashes, roots, compactTrees };
}

describeWithVectors('reference tree (merkle/testonly/constants.go)', ['merkle/testonly/constants.go', 'merkle/testdata'], (dir) => {
  const c = parseConstants(fs.readFileSync(path.join(dir, 'merkle/testonly/constants.go'), 'utf8'));
  const leaves = c.leafInputs.map((h) => leafHash(hex(h)));

  it('parsed the expected shape', () => {
    expect(c.leafInputs).toHaveLength(8);
    expect(c.nodeHashes.map((l) => l.length)).toEqual([8, 4, 2, 1]);
    expect(c.roots).toHaveLength(9);
    expect(c.compactTrees).toHaveLength(9);
  });

  it('empty root is SHA-256 of the empty string', () => {
    expect(toHex(emptyRoot())).toBe(c.roots[0]);
    expect(toHex(emptyRoot())).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('every perfect node hash matches', () => {
    const node = nodeSourceFromLeaves(leaves);
    c.nodeHashes.forEach((level, l) => level.forEach((h, i) => expect(toHex(node(l, i))).toBe(h)));
  });

  it('roots of sizes 0–8 match', () => {
    for (let size = 0; size <= 8; size++) expect(toHex(merkleRoot(leaves.slice(0, size)))).toBe(c.roots[size]);
  });

  it('appending one leaf at a time reproduces the compact ranges and roots', () => {
    let frontier = EMPTY_FRONTIER;
    for (let size = 0; size <= 8; size++) {
      const want = (c.compactTrees[size] ?? []).map(([l, i]) => c.nodeHashes[l]?.[i]);
      expect(frontier.hashes.map(toHex)).toEqual(want);
      const leaf = leaves[size];
      if (leaf === undefined) break;
      const next = appendLeaves(frontier, [leaf]);
      expect(toHex(next.root)).toBe(c.roots[size + 1]);
      frontier = next.frontier;
    }
  });

  it('frontiers rebuilt from stored nodes match the compact ranges', () => {
    const node = nodeSourceFromLeaves(leaves);
    for (let size = 0; size <= 8; size++) {
      const want = (c.compactTrees[size] ?? []).map(([l, i]) => c.nodeHashes[l]?.[i]);
      expect(frontierFromNodes(size, node).hashes.map(toHex)).toEqual(want);
    }
  });

  it('built proofs equal the published happy-path proofs', () => {
    const node = nodeSourceFromLeaves(leaves);
    const testdata = path.join(dir, 'merkle/testdata');
    const happy = jsonFilesUnder(testdata).filter((f) => /\/(inclusion|consistency)\/\d+\/happy-path\.json$/.test(f));
    expect(happy.length).toBeGreaterThanOrEqual(10);
    for (const file of happy) {
      const v = readJson(file) as Record<string, unknown>;
      const want = ((v.proof as string[] | null) ?? []).map((s) => toHex(b64(s)));
      const got = file.includes('/inclusion/')
        ? inclusionProof(v.leafIdx as number, v.treeSize as number, node)
        : consistencyProof(v.size1 as number, v.size2 as number, node);
      expect(got.map(toHex), file).toEqual(want);
    }
  });
});
