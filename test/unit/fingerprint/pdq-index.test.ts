import { describe, expect, it } from 'vitest';
import { U32MultiMap } from '../../../src/fingerprint/multimap.js';
import { PdqIndex } from '../../../src/fingerprint/pdq-index.js';
import { hamming, wordsToHex } from '../../../src/fingerprint/pdq.js';

/** Small deterministic PRNG (mulberry32) so failures reproduce. */
function rng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const randomWords = (r: () => number) => Uint32Array.from({ length: 8 }, () => Math.floor(r() * 2 ** 32));

function flip(w: Uint32Array, bits: number, r: () => number): Uint32Array {
  const out = Uint32Array.from(w);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(Math.floor(r() * 256));
  for (const b of chosen) out[b >>> 5]! ^= 1 << (b & 31);
  return out;
}

describe('U32MultiMap', () => {
  it('returns every reference stored under a key, before and after compaction', () => {
    const m = new U32MultiMap();
    for (let i = 0; i < 10_000; i++) m.add(i % 97, i);
    const before: number[] = [];
    m.forEach(5, (r) => before.push(r));
    m.compact();
    const after: number[] = [];
    m.forEach(5, (r) => after.push(r));
    expect(before.sort((a, b) => a - b)).toEqual(after.sort((a, b) => a - b));
    expect(after).toHaveLength(Math.ceil((10_000 - 5) / 97));
    m.forEach(0xffffffff, () => {
      throw new Error('nothing stored there');
    });
  });
});

describe('PDQ multi-index hashing', () => {
  it('finds exactly the hashes a brute-force scan finds within radius 31 (no false negatives)', () => {
    const r = rng(7);
    const idx = new PdqIndex();
    const stored: Uint32Array[] = [];
    for (let i = 0; i < 3000; i++) {
      const w = randomWords(r);
      stored.push(w);
      idx.add(w, i);
    }
    // Near copies of some stored hashes at distances around the threshold.
    const queries: Uint32Array[] = [];
    for (let i = 0; i < 200; i++) queries.push(flip(stored[Math.floor(r() * stored.length)]!, Math.floor(r() * 40), r));
    for (let i = 0; i < 40; i++) {
      const base = flip(queries[i]!, 3, r);
      stored.push(base);
      idx.add(base, stored.length - 1);
    }
    idx.compact();
    for (const q of queries) {
      const brute = stored.map((s, i) => ({ ref: i, distance: hamming(s, q) })).filter((h) => h.distance <= 31).map((h) => h.ref).sort((a, b) => a - b);
      const got = idx.search(q).map((h) => h.ref).sort((a, b) => a - b);
      expect(got).toEqual(brute);
    }
  });

  it('reports distances and honours a smaller radius', () => {
    const r = rng(3);
    const idx = new PdqIndex();
    const a = randomWords(r);
    idx.add(wordsToHex(a), 42);
    idx.add(flip(a, 20, r), 43);
    idx.add(flip(a, 31, r), 44);
    idx.add(flip(a, 32, r), 45);
    expect(idx.search(a).map((h) => [h.ref, h.distance])).toEqual([[42, 0], [43, 20], [44, 31]]);
    expect(idx.search(wordsToHex(a), 15).map((h) => h.ref)).toEqual([42]);
  });
});

describe('PDQ index tables and the pending list', () => {
  const brute = (stored: Uint32Array[], q: Uint32Array) => stored.map((s, i) => ({ ref: i, distance: hamming(s, q) })).filter((h) => h.distance <= 31).map((h) => h.ref).sort((a, b) => a - b);

  for (const wide of [false, true]) {
    it(`hashes added after a build are found before and after the next rebuild (${wide ? '4' : '3'}-byte slot numbers)`, () => {
      const r = rng(wide ? 11 : 12);
      const idx = new PdqIndex(wide ? 100 : undefined);
      const stored: Uint32Array[] = [];
      const add = (w: Uint32Array) => {
        stored.push(w);
        idx.add(w, stored.length - 1);
      };
      for (let i = 0; i < 2000; i++) add(randomWords(r));
      idx.compact();
      const before = idx.memoryBytes();
      // Near copies go into the pending list, then enough more to force a rebuild on the next search.
      const targets = Array.from({ length: 30 }, () => stored[Math.floor(r() * stored.length)]!);
      for (const t of targets) add(flip(t, Math.floor(r() * 25), r));
      for (const t of targets.slice(0, 10)) expect(idx.search(t).map((h) => h.ref).sort((a, b) => a - b)).toEqual(brute(stored, t));
      for (let i = 0; i < 5000; i++) add(i % 50 === 0 ? flip(targets[i % 30]!, 10, r) : randomWords(r));
      for (const t of targets) {
        const q = flip(t, 4, r);
        expect(idx.search(q).map((h) => h.ref).sort((a, b) => a - b)).toEqual(brute(stored, q));
      }
      expect(idx.size).toBe(stored.length);
      expect(idx.memoryBytes()).toBeGreaterThan(before);
    });
  }

  it('memory per hash: 32 bytes of hash, 4 of reference, 48 of tables, 1 of marks (plus the fixed bucket offsets)', () => {
    const r = rng(5);
    const idx = new PdqIndex();
    const n = 50_000;
    for (let i = 0; i < n; i++) idx.add(randomWords(r), i);
    idx.compact();
    const offsets = 16 * 65537 * 4;
    const perHash = (idx.memoryBytes() - offsets) / n;
    // 85 bytes a hash, plus 1/16 spare room (hash, reference, mark: 37 bytes) for later additions.
    expect(perHash).toBeGreaterThanOrEqual(85);
    expect(perHash).toBeLessThan(85 + 37 / 16 + 0.5);
  });
});
