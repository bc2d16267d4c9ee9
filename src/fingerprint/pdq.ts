/**
 * PDQ perceptual image hash, following Meta's reference (facebook/ThreatExchange, pdq/):
 * luma → two passes of a Jarosz box filter along rows and columns → decimation to 64×64 →
 * 16×16 of the 64-point DCT-II → one bit per coefficient above the median. Arithmetic is
 * done in single precision at the same points as the reference (Math.fround), so the same
 * pixels give the same bits. Written from the published description; no code copied.
 */

/** A 256-bit PDQ hash as eight 32-bit words, word 0 holding bits 0..31. */
export type PdqWords = Uint32Array;

export interface PdqResult {
  /** 64 hex digits, most significant first (Meta's text form). */
  hash: string;
  /** 0..100; below ~50 the hash carries little information (flat or tiny images). */
  quality: number;
}

export const DIHEDRAL_NAMES = ['original', 'rotate90', 'rotate180', 'rotate270', 'flipX', 'flipY', 'flipPlus1', 'flipMinus1'] as const;
export type DihedralName = (typeof DIHEDRAL_NAMES)[number];

const f = Math.fround;
const LUMA_R = f(0.299);
const LUMA_G = f(0.587);
const LUMA_B = f(0.114);
const MIN_DIM = 5;

/** The 16×64 DCT matrix, row i = frequency i+1, stored in single precision like the reference. */
const DCT = (() => {
  const m = new Float32Array(16 * 64);
  const scale = f(Math.sqrt(2 / 64));
  for (let i = 0; i < 16; i++) for (let j = 0; j < 64; j++) m[i * 64 + j] = scale * Math.cos((Math.PI / 2 / 64) * (i + 1) * (2 * j + 1));
  return m;
})();

const LUT_R = Float32Array.from({ length: 256 }, (_, v) => LUMA_R * v);
const LUT_G = Float32Array.from({ length: 256 }, (_, v) => LUMA_G * v);
const LUT_B = Float32Array.from({ length: 256 }, (_, v) => LUMA_B * v);

/** Luma of `n` pixels from `pixels[p…]` into `out[o…]`; per-channel products are looked up (the single-precision values the reference computes). */
function lumaRun(pixels: Uint8Array, p: number, channels: number, out: Float32Array, o: number, n: number): void {
  // Locals, not the module constants, inside the hot loop: V8 then skips the checks on module-level bindings.
  const lr = LUT_R;
  const lg = LUT_G;
  const lb = LUT_B;
  const fr = Math.fround;
  if (channels <= 2) for (let i = 0; i < n; i++, p += channels) out[o + i] = pixels[p]!;
  else for (let i = 0; i < n; i++, p += channels) out[o + i] = fr(fr(lr[pixels[p]!]! + lg[pixels[p + 1]!]!) + lb[pixels[p + 2]!]!);
}

/**
 * Luma (0.299 R + 0.587 G + 0.114 B, single precision) from interleaved 8-bit pixels with
 * 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels; alpha is ignored.
 */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const n = width * height;
  if (pixels.length < n * channels) throw new RangeError(`pixel buffer too short: ${pixels.length} < ${n * channels}`);
  const out = new Float32Array(n);
  lumaRun(pixels, 0, channels, out, 0, n);
  return out;
}

/** Window size of one box-filter pass, so that two passes cover one output cell (rounded up). */
export const jaroszWindow = (oldDim: number, newDim: number): number => Math.floor((oldDim + 2 * newDim - 1) / (2 * newDim));

/**
 * 1/count for every count a window can hold. Multiplying a single-precision sum by the
 * double-precision reciprocal and rounding to single precision gives exactly the quotient
 * sum/count rounded to single precision (what the reference computes): the error of the
 * product (< 2⁻⁵²) is far smaller than the distance of sum/count from any rounding midpoint of
 * single precision (≥ 2⁻²⁵/count relative, since a 24-bit numerator over an integer
 * count can never fall exactly on a 25-bit midpoint). A multiplication is several times
 * cheaper than a division, and the box filter does one per pixel and pass.
 */
