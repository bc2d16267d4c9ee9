/**
 * Rebuilds a tree from a stream of leaf hashes for the audit, keeping only what it must:
 * the frontier, the root at every checkpoint size, and the hashes that belong in tiles
 * above level 0 (1/256 of the leaves). Level-0 tiles are compared by the caller as the
 * leaves stream past.
 *
 * The same frontier walk as the ledger's appendLeaves, over leaf hashes packed 32 bytes
 * each: the audit's main thread runs it for every leaf of the log, and one object per leaf
 * and per node (a view, a node record, a copied hash) made that thread's collector the
 * largest part of its time.
 */
import { hash } from 'node:crypto';
import { emptyRoot, HASH_SIZE, nodeHash, TILE_HEIGHT, TILE_WIDTH } from '../ledger/index.js';

/** Frontier hashes fit in 64 slots: one per bit of the size. */
const MAX_HEIGHT = 64;

export class TreeRecompute {
  private count = 0;
  /** Perfect-subtree roots covering [0, count), left to right, HASH_SIZE bytes each. */
  private readonly stack = new Uint8Array(MAX_HEIGHT * HASH_SIZE);
  private depth = 0;
  /** 0x01 || left || right: the input of one node hash. */
  private readonly scratch = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);
  readonly roots = new Map<number, Uint8Array>();
  private readonly upper = new Map<string, Uint8Array[]>();
  private readonly sizes: readonly number[];

  /** `sizes`: the tree sizes whose roots are wanted (checkpoints, the stored state). */
  constructor(sizes: readonly number[]) {
    this.sizes = [...new Set(sizes)].sort((a, b) => a - b);
    if (sizes.includes(0)) this.roots.set(0, emptyRoot());
  }

  get size(): number {
    return this.count;
  }

  push(leafHashes: readonly Uint8Array[]): void {
    const packed = new Uint8Array(leafHashes.length * HASH_SIZE);
    leafHashes.forEach((h, i) => {
      if (h.length !== HASH_SIZE) throw new RangeError(`leaf hash ${this.count + i} must be ${HASH_SIZE} bytes`);
      packed.set(h, i * HASH_SIZE);
    });
    this.pushPacked(packed);
  }

  /** Leaf hashes one after another, HASH_SIZE bytes each. */
  pushPacked(leaves: Uint8Array): void {
    if (leaves.length % HASH_SIZE !== 0) throw new RangeError(`packed leaf hashes must be a multiple of ${HASH_SIZE} bytes`);
    const { stack, scratch, sizes } = this;
    let next = sizes.findIndex((s) => s > this.count);
    for (let at = 0; at < leaves.length; at += HASH_SIZE) {
      // The new leaf is the carry; each trailing 1-bit of the old size is a left sibling
      // on the stack that it now completes.
      // Byte loops rather than subarray views: no object per leaf.
      for (let i = 0; i < HASH_SIZE; i++) scratch[1 + HASH_SIZE + i] = leaves[at + i]!;
      let index = this.count;
      for (let level = 0, rest = this.count; rest % 2 === 1; level++, rest = Math.floor(rest / 2)) {
        this.depth--;
        for (let i = 0, s = this.depth * HASH_SIZE; i < HASH_SIZE; i++) scratch[1 + i] = stack[s + i]!;
        const carry = hash('sha256', scratch, 'buffer');
        scratch.set(carry, 1 + HASH_SIZE);
        index = Math.floor(index / 2);
        if ((level + 1) % TILE_HEIGHT === 0) this.keepUpper(level + 1, index, carry);
      }
      for (let i = 0, s = this.depth * HASH_SIZE; i < HASH_SIZE; i++) stack[s + i] = scratch[1 + HASH_SIZE + i]!;
      this.depth++;
      this.count++;
      if (next >= 0 && sizes[next] === this.count) {
        this.roots.set(this.count, this.root());
        next = next + 1 < sizes.length ? next + 1 : -1;
      }
    }
  }

  private keepUpper(level: number, index: number, h: Uint8Array): void {
    const key = `${level / TILE_HEIGHT}/${Math.floor(index / TILE_WIDTH)}`;
    const list = this.upper.get(key);
    if (list) list.push(new Uint8Array(h));
    else this.upper.set(key, [new Uint8Array(h)]);
  }

  /** Root of [0, count): the frontier folded right to left (RFC 9162 §2.1.1 split). */
  private root(): Uint8Array {
    const at = (i: number) => this.stack.subarray(i * HASH_SIZE, (i + 1) * HASH_SIZE);
    let root: Uint8Array = new Uint8Array(at(this.depth - 1));
    for (let i = this.depth - 2; i >= 0; i--) root = nodeHash(at(i), root);
    return root;
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
