/**
 * Which tiles exist for a tree size, which ones a batch changes, and how to
 * read any perfect tree node out of tiles (tlog-tiles "Merkle Tree").
 */
import { assertUint } from './bits.js';
import { ledgerFail } from './errors.js';
import { TILE_HEIGHT, TILE_WIDTH, type TileRef } from './tiles.js';
import { merkleRoot, type NodeSource } from './tree.js';

/** Number of tree nodes at level 8·tileLevel that exist (are complete) in a tree of `treeSize` leaves. */
const nodesAtTileBase = (tileLevel: number, treeSize: number): number => Math.floor(treeSize / TILE_WIDTH ** tileLevel);

/** Width of the partial tile at `tileLevel` (0 if there is none): floor(s / 256^l) mod 256. */
export function partialTileWidth(tileLevel: number, treeSize: number): number {
  assertUint(treeSize, 'BAD_SIZE', 'tree size');
  return nodesAtTileBase(tileLevel, treeSize) % TILE_WIDTH;
}

/**
 * Tiles that changed (or appeared) when the tree grew from oldSize to
 * newSize, at every level, bottom-up — what a log must write before
 * publishing the new checkpoint. Entry bundles follow the level-0 tiles.
 */
export function tilesForGrowth(oldSize: number, newSize: number): TileRef[] {
  assertUint(oldSize, 'BAD_SIZE', 'old size');
  assertUint(newSize, 'BAD_SIZE', 'new size');
  if (oldSize > newSize) ledgerFail('BAD_SIZE', 'tree cannot shrink');
  const tiles: TileRef[] = [];
  for (let level = 0; nodesAtTileBase(level, newSize) > 0; level++) {
    const before = nodesAtTileBase(level, oldSize);
    const after = nodesAtTileBase(level, newSize);
    if (after === before) continue;
    for (let index = Math.floor(before / TILE_WIDTH); index * TILE_WIDTH < after; index++) {
      tiles.push({ level, index, width: Math.min(TILE_WIDTH, after - index * TILE_WIDTH) });
    }
  }
  return tiles;
}

/** Every tile (full and partial) of a tree of `treeSize` leaves. */
export const tilesForTreeSize = (treeSize: number): TileRef[] => tilesForGrowth(0, treeSize);

/** Where tree node (level, index) lives: the tile, and its position among the tile's internal levels. */
export function nodeTile(level: number, index: number): { tile: { level: number; index: number }; levelInTile: number; indexInTile: number } {
  assertUint(level, 'BAD_INDEX', 'node level');
  assertUint(index, 'BAD_INDEX', 'node index');
  const levelInTile = level % TILE_HEIGHT;
  const perTile = 2 ** (TILE_HEIGHT - levelInTile);
  return {
    tile: { level: Math.floor(level / TILE_HEIGHT), index: Math.floor(index / perTile) },
    levelInTile,
    indexInTile: index % perTile,
  };
}

/**
 * A NodeSource that reads tiles. `readTile` returns the tile's hashes (a
 * partial tile is fine as long as it covers the node asked for); nodes
 * between tile levels are rehashed from the tile, as the spec intends.
 */
export function nodeSourceFromTiles(readTile: (tileLevel: number, tileIndex: number) => readonly Uint8Array[]): NodeSource {
  return (level, index) => {
    const { tile, levelInTile, indexInTile } = nodeTile(level, index);
    const hashes = readTile(tile.level, tile.index);
    const span = 2 ** levelInTile;
    const start = indexInTile * span;
    if (hashes.length < start + span) ledgerFail('MISSING_NODE', `tile ${tile.level}/${tile.index} too narrow for node (${level}, ${index})`);
    return span === 1 ? (hashes[start] as Uint8Array) : merkleRoot(hashes.slice(start, start + span));
  };
}
