/**
 * Stage 2, integrate: extend the tree with the next batch of sequenced entries, writing
 * the changed tiles and the new size and root in the caller's transaction.
 */
import type { Repos } from '../repositories/store.js';
import { grow, rightEdge } from './tree-growth.js';

export interface Integrated {
  from: number;
  to: number;
  root: Uint8Array;
}

export async function integrate(r: Repos, batchSize: number, now: string): Promise<Integrated | null> {
  const state = await r.log.state();
  if (!state) throw new Error('the registry log is not initialised');
  const rows = await r.log.leafHashesFrom(state.size, batchSize);
  // Only a gap-free run extends the tree; an index can be missing only while the
  // transaction that holds it is still open (PostgreSQL), and then it comes later.
  let n = 0;
  while (n < rows.length && Number(rows[n]!.idx) === state.size + n) n++;
  if (n === 0) return null;
  const edge = await r.log.tiles(rightEdge(state.size));
  const growth = grow(
    state.size,
    edge.map((t) => ({ level: t.level, index: Number(t.idx), width: t.width, hashes: t.hashes })),
    rows.slice(0, n).map((row) => row.leaf_hash),
  );
  await r.log.putTiles(growth.tiles);
  if (!(await r.log.advanceState(state.size, growth.size, growth.root, now))) throw new Error('log state changed under the integrator lock');
  return { from: state.size, to: growth.size, root: growth.root };
}
