/**
 * Text fingerprints that work for Chinese and English alike without a dictionary:
 * normalise (NFKC folds full-width forms, lower case, drop punctuation, symbols and
 * spaces), cut into character k-grams, keep the winnowed minimum of each window
 * (Schleimer, Wilkerson, Aiken 2003) for passage-level matches, and MinHash chunks of
 * the k-gram set for candidate search with LSH.
 */

export interface NormalizedText {
  /** Letters and digits only, lower case, NFKC. */
  text: string;
  /** For each UTF-16 unit of `text`, its offset in the original string. */
  offsets: Int32Array;
}

/** Characters kept: letters (any script, so Han too) and digits. */
const KEEP = /[\p{L}\p{N}]/u;

export function normalizeText(raw: string): NormalizedText {
  let out = '';
  const offsets: number[] = [];
  let i = 0;
  for (const ch of raw) {
    const n = ch.normalize('NFKC').toLowerCase();
    for (const c of n) {
      if (KEEP.test(c)) {
        out += c;
        for (let u = 0; u < c.length; u++) offsets.push(i);
      }
    }
    i += ch.length;
  }
  return { text: out, offsets: Int32Array.from(offsets) };
}

/** 32-bit FNV-1a over UTF-16 units, then a murmur finaliser for better low bits. */
export function hash32(s: string, from = 0, to = s.length): number {
  let h = 0x811c9dc5;
  for (let i = from; i < to; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return mix32(h);
}

export function mix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

export const TEXT_K = 12;
export const TEXT_WINDOW = 8;

/** Hash of every k-gram of the normalised text (length − k + 1 values). */
export function kgramHashes(text: string, k = TEXT_K): Uint32Array {
  const n = Math.max(0, text.length - k + 1);
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++) out[i] = hash32(text, i, i + k);
  return out;
}

export interface Winnowed {
  hashes: Uint32Array;
  positions: Uint32Array;
}

/**
 * Winnowing: in every window of `w` consecutive k-gram hashes keep the minimum (the
 * rightmost on ties), each kept position once. Any shared passage of at least w + k − 1
 * characters shares at least one kept hash.
 */
export function winnow(kgrams: Uint32Array, w = TEXT_WINDOW): Winnowed {
  const hashes: number[] = [];
  const positions: number[] = [];
  if (kgrams.length === 0) return { hashes: new Uint32Array(0), positions: new Uint32Array(0) };
  if (kgrams.length <= w) {
    let m = 0;
    for (let i = 1; i < kgrams.length; i++) if (kgrams[i]! <= kgrams[m]!) m = i;
    return { hashes: Uint32Array.of(kgrams[m]!), positions: Uint32Array.of(m) };
  }
  let last = -1;
  // A monotonic deque of positions with increasing hashes gives each window's minimum in O(1).
  const dq = new Int32Array(kgrams.length);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < kgrams.length; i++) {
    while (tail > head && kgrams[dq[tail - 1]!]! >= kgrams[i]!) tail--;
    dq[tail++] = i;
    if (dq[head]! <= i - w) head++;
    if (i >= w - 1) {
      const m = dq[head]!;
      if (m !== last) {
        hashes.push(kgrams[m]!);
        positions.push(m);
        last = m;
      }
    }
  }
  return { hashes: Uint32Array.from(hashes), positions: Uint32Array.from(positions) };
}

export const MINHASH_SIZE = 64;
export const LSH_BANDS = 16;
export const LSH_ROWS = MINHASH_SIZE / LSH_BANDS;
/** Chunks of the k-gram sequence that are MinHashed separately, so a copied passage inside a long document is still found. */
export const CHUNK_LEN = 600;
export const CHUNK_STRIDE = 300;

const SEEDS = Uint32Array.from({ length: MINHASH_SIZE }, (_, i) => mix32(0x9e3779b9 + i * 0x632be5ab));

/** MinHash signature of a set of 32-bit hashes (one seeded mix per slot). */
export function minhash(values: Uint32Array, from = 0, to = values.length): Uint32Array {
  const sig = new Uint32Array(MINHASH_SIZE).fill(0xffffffff);
  for (let i = from; i < to; i++) {
    const v = values[i]!;
    for (let s = 0; s < MINHASH_SIZE; s++) {
      const h = mix32(v ^ SEEDS[s]!);
      if (h < sig[s]!) sig[s] = h;
    }
  }
  return sig;
}

/** MinHash of each chunk of CHUNK_LEN k-grams every CHUNK_STRIDE (one chunk for a short text). */
export function chunkSignatures(kgrams: Uint32Array): Uint32Array[] {
  const out: Uint32Array[] = [];
  if (kgrams.length === 0) return out;
  for (let start = 0; ; start += CHUNK_STRIDE) {
    const end = Math.min(kgrams.length, start + CHUNK_LEN);
    out.push(minhash(kgrams, start, end));
    if (end >= kgrams.length) break;
  }
  return out;
}

