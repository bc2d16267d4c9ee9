import { describe, expect, it } from 'vitest';
import { appendLeaves, EMPTY_FRONTIER, leafHash, merkleRoot, TILE_HEIGHT, TILE_WIDTH } from '../../../src/ledger/index.js';
import { TreeRecompute } from '../../../src/log/tree-recompute.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${i}`)));
const packed = (hashes: readonly Uint8Array[]) => Buffer.concat(hashes);

describe('the audit tree rebuild', () => {
  // Past 65,536 leaves, so that a level-2 tile (level 16 nodes) is built too.
  const n = TILE_WIDTH * TILE_WIDTH + 300;
  const all = leaves(n);
  const sizes = [0, 1, 2, 3, 7, 255, 256, 257, 1000, 65_535, 65_536, n];

  it('gives the RFC 9162 root at every wanted size and the upper tiles the ledger builds, in any batches', () => {
    const tree = new TreeRecompute([...sizes, 1000]);
    // Uneven batches, through both entry points.
    for (let at = 0, k = 0; at < n; k++) {
      const end = Math.min(n, at + [1, 255, 4096, 37, 32_768][k % 5]!);
      if (k % 2 === 0) tree.push(all.slice(at, end));
      else tree.pushPacked(packed(all.slice(at, end)));
      at = end;
    }
    expect(tree.size).toBe(n);
    for (const s of sizes) expect(Buffer.from(tree.roots.get(s)!).toString('hex'), `root at ${s}`).toBe(Buffer.from(merkleRoot(all.slice(0, s))).toString('hex'));

    const expected = new Map<string, string[]>();
    for (const node of appendLeaves(EMPTY_FRONTIER, all).nodes) {
      if (node.level === 0 || node.level % TILE_HEIGHT !== 0) continue;
      const key = `${node.level / TILE_HEIGHT}/${Math.floor(node.index / TILE_WIDTH)}`;
      expected.set(key, [...(expected.get(key) ?? []), Buffer.from(node.hash).toString('hex')]);
    }
    expect(expected.has('2/0')).toBe(true);
    expect(tree.upperTileKeys().map((k) => `${k.level}/${k.index}`).sort()).toEqual([...expected.keys()].sort());
    for (const [key, hashes] of expected) {
      const [level, index] = key.split('/').map(Number);
      expect(tree.upperTile(level!, index!).map((h) => Buffer.from(h).toString('hex')), key).toEqual(hashes);
    }
  });

  it('refuses a leaf hash of the wrong length', () => {
    expect(() => new TreeRecompute([1]).push([new Uint8Array(31)])).toThrow(RangeError);
    expect(() => new TreeRecompute([1]).pushPacked(new Uint8Array(33))).toThrow(RangeError);
  });
});