let reciprocals = new Float64Array(0);
function reciprocalsUpTo(n: number): Float64Array {
  if (reciprocals.length <= n) reciprocals = Float64Array.from({ length: n + 1 }, (_, c) => (c === 0 ? 0 : 1 / c));
  return reciprocals;
}

/**
 * The same running mean down every column at once, row by row (cache-friendly): each column's
 * sum sees the same additions and subtractions in the same order as box1d would give it.
 */
function boxColumns(src: Float32Array, dst: Float32Array, rows: number, cols: number, window: number, inv: Float64Array): void {
  const half = Math.floor((window + 2) / 2);
  if (colSums.length < cols) colSums = new Float32Array(cols);
  const sums = colSums;
  sums.fill(0, 0, cols);
  const phases = [half - 1, window - half + 1, rows - window, half - 1];
  const fr = Math.fround;
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let phase = 0; phase < 4; phase++) {
    const reps = phases[phase]!;
    for (let rep = 0; rep < reps; rep++) {
      // Phases: 0 add; 1 add, write; 2 add, subtract, write; 3 subtract, write (as box1d).
      if (phase === 2) {
        // The common case in one loop: one read of each row, one write.
        const a = ri++ * cols;
        const s = li++ * cols;
        const o = oi++ * cols;
        const r = inv[count]!;
        for (let j = 0; j < cols; j++) {
          // fround, not the value of an assignment: that is the unrounded double.
          const v = fr(fr(sums[j]! + src[a + j]!) - src[s + j]!);
          sums[j] = v;
          dst[o + j] = v * r;
        }
        continue;
      }
      if (phase < 2) {
        const o = ri++ * cols;
        for (let j = 0; j < cols; j++) sums[j] = sums[j]! + src[o + j]!;
        count++;
      } else {
        const o = li++ * cols;
        for (let j = 0; j < cols; j++) sums[j] = sums[j]! - src[o + j]!;
        count--;
      }
      if (phase >= 1) {
        const o = oi++ * cols;
        const r = inv[count]!;
        for (let j = 0; j < cols; j++) dst[o + j] = sums[j]! * r;
      }
    }
  }
}

/**
 * The running mean along every row of a rows×cols image, four rows at a time: the four sums
 * are independent chains the processor overlaps (one row after another, every step would wait
 * for the previous rounding). Each sum sees the additions and subtractions in the reference's
 * order: add while the window fills, add then subtract in the middle, subtract while it empties
 * at the far edge; the window is centred and shrinks at the edges. Position j of row i is
 * stored at dst[i·dRow + j·dPos] for every j, or, given `at` (ascending, may repeat), only at
 * those positions, the k-th at dst[i·dRow + k·dPos].
 */