/** The LSH band keys of a signature: one 32-bit key per band, the band number mixed in. */
export function bandKeys(sig: Uint32Array): Uint32Array {
  const keys = new Uint32Array(LSH_BANDS);
  for (let b = 0; b < LSH_BANDS; b++) {
    let h = mix32(0x51ed270b ^ b);
    for (let r = 0; r < LSH_ROWS; r++) h = mix32(h ^ sig[b * LSH_ROWS + r]!);
    keys[b] = h;
  }
  return keys;
}

export function jaccardEstimate(a: Uint32Array, b: Uint32Array): number {
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

export interface TextPassage {
  /** Offsets into each original (not normalised) text, end exclusive. */
  a: { start: number; end: number };
  b: { start: number; end: number };
  /** Normalised characters covered. */
  length: number;
}

export interface TextComparison {
  passages: TextPassage[];
  /** Share of A's normalised characters inside matched passages (0..1). */
  coverageA: number;
  coverageB: number;
}

export interface TextPrint {
  norm: NormalizedText;
  win: Winnowed;
}

export function textPrint(raw: string): TextPrint {
  const norm = normalizeText(raw);
  return { norm, win: winnow(kgramHashes(norm.text)) };
}

/**
 * Matched passages between two texts: pairs of equal winnowed hashes are chained along
 * diagonals (both positions advancing, small gaps allowed), and each chain becomes a
 * passage once it covers `minChars` normalised characters. Paragraph order does not
 * matter: each moved paragraph is its own chain.
 */
export function comparePassages(a: TextPrint, b: TextPrint, opts: { k?: number; maxGap?: number; minChars?: number } = {}): TextComparison {
  const k = opts.k ?? TEXT_K;
  const maxGap = opts.maxGap ?? 40;
  const minChars = opts.minChars ?? 24;
  const byHash = new Map<number, number[]>();
  for (let j = 0; j < b.win.hashes.length; j++) {
    const h = b.win.hashes[j]!;
    const list = byHash.get(h);
    if (list) {
      if (list.length < 16) list.push(b.win.positions[j]!);
    } else byHash.set(h, [b.win.positions[j]!]);
  }
  const pairs: [number, number][] = [];
  for (let i = 0; i < a.win.hashes.length; i++) {
    const list = byHash.get(a.win.hashes[i]!);
    if (list) for (const pb of list) pairs.push([a.win.positions[i]!, pb]);
  }
  pairs.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  interface Chain { a0: number; a1: number; b0: number; b1: number }
  const open: Chain[] = [];
  const done: Chain[] = [];
  for (const [pa, pb] of pairs) {
    let best: Chain | undefined;
    for (const c of open) {
      const da = pa - c.a1;
      const db = pb - c.b1;
      if (da >= 0 && db >= 0 && da <= maxGap && db <= maxGap && Math.abs(da - db) <= maxGap / 2) {
        best = c;
        break;
      }
    }
    if (best) {
      best.a1 = pa;
      best.b1 = pb;
    } else open.push({ a0: pa, a1: pa, b0: pb, b1: pb });
    // Retire chains that can no longer grow.
    for (let i = open.length - 1; i >= 0; i--) if (pa - open[i]!.a1 > maxGap) done.push(...open.splice(i, 1));
  }
  done.push(...open);
  const passages: TextPassage[] = [];
  for (const c of done) {
    const lenA = c.a1 + k - c.a0;
    if (lenA < minChars) continue;
    passages.push({
      a: span(a.norm, c.a0, c.a1 + k),
      b: span(b.norm, c.b0, c.b1 + k),
      length: lenA,
    });
  }
  passages.sort((x, y) => x.a.start - y.a.start);
  return { passages, coverageA: coverage(done.filter((c) => c.a1 + k - c.a0 >= minChars).map((c) => [c.a0, c.a1 + k]), a.norm.text.length), coverageB: coverage(done.filter((c) => c.a1 + k - c.a0 >= minChars).map((c) => [c.b0, c.b1 + k]), b.norm.text.length) };
}

function span(n: NormalizedText, from: number, to: number): { start: number; end: number } {
  const last = Math.min(to, n.offsets.length) - 1;
  const start = n.offsets[Math.min(from, n.offsets.length - 1)] ?? 0;
  const endChar = n.offsets[Math.max(0, last)] ?? 0;
  return { start, end: endChar + 1 };
}

function coverage(ranges: number[][], total: number): number {
  if (total === 0) return 0;
  const sorted = ranges.map((r) => [r[0]!, r[1]!] as [number, number]).sort((x, y) => x[0] - y[0]);
  let covered = 0;
  let curS = -1;
  let curE = -1;
  for (const [s, e] of sorted) {
    if (s > curE) {
      if (curE > curS) covered += curE - curS;
      curS = s;
      curE = e;
    } else curE = Math.max(curE, e);
  }
  if (curE > curS) covered += curE - curS;
  return Math.min(1, covered / total);
}
