/**
 * Integrating a batch into a tiled tree, as a pure function (tessera's integrate with the
 * storage passed in). The only stored state it needs is the right edge of the tree: the
 * partial tile at each level, which holds every node of the frontier (a frontier node in a
 * full tile would be covered by a larger perfect subtree, so it would not be on the
 * frontier). It returns the new root and every tile the batch changed, ready to store.
 */
import {
  appendLeaves,
  frontierFromNodes,
  nodeSourceFromTiles,
  partialTileWidth,
  tilesForGrowth,
  TILE_HEIGHT,
  TILE_WIDTH,
  type TileRef,
} from '../ledger/index.js';

export interface TileData extends TileRef {
  /** Concatenated 32-byte hashes, `width` of them. */
  readonly hashes: Uint8Array;
}

export interface Growth {
  readonly size: number;
  readonly root: Uint8Array;
  readonly tiles: readonly TileData[];
}

const tileKey = (level: number, index: number): string => `${level}/${index}`;

/** The partial tiles of a tree of `size` leaves: what `grow` needs to read. */
export function rightEdge(size: number): TileRef[] {
  const refs: TileRef[] = [];
  for (let level = 0; Math.floor(size / TILE_WIDTH ** level) > 0; level++) {
    const width = partialTileWidth(level, size);
    if (width > 0) refs.push({ level, index: Math.floor(size / TILE_WIDTH ** (level + 1)), width });
  }
  return refs;
}

export function splitHashes(bytes: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < bytes.length; i += 32) out.push(bytes.subarray(i, i + 32));
  return out;
}

/**
 * Appends `leafHashes` to the tree of `oldSize` leaves whose right-edge tiles are `edge`
 * (keyed by level and index; extra tiles are ignored).
 */
export function grow(oldSize: number, edge: readonly TileData[], leafHashes: readonly Uint8Array[]): Growth {
  const stored = new Map(edge.map((t) => [tileKey(t.level, t.index), splitHashes(t.hashes)]));
  const read = (level: number, index: number) => stored.get(tileKey(level, index)) ?? [];
  const frontier = frontierFromNodes(oldSize, nodeSourceFromTiles(read));
  const { frontier: next, root, nodes } = appendLeaves(frontier, leafHashes);

  // New tile entries are the new nodes on tile boundaries (levels 0, 8, 16, …).
  const fresh = new Map<string, Uint8Array[]>();
  for (const n of nodes) {
    if (n.level % TILE_HEIGHT !== 0) continue;
    const key = tileKey(n.level / TILE_HEIGHT, Math.floor(n.index / TILE_WIDTH));
    const list = fresh.get(key);
    if (list) list.push(n.hash);
    else fresh.set(key, [n.hash]);
  }
  const tiles = tilesForGrowth(oldSize, next.size).map((ref): TileData => {
    const before = read(ref.level, ref.index);
    const added = fresh.get(tileKey(ref.level, ref.index)) ?? [];
    const hashes = new Uint8Array(ref.width * 32);
    let offset = 0;
    for (const h of [...before.slice(0, ref.width), ...added]) {
      hashes.set(h, offset);
      offset += 32;
    }
    if (offset !== hashes.length) throw new Error(`tile ${ref.level}/${ref.index}: built ${offset / 32} of ${ref.width} hashes`);
    return { ...ref, hashes };
  });
  return { size: next.size, root, tiles };
}