function boxRows(src: Float32Array, rows: number, cols: number, window: number, inv: Float64Array, dst: Float32Array, dRow: number, dPos: number, at: Int32Array | null): void {
  const half = Math.floor((window + 2) / 2);
  const p1 = half - 1;
  const p2 = window - half + 1;
  const p3 = cols - window;
  const fr = Math.fround;
  const nAt = at ? at.length : 0;
  for (let i = 0; i < rows; i += 4) {
    // Past the last row, the spare chains repeat it and store nothing.
    const b0 = i * cols;
    const b1 = Math.min(i + 1, rows - 1) * cols;
    const b2 = Math.min(i + 2, rows - 1) * cols;
    const b3 = Math.min(i + 3, rows - 1) * cols;
    const live = Math.min(4, rows - i);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let count = 0;
    let ri = 0;
    let li = 0;
    let next = 0;
    let want = at ? at[0]! : 0;
    for (let pos = -p1; pos < cols; pos++) {
      if (pos < p2) {
        s0 = fr(s0 + src[b0 + ri]!);
        s1 = fr(s1 + src[b1 + ri]!);
        s2 = fr(s2 + src[b2 + ri]!);
        s3 = fr(s3 + src[b3 + ri]!);
        ri++;
        count++;
      } else if (pos < p2 + p3) {
        s0 = fr(fr(s0 + src[b0 + ri]!) - src[b0 + li]!);
        s1 = fr(fr(s1 + src[b1 + ri]!) - src[b1 + li]!);
        s2 = fr(fr(s2 + src[b2 + ri]!) - src[b2 + li]!);
        s3 = fr(fr(s3 + src[b3 + ri]!) - src[b3 + li]!);
        ri++;
        li++;
      } else {
        s0 = fr(s0 - src[b0 + li]!);
        s1 = fr(s1 - src[b1 + li]!);
        s2 = fr(s2 - src[b2 + li]!);
        s3 = fr(s3 - src[b3 + li]!);
        li++;
        count--;
      }
      if (pos < 0) continue;
      while (at ? want === pos : next === 0) {
        const r = inv[count]!;
        const o = i * dRow + (at ? next : pos) * dPos;
        dst[o] = s0 * r;
        if (live > 1) dst[o + dRow] = s1 * r;
        if (live > 2) dst[o + 2 * dRow] = s2 * r;
        if (live > 3) dst[o + 3 * dRow] = s3 * r;
        if (!at) break;
        want = ++next < nAt ? at[next]! : -1;
      }
    }
  }
}

// Scratch buffers reused across images: hashing is synchronous, so one set per thread is enough,
// and not allocating (and zeroing) megabytes per image keeps the garbage collector out of the way.
let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);
let colSums = new Float32Array(0);
const sampledCache = new Map<number, Int32Array>();
const sampled = (dim: number): Int32Array => {
  let s = sampledCache.get(dim);
  if (!s) {
    s = Int32Array.from({ length: 64 }, (_, k) => Math.floor(((k + 0.5) * dim) / 64));
    if (sampledCache.size > 64) sampledCache.clear();
    sampledCache.set(dim, s);
  }
  return s;
};

/**
 * Blurs with two row+column box passes, then samples 64×64 cell centres. The first row pass
 * reads luma straight from the pixels (`pixels` given) or from a luma image. The second pass
 * computes only what the sampling reads: the second row pass stores the 64 sampled columns
 * (its running sums still take every step), and the second column pass runs down those 64
 * columns only. The sampled values are bit-identical to filtering everything.
 */
function downsample64(rows: number, cols: number, luma: Float32Array | null, pixels: Uint8Array | null, channels: number): Float32Array {
  const n = rows * cols;
  if (scratchA.length < n) {
    scratchA = new Float32Array(n);
    scratchB = new Float32Array(n);
  }
  const a = scratchA;
  const b = scratchB;
  const wRows = jaroszWindow(cols, 64);
  const wCols = jaroszWindow(rows, 64);
  const inv = reciprocalsUpTo(Math.max(wRows, wCols) + 1);
  if (!luma) lumaRun(pixels!, 0, channels, a, 0, n);
  boxRows(luma ?? a, rows, cols, wRows, inv, b, cols, 1, null);
  boxColumns(b, a, rows, cols, wCols, inv);
  // Second row pass, stored transposed: t[oj * rows + i] = row i's filtered value at sampled column oj.
  const t = b;
  boxRows(a, rows, cols, wRows, inv, t, 1, rows, sampled(cols));
  // Second column pass = a row pass along the 64 rows of t; out[oi * 64 + oj].
  const out = new Float32Array(64 * 64);
  boxRows(t, 64, rows, wCols, inv, out, 1, 64, sampled(rows));
  return out;
}

