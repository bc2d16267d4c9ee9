import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inclusionProof, inclusionProofNodeIds, leafHash, merkleRoot, nodeSourceFromLeaves, TILE_WIDTH, tilesForTreeSize, verifyInclusion } from '../../../src/ledger/index.js';
import { TileCache } from '../../../src/log/tile-cache.js';
import { grow, rightEdge, type TileData } from '../../../src/log/tree-growth.js';

const leaves = (n: number, from = 0) => Array.from({ length: n }, (_, i) => leafHash(new TextEncoder().encode(`leaf ${from + i}`)));

/** A tile store the way the log keeps it: one row per tile, the latest width. */
class Tiles {
  readonly rows = new Map<string, TileData>();
  put(tiles: readonly TileData[]) {
    for (const t of tiles) this.rows.set(`${t.level}/${t.index}`, t);
  }
  edge(size: number) {
    return rightEdge(size).map((r) => this.rows.get(`${r.level}/${r.index}`)!);
  }
  async tiles(refs: readonly { level: number; index: number }[]) {
    return refs.flatMap((r) => {
      const t = this.rows.get(`${r.level}/${r.index}`);
      return t ? [{ level: t.level, idx: t.index, width: t.width, hashes: t.hashes }] : [];
    });
  }
}

describe('integrating batches into tiles', () => {
  it('gives the RFC 6962 root and exactly the tiles tlog-tiles defines, whatever the batches', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: 700 }), { minLength: 1, maxLength: 6 }), (batches) => {
        const store = new Tiles();
        const all: Uint8Array[] = [];
        let size = 0;
        for (const n of batches) {
          const batch = leaves(n, size);
          const g = grow(size, store.edge(size), batch);
          store.put(g.tiles);
          all.push(...batch);
          size = g.size;
          expect(Buffer.compare(g.root, merkleRoot(all))).toBe(0);
        }
        // Every tile of the final tree holds the MTHs the spec prescribes.
        const reference = nodeSourceFromLeaves(all);
        for (const ref of tilesForTreeSize(size)) {
          const row = store.rows.get(`${ref.level}/${ref.index}`)!;
          expect(row.width).toBe(ref.width);
          for (let i = 0; i < ref.width; i++) {
            const want = reference(8 * ref.level, ref.index * TILE_WIDTH + i);
            expect(Buffer.compare(row.hashes.subarray(i * 32, i * 32 + 32), want)).toBe(0);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it('crosses tile levels: 65,536 leaves make one level-2 hash', () => {
    const store = new Tiles();
    let size = 0;
    for (const n of [65_535, 1, 3]) {
      const g = grow(size, store.edge(size), leaves(n, size));
      store.put(g.tiles);
      size = g.size;
    }
    expect(store.rows.get('2/0')!.width).toBe(1);
    expect(store.rows.get('1/0')!.width).toBe(256);
    // 256 full level-0 tiles fill level 1 exactly: no partial tile there yet.
    expect(store.rows.has('1/1')).toBe(false);
  });

  it('builds proofs from cached, expanded tiles that verify against the root', async () => {
    const store = new Tiles();
    const all = leaves(1_000);
    const g = grow(0, [], all);
    store.put(g.tiles);
    const cache = new TileCache(4);
    for (const index of [0, 255, 256, 511, 999]) {
      const proof = inclusionProof(index, 1_000, await cache.nodeSource(store, inclusionProofNodeIds(index, 1_000), 1_000));
      verifyInclusion(index, 1_000, all[index]!, proof, g.root);
    }
    expect(cache.size).toBeLessThanOrEqual(4);
  });
});
