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

/**
 * Luma (0.299 R + 0.587 G + 0.114 B, single precision) from interleaved 8-bit pixels with
 * 1 (grey), 2 (grey+alpha), 3 (RGB) or 4 (RGBA) channels; alpha is ignored.
 */
export function lumaFromPixels(pixels: Uint8Array, width: number, height: number, channels: number): Float32Array {
  const n = width * height;
  if (pixels.length < n * channels) throw new RangeError(`pixel buffer too short: ${pixels.length} < ${n * channels}`);
  const out = new Float32Array(n);
  if (channels <= 2) {
    for (let i = 0, p = 0; i < n; i++, p += channels) out[i] = pixels[p]!;
  } else {
    // Per-channel products are looked up (the same single-precision values the reference computes).
    for (let i = 0, p = 0; i < n; i++, p += channels) out[i] = f(f(LUT_R[pixels[p]!]! + LUT_G[pixels[p + 1]!]!) + LUT_B[pixels[p + 2]!]!);
  }
  return out;
}

const LUT_R = Float32Array.from({ length: 256 }, (_, v) => LUMA_R * v);
const LUT_G = Float32Array.from({ length: 256 }, (_, v) => LUMA_G * v);
const LUT_B = Float32Array.from({ length: 256 }, (_, v) => LUMA_B * v);

/** Window size of one box-filter pass, so that two passes cover one output cell (rounded up). */
export const jaroszWindow = (oldDim: number, newDim: number): number => Math.floor((oldDim + 2 * newDim - 1) / (2 * newDim));

/** One running-mean pass along a vector of `len` values spaced `stride` apart; the window is centred and shrinks at the edges. */
function box1d(src: Float32Array, dst: Float32Array, start: number, len: number, stride: number, window: number): void {
  const half = Math.floor((window + 2) / 2);
  const p1 = half - 1;
  const p2 = window - half + 1;
  const p3 = len - window;
  const p4 = half - 1;
  let li = start;
  let ri = start;
  let oi = start;
  let sum = 0;
  let count = 0;
  for (let i = 0; i < p1; i++) {
    sum = f(sum + src[ri]!);
    count++;
    ri += stride;
  }
  for (let i = 0; i < p2; i++) {
    sum = f(sum + src[ri]!);
    count++;
    dst[oi] = sum / count;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < p3; i++) {
    sum = f(sum + src[ri]!);
    sum = f(sum - src[li]!);
    dst[oi] = sum / count;
    li += stride;
    ri += stride;
    oi += stride;
  }
  for (let i = 0; i < p4; i++) {
    sum = f(sum - src[li]!);
    count--;
    dst[oi] = sum / count;
    li += stride;
    oi += stride;
  }
}

/**
 * The same running mean down every column at once, row by row (cache-friendly): each column's
 * sum sees the same additions and subtractions in the same order as box1d would give it.
 */
function boxColumns(src: Float32Array, dst: Float32Array, rows: number, cols: number, window: number): void {
  const half = Math.floor((window + 2) / 2);
  const sums = new Float32Array(cols);
  const phases = [half - 1, window - half + 1, rows - window, half - 1];
  let ri = 0;
  let li = 0;
  let oi = 0;
  let count = 0;
  for (let phase = 0; phase < 4; phase++) {
    const reps = phases[phase]!;
    for (let rep = 0; rep < reps; rep++) {
      // Phases: 0 add; 1 add, write; 2 add, subtract, write; 3 subtract, write (as box1d).
      if (phase < 3) {
        const o = ri++ * cols;
        for (let j = 0; j < cols; j++) sums[j] = sums[j]! + src[o + j]!;
        if (phase < 2) count++;
      }
      if (phase >= 2) {
        const o = li++ * cols;
        for (let j = 0; j < cols; j++) sums[j] = sums[j]! - src[o + j]!;
        if (phase === 3) count--;
      }
      if (phase >= 1) {
        const o = oi++ * cols;
        for (let j = 0; j < cols; j++) dst[o + j] = sums[j]! / count;
      }
    }
  }
}