/** Counts significant gradients of the 64×64 image (the reference's heuristic, scaled to 0..100). */
export function qualityOf(img: Float32Array): number {
  let sum = 0;
  const grad = (u: number, v: number) => {
    const d = Math.trunc(f(f(f(u - v) * 100) / 255));
    sum += Math.abs(d);
  };
  for (let i = 0; i < 63; i++) for (let j = 0; j < 64; j++) grad(img[i * 64 + j]!, img[(i + 1) * 64 + j]!);
  for (let i = 0; i < 64; i++) for (let j = 0; j < 63; j++) grad(img[i * 64 + j]!, img[i * 64 + j + 1]!);
  return Math.min(100, Math.trunc(sum / 90));
}

/** B = D·A·Dᵀ restricted to the 16×16 lowest non-constant frequencies, accumulated in single precision. */
function dct64to16(a: Float32Array): Float32Array {
  const t = new Float32Array(16 * 64);
  for (let i = 0; i < 16; i++) {
    const di = i * 64;
    for (let j = 0; j < 64; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(DCT[di + k]! * a[k * 64 + j]!));
      t[di + j] = s;
    }
  }
  const out = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      let s = 0;
      for (let k = 0; k < 64; k++) s = f(s + f(t[i * 64 + k]! * DCT[j * 64 + k]!));
      out[i * 16 + j] = s;
    }
  }
  return out;
}

/** Median by Torben's method (no reordering), the same selection rule as the reference. */
export function torbenMedian(m: Float32Array): number {
  const n = m.length;
  let min = m[0]!;
  let max = m[0]!;
  for (let i = 1; i < n; i++) {
    if (m[i]! < min) min = m[i]!;
    if (m[i]! > max) max = m[i]!;
  }
  const half = Math.floor((n + 1) / 2);
  for (;;) {
    const guess = f((min + max) / 2);
    let less = 0;
    let greater = 0;
    let equal = 0;
    let maxlt = min;
    let mingt = max;
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      if (v < guess) {
        less++;
        if (v > maxlt) maxlt = v;
      } else if (v > guess) {
        greater++;
        if (v < mingt) mingt = v;
      } else equal++;
    }
    if (less <= half && greater <= half) {
      if (less >= half) return maxlt;
      if (less + equal >= half) return guess;
      return mingt;
    }
    if (less > greater) max = maxlt;
    else min = mingt;
  }
}

function bits(coeffs: Float32Array): PdqWords {
  const median = torbenMedian(coeffs);
  const w = new Uint32Array(8);
  for (let k = 0; k < 256; k++) if (coeffs[k]! > median) w[k >>> 5]! |= 1 << (k & 31);
  return w;
}

/** The DCT of the 8 rotations and reflections of the image, derived from the original's coefficients (sign and transpose). */
function dihedral(a: Float32Array, which: DihedralName): Float32Array {
  const b = new Float32Array(256);
  for (let i = 0; i < 16; i++) {
    for (let j = 0; j < 16; j++) {
      const v = a[i * 16 + j]!;
      switch (which) {
        case 'original': b[i * 16 + j] = v; break;
        case 'rotate90': b[j * 16 + i] = j & 1 ? v : -v; break;
        case 'rotate180': b[i * 16 + j] = (i + j) & 1 ? -v : v; break;
        case 'rotate270': b[j * 16 + i] = i & 1 ? v : -v; break;
        case 'flipX': b[i * 16 + j] = i & 1 ? v : -v; break;
        case 'flipY': b[i * 16 + j] = j & 1 ? v : -v; break;
        case 'flipPlus1': b[j * 16 + i] = v; break;
        case 'flipMinus1': b[j * 16 + i] = (i + j) & 1 ? -v : v; break;
      }
    }
  }
  return b;
}

interface Spectrum {
  coeffs: Float32Array;
  quality: number;
}

function spectrum(luma: Float32Array | null, width: number, height: number, pixels: Uint8Array | null = null, channels = 1): Spectrum | null {
  if (width < MIN_DIM || height < MIN_DIM) return null;
  if (luma && luma.length !== width * height) throw new RangeError(`luma has ${luma.length} values, expected ${width}×${height}`);
  if (pixels && pixels.length < width * height * channels) throw new RangeError(`pixel buffer too short: ${pixels.length} < ${width * height * channels}`);
  let img: Float32Array;
  if (width === 64 && height === 64) img = luma ? Float32Array.from(luma) : lumaFromPixels(pixels!, 64, 64, channels);
  else img = downsample64(height, width, luma, pixels, channels);
  return { coeffs: dct64to16(img), quality: qualityOf(img) };
}

