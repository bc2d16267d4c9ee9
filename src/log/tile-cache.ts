/**
 * Proofs from tiles without rehashing. A tile holds the bottom row of an 8-level subtree;
 * a proof needs nodes inside it, which cost up to 255 hashes to rebuild. Tiles never
 * change once written (a partial tile of a given width included), so each is expanded
 * once into all its levels and kept in a small LRU: after that a proof is ~20 lookups.
 */
import { nodeHash, nodeTile, type NodeId, type NodeSource } from '../ledger/index.js';
import { splitHashes } from './tree-growth.js';

/** levels[k][i]: node at level k of the tile (0 = the tile's own hashes). */
type Expanded = Uint8Array[][];

function expand(hashes: Uint8Array[]): Expanded {
  const levels: Expanded = [hashes];
  for (let below = hashes; below.length > 1; ) {
    const above: Uint8Array[] = [];
    for (let i = 0; i + 1 < below.length; i += 2) above.push(nodeHash(below[i]!, below[i + 1]!));
    levels.push(above);
    below = above;
  }
  return levels;
}

export interface TileRowSource {
  tiles(refs: readonly { level: number; index: number }[]): Promise<{ level: number; idx: number; width: number; hashes: Uint8Array }[]>;
}

export class TileCache {
  private readonly tiles = new Map<string, Expanded>();

  constructor(private readonly capacity = 2048) {}

  get size(): number {
    return this.tiles.size;
  }

  /**
   * A NodeSource for the nodes `ids` of the tree of `treeSize` leaves, fetching the tiles
   * not cached yet in one query.
   */
  async nodeSource(source: TileRowSource, ids: readonly NodeId[], treeSize: number): Promise<NodeSource> {
    const wanted = new Map<string, { level: number; index: number; width: number }>();
    for (const id of ids) {
      const { tile } = nodeTile(id.level, id.index);
      const width = Math.min(256, Math.floor(treeSize / 256 ** tile.level) - tile.index * 256);
      wanted.set(`${tile.level}/${tile.index}/${width}`, { ...tile, width });
    }
    const missing = [...wanted.entries()].filter(([k]) => !this.touch(k));
    if (missing.length > 0) {
      const rows = new Map((await source.tiles(missing.map(([, t]) => t))).map((r) => [`${r.level}/${r.idx}`, r]));
      for (const [key, t] of missing) {
        const row = rows.get(`${t.level}/${t.index}`);
        // A stored tile may already be wider than this tree needs: its prefix is the tile we want.
        if (row && row.hashes.length >= t.width * 32) this.put(key, expand(splitHashes(row.hashes.subarray(0, t.width * 32))));
      }
    }
    const byTile = new Map([...wanted.entries()].map(([k, t]) => [`${t.level}/${t.index}`, this.tiles.get(k)]));
    return (level, index) => {
      const { tile, levelInTile, indexInTile } = nodeTile(level, index);
      const node = byTile.get(`${tile.level}/${tile.index}`)?.[levelInTile]?.[indexInTile];
      if (!node) throw new Error(`tile ${tile.level}/${tile.index} lacks node (${level}, ${index})`);
      return node;
    };
  }

  private touch(key: string): boolean {
    const hit = this.tiles.get(key);
    if (!hit) return false;
    this.tiles.delete(key);
    this.tiles.set(key, hit);
    return true;
  }

  private put(key: string, tile: Expanded): void {
    this.tiles.set(key, tile);
    if (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value!);
  }
}