/**
 * box1d along one row (stride 1), but only dividing and storing at the given ascending
 * positions: the running sum takes every step as in box1d, so the stored values are the same.
 */
function box1dAt(src: Float32Array, start: number, len: number, window: number, at: Int32Array, dst: Float32Array, dstStart: number): void {
  const half = Math.floor((window + 2) / 2);
  const p1 = half - 1;
  const p2 = window - half + 1;
  const p3 = len - window;
  const p4 = half - 1;
  const nAt = at.length;
  let li = start;
  let ri = start;
  let oi = 0;
  let sum = 0;
  let count = 0;
  let next = 0;
  // `at` is ascending and may repeat a position (an image narrower than 64 samples a pixel twice).
  for (let i = 0; i < p1; i++) {
    sum = f(sum + src[ri++]!);
    count++;
  }
  for (let i = 0; i < p2; i++, oi++) {
    sum = f(sum + src[ri++]!);
    count++;
    while (next < nAt && at[next] === oi) dst[dstStart + next++] = sum / count;
  }
  for (let i = 0; i < p3; i++, oi++) {
    sum = f(sum + src[ri++]!);
    sum = f(sum - src[li++]!);
    while (next < nAt && at[next] === oi) dst[dstStart + next++] = sum / count;
  }
  for (let i = 0; i < p4; i++, oi++) {
    sum = f(sum - src[li++]!);
    count--;
    while (next < nAt && at[next] === oi) dst[dstStart + next++] = sum / count;
  }
}

let scratchA = new Float32Array(0);
let scratchB = new Float32Array(0);

/**
 * Blurs with two row+column box passes, then samples 64×64 cell centres. The second pass
 * computes only what the sampling reads: the second row pass stores the 64 sampled columns
 * (its running sums still take every step), and the second column pass runs down those 64
 * columns only. The sampled values are bit-identical to filtering everything.
 */
function downsample64(luma: Float32Array, rows: number, cols: number): Float32Array {
  const n = rows * cols;
  if (scratchA.length < n) {
    scratchA = new Float32Array(n);
    scratchB = new Float32Array(n);
  }
  const a = scratchA;
  const b = scratchB;
  const wRows = jaroszWindow(cols, 64);
  const wCols = jaroszWindow(rows, 64);
  for (let i = 0; i < rows; i++) box1d(luma, b, i * cols, cols, 1, wRows);
  boxColumns(b, a, rows, cols, wCols);
  const sampledCols = Int32Array.from({ length: 64 }, (_, oj) => Math.floor(((oj + 0.5) * cols) / 64));
  // Second row pass, stored transposed: t[oj * rows + i] = row i's filtered value at sampled column oj.
  const rowsAt = new Float32Array(64);
  const t = b;
  for (let i = 0; i < rows; i++) {
    box1dAt(a, i * cols, cols, wRows, sampledCols, rowsAt, 0);
    for (let oj = 0; oj < 64; oj++) t[oj * rows + i] = rowsAt[oj]!;
  }
  const sampledRows = Int32Array.from({ length: 64 }, (_, oi) => Math.floor(((oi + 0.5) * rows) / 64));
  const out = new Float32Array(64 * 64);
  const colAt = new Float32Array(64);
  for (let oj = 0; oj < 64; oj++) {
    box1dAt(t, oj * rows, rows, wCols, sampledRows, colAt, 0);
    for (let oi = 0; oi < 64; oi++) out[oi * 64 + oj] = colAt[oi]!;
  }
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

function spectrum(luma: Float32Array, width: number, height: number): Spectrum | null {
  if (width < MIN_DIM || height < MIN_DIM) return null;
  if (luma.length !== width * height) throw new RangeError(`luma has ${luma.length} values, expected ${width}×${height}`);
  const img = width === 64 && height === 64 ? Float32Array.from(luma) : downsample64(luma, height, width);
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
 * PDQ moves by 40–70 bits when 10 % of an image's area is cropped away, so a registered
 * image is also indexed by the hash of its centre 95 % (per side): a copy cropped evenly by
 * up to ~10 % of its area then lands within the match distance of that second hash.
 */
export const CROP_FACTOR = 0.95;