const ZERO = '0'.repeat(64);

/** PDQ of a luma image (row-major, width × height). Images under 5 pixels a side hash to zero with quality 0, as in the reference. */
export function pdqFromLuma(luma: Float32Array, width: number, height: number): PdqResult {
  const s = spectrum(luma, width, height);
  if (!s) return { hash: ZERO, quality: 0 };
  return { hash: wordsToHex(bits(s.coeffs)), quality: s.quality };
}

/** The hashes of all eight rotations/reflections from one DCT (the reference's dihedral hashing). */
export function pdqDihedralFromLuma(luma: Float32Array, width: number, height: number): { quality: number; hashes: Record<DihedralName, string> } {
  const s = spectrum(luma, width, height);
  const hashes = {} as Record<DihedralName, string>;
  for (const d of DIHEDRAL_NAMES) hashes[d] = s ? wordsToHex(bits(dihedral(s.coeffs, d))) : ZERO;
  return { quality: s?.quality ?? 0, hashes };
}

/**
 * PDQ straight from interleaved 8-bit pixels (1–4 channels, alpha ignored), the same bits as
 * pdqFromLuma(lumaFromPixels(…)): luma is computed row by row into the first filter pass, so
 * no full-size luma image is made.
 */
export function pdqFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): PdqResult {
  const s = spectrum(null, width, height, pixels, channels);
  if (!s) return { hash: ZERO, quality: 0 };
  return { hash: wordsToHex(bits(s.coeffs)), quality: s.quality };
}

export function wordsToHex(w: PdqWords): string {
  let s = '';
  for (let i = 7; i >= 0; i--) s += w[i]!.toString(16).padStart(8, '0');
  return s;
}

export function hexToWords(hex: string): PdqWords {
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) throw new RangeError(`not a PDQ hash: ${JSON.stringify(hex.slice(0, 80))}`);
  const w = new Uint32Array(8);
  for (let i = 0; i < 8; i++) w[7 - i] = parseInt(hex.slice(i * 8, i * 8 + 8), 16);
  return w;
}

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
}

/** Number of differing bits (0..256). */
export function hamming(a: PdqWords | string, b: PdqWords | string): number {
  const x = typeof a === 'string' ? hexToWords(a) : a;
  const y = typeof b === 'string' ? hexToWords(b) : b;
  let d = 0;
  for (let i = 0; i < 8; i++) d += popcount32(x[i]! ^ y[i]!);
  return d;
}

/** Meta's recommended match threshold for PDQ: distance ≤ 31 of 256 bits. */
export const PDQ_MATCH_DISTANCE = 31;
/** Below this quality a hash is not used for matching (Meta's guidance: ignore < 50). */
export const PDQ_MIN_QUALITY = 50;

/** The centre `factor` (per side) of a luma image, row-major. */
export function centerCrop(luma: Float32Array, width: number, height: number, factor: number): { luma: Float32Array; width: number; height: number } {
  const cw = Math.max(1, Math.round(width * factor));
  const ch = Math.max(1, Math.round(height * factor));
  const x0 = Math.floor((width - cw) / 2);
  const y0 = Math.floor((height - ch) / 2);
  const out = new Float32Array(cw * ch);
  for (let y = 0; y < ch; y++) out.set(luma.subarray((y + y0) * width + x0, (y + y0) * width + x0 + cw), y * cw);
  return { luma: out, width: cw, height: ch };
}

/**
 * The centre 95 % (per side) that images fingerprinted before the inner region
 * (src/fingerprint/pdq-crops.ts) were also indexed by; kept to read and compare those rows.
 */
export const CROP_FACTOR = 0.95;
