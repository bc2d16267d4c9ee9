/**
 * Proofs over stored tiles. The ledger builds proofs synchronously from a NodeSource; our
 * tiles live in the database, so the tiles a proof will touch are listed first, fetched in
 * one query, and then read synchronously.
 */
import { nodeSourceFromTiles, nodeTile, type NodeId, type NodeSource } from '../ledger/index.js';
import { splitHashes } from './tree-growth.js';

export interface TileFetcher {
  tiles(refs: readonly { level: number; index: number }[]): Promise<{ level: number; idx: number; hashes: Uint8Array }[]>;
}

/** A NodeSource answering for `ids` (and anything else in the same tiles). */
export async function nodeSourceFor(fetcher: TileFetcher, ids: readonly NodeId[]): Promise<NodeSource> {
  const wanted = new Map<string, { level: number; index: number }>();
  for (const id of ids) {
    const { tile } = nodeTile(id.level, id.index);
    wanted.set(`${tile.level}/${tile.index}`, tile);
  }
  const rows = await fetcher.tiles([...wanted.values()]);
  const byKey = new Map(rows.map((t) => [`${t.level}/${t.idx}`, splitHashes(t.hashes)]));
  return nodeSourceFromTiles((level, index) => byKey.get(`${level}/${index}`) ?? []);
}
