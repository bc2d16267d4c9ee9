import { hexToWords, popcount32, PDQ_MATCH_DISTANCE } from './pdq.js';

export interface PdqHit {
  ref: number;
  distance: number;
}

const CHUNKS = 16;
const VALUES = 1 << 16;
/** XOR masks of the chunk values probed: the value itself, then 1 bit flipped (16), then 2 bits (120). */
const PROBE_MASKS = (() => {
  const m = [0];
  for (let b = 0; b < 16; b++) m.push(1 << b);
  for (let b = 0; b < 16; b++) for (let b2 = b + 1; b2 < 16; b2++) m.push((1 << b) | (1 << b2));
  return Uint32Array.from(m);
})();
const growU32 = (a: Uint32Array): Uint32Array => {
  const b = new Uint32Array(Math.max(4096, a.length * 2));
  b.set(a);
  return b;
};

/**
 * Multi-index hashing for 256-bit PDQ hashes (Norouzi et al.): the hash is cut into 16
 * chunks of 16 bits, each chunk value is indexed. Two hashes within distance r differ in
 * at most ⌊r/16⌋ bits in at least one chunk (pigeonhole), so probing every chunk value
 * within that many bit flips finds every hash within r, with no false negatives; each
 * candidate is then checked with its full distance. For r = 31 that is 16 × 17 probes.
 *
 * Memory is what lets a registry of a million images (two hashes each: the image and its
 * inner region) stay under 200 MB: the hashes in one typed array (32 bytes each), the caller's
 * reference (4 bytes), and per chunk a compressed-sparse-row table built once — 65,537 bucket
 * offsets, then every slot number in 3 bytes (4 past 16.7 M hashes) — 48 bytes a hash where a
 * sorted (key, slot) array needs 128. Hashes added after the last build are checked one by one
 * (a short list) until a search finds the list too long and rebuilds.
 */
export class PdqIndex {
  private words = new Uint32Array(8 * 1024);
  private refs = new Uint32Array(1024);
  private n = 0;
  /** Hashes [0, built) are in the tables; [built, n) only in the pending list. */
  private built = 0;
  private offsets = new Uint32Array(0);
  private slots = new Uint8Array(0);
  private slotBytes = 3;
  /** One byte per hash: the query that last looked at it, so a candidate found through several chunks is checked once. */
  private seen = new Uint8Array(1024);
  private stamp = 0;
  /** Scratch list of one query's candidates (reused; grows to the largest query's count). */
  private candidates: Uint32Array = new Uint32Array(0);

  /** `wideSlotsFrom`: from how many hashes on slot numbers take 4 bytes (2²⁴; lower only in tests). */
  constructor(private readonly wideSlotsFrom = 1 << 24) {}

  get size(): number {
    return this.n;
  }

  /** Adds a hash under an external reference (a number the caller maps back to its record). */
  add(hash: string | Uint32Array, ref: number): void {
    const w = typeof hash === 'string' ? hexToWords(hash) : hash;
    if (this.n === this.refs.length) this.resize(this.refs.length * 2);
    const slot = this.n++;
    this.words.set(w, slot * 8);
    this.refs[slot] = ref >>> 0;
  }

  /** Builds the tables over everything added (call after a bulk load; also done automatically). */
  compact(): void {
    if (this.built === this.n) return;
    const n = this.n;
    const slotBytes = n > this.wideSlotsFrom - 1 ? 4 : 3;
    const offsets = new Uint32Array(CHUNKS * (VALUES + 1));
    const slots = new Uint8Array(CHUNKS * n * slotBytes);
    const words = this.words;
    const fill = new Uint32Array(VALUES);
    for (let c = 0; c < CHUNKS; c++) {
      const word = c >>> 1;
      const shift = (c & 1) * 16;
      const off = c * (VALUES + 1);
      for (let s = 0; s < n; s++) offsets[off + 1 + ((words[s * 8 + word]! >>> shift) & 0xffff)]!++;
      for (let v = 0; v < VALUES; v++) offsets[off + v + 1]! += offsets[off + v]!;
      fill.set(offsets.subarray(off, off + VALUES));
      // Slots go in ascending order, so every bucket lists its slots in ascending order.
      const base = c * n;
      for (let s = 0; s < n; s++) {
        const v = (words[s * 8 + word]! >>> shift) & 0xffff;
        let p = (base + fill[v]!++) * slotBytes;
        slots[p++] = s & 0xff;
        slots[p++] = (s >>> 8) & 0xff;
        slots[p++] = (s >>> 16) & 0xff;
        if (slotBytes === 4) slots[p] = s >>> 24;
      }
    }
    this.offsets = offsets;
    this.slots = slots;
    this.slotBytes = slotBytes;
    this.built = n;
    // After a bulk load, give back the doubling slack: a little room for what is added next.
    if (this.refs.length > n + Math.max(1024, n >>> 4)) this.resize(n + Math.max(1024, n >>> 4));
  }

