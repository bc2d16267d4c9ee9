import { U32MultiMap } from './multimap.js';
import { hexToWords, popcount32, PDQ_MATCH_DISTANCE } from './pdq.js';

export interface PdqHit {
  ref: number;
  distance: number;
}

/**
 * Multi-index hashing for 256-bit PDQ hashes (Norouzi et al.): the hash is cut into 16
 * chunks of 16 bits, each chunk value is indexed. Two hashes within distance r differ in
 * at most ⌊r/16⌋ bits in at least one chunk (pigeonhole), so probing every chunk value
 * within that many bit flips finds every hash within r, with no false negatives; each
 * candidate is then checked with its full distance. For r = 31 that is 16 × 17 probes.
 */
export class PdqIndex {
  private words = new Uint32Array(8 * 1024);
  private refs = new Uint32Array(1024);
  private n = 0;
  private readonly table = new U32MultiMap();
  private seen = new Uint32Array(1024);
  private stamp = 0;

  get size(): number {
    return this.n;
  }

  /** Adds a hash under an external reference (a number the caller maps back to its record). */
  add(hash: string | Uint32Array, ref: number): void {
    const w = typeof hash === 'string' ? hexToWords(hash) : hash;
    if (this.n === this.refs.length) this.grow();
    const slot = this.n++;
    this.words.set(w, slot * 8);
    this.refs[slot] = ref;
    for (let c = 0; c < 16; c++) this.table.add((c << 16) | chunk(w, c), slot);
  }

  /** Call after a bulk load to sort what was added. */
  compact(): void {
    this.table.compact();
  }

  /** Every indexed hash within `radius` bits (default 31), nearest first. */
  search(hash: string | Uint32Array, radius = PDQ_MATCH_DISTANCE): PdqHit[] {
    const q = typeof hash === 'string' ? hexToWords(hash) : hash;
    const perChunk = Math.floor(radius / 16);
    if (perChunk > 2) throw new RangeError('radius above 47 is not supported');
    if (++this.stamp === 0xffffffff) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const hits: PdqHit[] = [];
    const visit = (slot: number) => {
      if (this.seen[slot] === stamp) return;
      this.seen[slot] = stamp;
      let d = 0;
      const base = slot * 8;
      for (let i = 0; i < 8 && d <= radius; i++) d += popcount32(this.words[base + i]! ^ q[i]!);
      if (d <= radius) hits.push({ ref: this.refs[slot]!, distance: d });
    };
    for (let c = 0; c < 16; c++) {
      const v = chunk(q, c);
      const key = c << 16;
      this.table.forEach(key | v, visit);
      if (perChunk >= 1) {
        for (let b = 0; b < 16; b++) {
          const v1 = v ^ (1 << b);
          this.table.forEach(key | v1, visit);
          if (perChunk >= 2) for (let b2 = b + 1; b2 < 16; b2++) this.table.forEach(key | (v1 ^ (1 << b2)), visit);
        }
      }
    }
    return hits.sort((a, b) => a.distance - b.distance);
  }

  memoryBytes(): number {
    return this.words.byteLength + this.refs.byteLength + this.seen.byteLength + this.table.memoryBytes();
  }

  private grow(): void {
    const cap = this.refs.length * 2;
    const words = new Uint32Array(cap * 8);
    words.set(this.words);
    const refs = new Uint32Array(cap);
    refs.set(this.refs);
    const seen = new Uint32Array(cap);
    seen.set(this.seen);
    this.words = words;
    this.refs = refs;
    this.seen = seen;
  }
}

const chunk = (w: Uint32Array, c: number): number => (w[c >>> 1]! >>> ((c & 1) * 16)) & 0xffff;
