/**
 * Rebuilds a tree from a stream of leaf hashes for the audit, keeping only what it must:
 * the frontier, the root at every checkpoint size, and the hashes that belong in tiles
 * above level 0 (1/256 of the leaves). Level-0 tiles are compared by the caller as the
 * leaves stream past.
 */
import { appendLeaves, EMPTY_FRONTIER, emptyRoot, TILE_HEIGHT, TILE_WIDTH, type Frontier } from '../ledger/index.js';

export class TreeRecompute {
  private frontier: Frontier = EMPTY_FRONTIER;
  readonly roots = new Map<number, Uint8Array>();
  private readonly upper = new Map<string, Uint8Array[]>();

  /** `sizes`: the tree sizes whose roots are wanted (checkpoints, the stored state). */
  constructor(private readonly sizes: readonly number[]) {
    if (sizes.includes(0)) this.roots.set(0, emptyRoot());
  }

  get size(): number {
    return this.frontier.size;
  }

  push(leafHashes: readonly Uint8Array[]): void {
    let from = 0;
    while (from < leafHashes.length) {
      const stop = this.sizes.find((s) => s > this.frontier.size && s <= this.frontier.size + (leafHashes.length - from));
      const to = stop === undefined ? leafHashes.length : from + (stop - this.frontier.size);
      const { frontier, root, nodes } = appendLeaves(this.frontier, leafHashes.slice(from, to));
      for (const n of nodes) {
        if (n.level === 0 || n.level % TILE_HEIGHT !== 0) continue;
        const key = `${n.level / TILE_HEIGHT}/${Math.floor(n.index / TILE_WIDTH)}`;
        const list = this.upper.get(key);
        if (list) list.push(n.hash);
        else this.upper.set(key, [n.hash]);
      }
      this.frontier = frontier;
      if (stop !== undefined) this.roots.set(stop, root);
      from = to;
    }
  }

  /** Hashes of tile (level ≥ 1, index) as far as the tree has grown. */
  upperTile(level: number, index: number): readonly Uint8Array[] {
    return this.upper.get(`${level}/${index}`) ?? [];
  }

  upperTileKeys(): { level: number; index: number }[] {
    return [...this.upper.keys()].map((k) => {
      const [level, index] = k.split('/').map(Number);
      return { level: level!, index: index! };
    });
  }
}