  /** Every indexed hash within `radius` bits (default 31), nearest first. */
  search(hash: string | Uint32Array, radius = PDQ_MATCH_DISTANCE): PdqHit[] {
    const q = typeof hash === 'string' ? hexToWords(hash) : hash;
    // Keep the pending list short enough to scan: fold it in once it outgrows ~1/64 of the tables
    // (checked here, not on add, so that a bulk load builds once).
    if (this.n - this.built > Math.min(32_768, Math.max(4096, this.built >>> 6))) this.compact();
    const perChunk = Math.floor(radius / 16);
    if (perChunk > 2) throw new RangeError('radius above 47 is not supported');
    if (++this.stamp === 256) {
      this.seen.fill(0);
      this.stamp = 1;
    }
    const stamp = this.stamp;
    const seen = this.seen;
    const words = this.words;
    const q0 = q[0]!, q1 = q[1]!, q2 = q[2]!, q3 = q[3]!, q4 = q[4]!, q5 = q[5]!, q6 = q[6]!, q7 = q[7]!;
    // Candidates first (slot numbers, each once), then their distances: two tight loops, no closures.
    let found = 0;
    let cand = this.candidates;
    const built = this.built;
    if (built > 0) {
      const offsets = this.offsets;
      const slots = this.slots;
      const width = this.slotBytes;
      const nProbes = 1 + (perChunk >= 1 ? 16 : 0) + (perChunk >= 2 ? 120 : 0);
      for (let c = 0; c < CHUNKS; c++) {
        const v = (q[c >>> 1]! >>> ((c & 1) * 16)) & 0xffff;
        const off = c * (VALUES + 1);
        const base = c * built;
        for (let k = 0; k < nProbes; k++) {
          const pv = v ^ PROBE_MASKS[k]!;
          const end = base + offsets[off + pv + 1]!;
          for (let e = base + offsets[off + pv]!; e < end; e++) {
            const p = e * width;
            const slot = width === 3 ? slots[p]! | (slots[p + 1]! << 8) | (slots[p + 2]! << 16) : (slots[p]! | (slots[p + 1]! << 8) | (slots[p + 2]! << 16) | (slots[p + 3]! << 24)) >>> 0;
            if (seen[slot] === stamp) continue;
            seen[slot] = stamp;
            if (found === cand.length) cand = this.candidates = growU32(cand);
            cand[found++] = slot;
          }
        }
      }
    }
    const hits: PdqHit[] = [];
    const list = cand;
    const all = found + (this.n - built);
    for (let i = 0; i < all; i++) {
      const slot = i < found ? list[i]! : built + i - found;
      const b = slot * 8;
      let d = popcount32(words[b]! ^ q0) + popcount32(words[b + 1]! ^ q1) + popcount32(words[b + 2]! ^ q2) + popcount32(words[b + 3]! ^ q3);
      if (d > radius) continue;
      d += popcount32(words[b + 4]! ^ q4) + popcount32(words[b + 5]! ^ q5) + popcount32(words[b + 6]! ^ q6) + popcount32(words[b + 7]! ^ q7);
      if (d <= radius) hits.push({ ref: this.refs[slot]!, distance: d });
    }
    return hits.sort((a, b) => a.distance - b.distance);
  }

  /** Bytes held by the typed arrays (hashes, references, tables, the per-query marks). */
  memoryBytes(): number {
    return this.words.byteLength + this.refs.byteLength + this.seen.byteLength + this.offsets.byteLength + this.slots.byteLength;
  }

  private resize(cap: number): void {
    const words = new Uint32Array(cap * 8);
    words.set(this.words.subarray(0, this.n * 8));
    const refs = new Uint32Array(cap);
    refs.set(this.refs.subarray(0, this.n));
    this.words = words;
    this.refs = refs;
    this.seen = new Uint8Array(cap);
    this.stamp = 0;
  }
}
