/**
 * An acoustic fingerprint compatible with Chromaprint 1.5 (AcoustID's `fpcalc`, default
 * algorithm "TEST2"): 11025 Hz mono 16-bit PCM → 4096-sample Hamming-windowed frames every
 * 1365 samples → power spectrum → 12 chroma bands (28–3520 Hz) → 5-tap smoothing over time →
 * unit-norm rows of a running integral image → 16 Haar-like filters, each quantised into two
 * Gray-coded bits → one 32-bit value per frame. The compressed text form is the same as
 * fpcalc's. Written from the published algorithm; no code copied.
 */

export const CHROMAPRINT_SAMPLE_RATE = 11025;
const FRAME = 4096;
const HOP = FRAME - (FRAME - Math.floor(FRAME / 3)); // 1365: fpcalc overlaps frames by 4096 − ⌊4096/3⌋
const MIN_FREQ = 28;
const MAX_FREQ = 3520;
const FILTER_COEFFS = [0.25, 0.75, 1.0, 0.75, 0.25];
/** Seconds per fingerprint item. */
export const ITEM_SECONDS = HOP / CHROMAPRINT_SAMPLE_RATE;

// [type, y, height, width, t0, t1, t2]
const CLASSIFIERS: readonly (readonly number[])[] = [
  [0, 4, 3, 15, 1.98215, 2.35817, 2.63523],
  [4, 4, 6, 15, -1.03809, -0.651211, -0.282167],
  [1, 0, 4, 16, -0.298702, 0.119262, 0.558497],
  [3, 8, 2, 12, -0.105439, 0.0153946, 0.135898],
  [3, 4, 4, 8, -0.142891, 0.0258736, 0.200632],
  [4, 0, 3, 5, -0.826319, -0.590612, -0.368214],
  [1, 2, 2, 9, -0.557409, -0.233035, 0.0534525],
  [2, 7, 3, 4, -0.0646826, 0.00620476, 0.0784847],
  [2, 6, 2, 16, -0.192387, -0.029699, 0.215855],
  [2, 1, 3, 2, -0.0397818, -0.00568076, 0.0292026],
  [5, 10, 1, 15, -0.53823, -0.369934, -0.190235],
  [3, 6, 2, 10, -0.124877, 0.0296483, 0.139239],
  [2, 1, 1, 14, -0.101475, 0.0225617, 0.231971],
  [3, 5, 6, 4, -0.0799915, -0.00729616, 0.063262],
  [1, 9, 2, 12, -0.272556, 0.019424, 0.302559],
  [3, 4, 2, 14, -0.164292, -0.0321188, 0.0846339],
];
const MAX_FILTER_WIDTH = 16;
const GRAY = [0, 1, 3, 2];

const f32 = Math.fround;

/** Hamming window scaled by 1/32767, in single precision like the reference. */
const WINDOW = (() => {
  const w = new Float32Array(FRAME);
  for (let i = 0; i < FRAME; i++) w[i] = (1 / 32767) * (0.54 - 0.46 * Math.cos((i * 2 * Math.PI) / (FRAME - 1)));
  return w;
})();

/** Chroma band of each FFT bin in [minIndex, maxIndex). */
const NOTES = (() => {
  const minIndex = Math.max(1, Math.round((FRAME * MIN_FREQ) / CHROMAPRINT_SAMPLE_RATE));
  const maxIndex = Math.min(FRAME / 2, Math.round((FRAME * MAX_FREQ) / CHROMAPRINT_SAMPLE_RATE));
  const notes = new Int8Array(FRAME);
  const base = 440 / 16;
  for (let i = minIndex; i < maxIndex; i++) {
    const freq = (i * CHROMAPRINT_SAMPLE_RATE) / FRAME;
    const octave = Math.log(freq / base) / Math.log(2);
    notes[i] = Math.trunc(12 * (octave - Math.floor(octave)));
  }
  return { minIndex, maxIndex, notes };
})();

// Radix-2 FFT tables for N = 4096.
const BITREV = (() => {
  const r = new Uint16Array(FRAME);
  const bits = Math.log2(FRAME);
  for (let i = 0; i < FRAME; i++) {
    let x = i;
    let y = 0;
    for (let b = 0; b < bits; b++) {
      y = (y << 1) | (x & 1);
      x >>= 1;
    }
    r[i] = y;
  }
  return r;
})();
const COS = Float64Array.from({ length: FRAME / 2 }, (_, i) => Math.cos((2 * Math.PI * i) / FRAME));
const SIN = Float64Array.from({ length: FRAME / 2 }, (_, i) => -Math.sin((2 * Math.PI * i) / FRAME));

/** Power spectrum (bins 0..N/2) of one windowed frame; products rounded to single precision as in the reference. */
function powerSpectrum(frame: Float32Array, re: Float64Array, im: Float64Array, out: Float64Array): void {
  for (let i = 0; i < FRAME; i++) {
    re[BITREV[i]!] = frame[i]!;
    im[BITREV[i]!] = 0;
  }
  for (let size = 2; size <= FRAME; size <<= 1) {
    const half = size >> 1;
    const step = FRAME / size;
    for (let start = 0; start < FRAME; start += size) {
      for (let k = 0; k < half; k++) {
        const c = COS[k * step]!;
        const s = SIN[k * step]!;
        const i = start + k;
        const j = i + half;
        const tr = re[j]! * c - im[j]! * s;
        const ti = re[j]! * s + im[j]! * c;
        re[j] = re[i]! - tr;
        im[j] = im[i]! - ti;
        re[i] = re[i]! + tr;
        im[i] = im[i]! + ti;
      }
    }
  }
  for (let k = 0; k <= FRAME / 2; k++) {
    const r = f32(re[k]!);
    const m = f32(im[k]!);
    out[k] = f32(f32(r * r) + f32(m * m));
  }
}

function area(img: Float64Array, rows: number, r1: number, c1: number, r2: number, c2: number): number {
  if (r1 === r2 || c1 === c2) return 0;
  void rows;
  const at = (r: number, c: number) => img[r * 12 + c]!;
  if (r1 === 0) return c1 === 0 ? at(r2 - 1, c2 - 1) : at(r2 - 1, c2 - 1) - at(r2 - 1, c1 - 1);
  if (c1 === 0) return at(r2 - 1, c2 - 1) - at(r1 - 1, c2 - 1);
  return at(r2 - 1, c2 - 1) - at(r1 - 1, c2 - 1) - at(r2 - 1, c1 - 1) + at(r1 - 1, c1 - 1);
}

const subLog = (a: number, b: number): number => Math.log((1 + a) / (1 + b));

function applyFilter(img: Float64Array, rows: number, type: number, x: number, y: number, h: number, w: number): number {
  const A = (r1: number, c1: number, r2: number, c2: number) => area(img, rows, r1, c1, r2, c2);
  switch (type) {
    case 0:
      return subLog(A(x, y, x + w, y + h), 0);
    case 1: {
      const h2 = Math.floor(h / 2);
      return subLog(A(x, y + h2, x + w, y + h), A(x, y, x + w, y + h2));
    }
    case 2: {
      const w2 = Math.floor(w / 2);
      return subLog(A(x + w2, y, x + w, y + h), A(x, y, x + w2, y + h));
    }
    case 3: {
      const w2 = Math.floor(w / 2);
      const h2 = Math.floor(h / 2);
      return subLog(A(x, y + h2, x + w2, y + h) + A(x + w2, y, x + w, y + h2), A(x, y, x + w2, y + h2) + A(x + w2, y + h2, x + w, y + h));
    }
    case 4: {
      const h3 = Math.floor(h / 3);
      return subLog(A(x, y + h3, x + w, y + 2 * h3), A(x, y, x + w, y + h3) + A(x, y + 2 * h3, x + w, y + h));
    }
    default: {
      const w3 = Math.floor(w / 3);
      return subLog(A(x + w3, y, x + 2 * w3, y + h), A(x, y, x + w3, y + h) + A(x + 2 * w3, y, x + w, y + h));
    }
  }
}

/**
 * The raw fingerprint (one unsigned 32-bit value per ~0.124 s) of 11025 Hz mono PCM.
 * Feed at most the first 120 s to match `fpcalc`'s default.
 */
export function chromaprintRaw(pcm: Int16Array): Uint32Array {
  const nFrames = pcm.length >= FRAME ? Math.floor((pcm.length - FRAME) / HOP) + 1 : 0;
  const frame = new Float32Array(FRAME);
  const re = new Float64Array(FRAME);
  const im = new Float64Array(FRAME);
  const spec = new Float64Array(FRAME / 2 + 1);
  const chroma: Float64Array[] = [];
  for (let fi = 0; fi < nFrames; fi++) {
    const off = fi * HOP;
    for (let i = 0; i < FRAME; i++) frame[i] = pcm[off + i]! * WINDOW[i]!;
    powerSpectrum(frame, re, im, spec);
    const bands = new Float64Array(12);
    for (let i = NOTES.minIndex; i < NOTES.maxIndex; i++) bands[NOTES.notes[i]!]! += spec[i]!;
    chroma.push(bands);
  }
  // Smooth over 5 frames, normalise, accumulate into the integral image.
  const nRows = Math.max(0, chroma.length - FILTER_COEFFS.length + 1);
  const img = new Float64Array(nRows * 12);
  for (let r = 0; r < nRows; r++) {
    const row = new Float64Array(12);
    for (let b = 0; b < 12; b++) {
      let s = 0;
      for (let j = 0; j < FILTER_COEFFS.length; j++) s += chroma[r + j]![b]! * FILTER_COEFFS[j]!;
      row[b] = s;
    }
    let sq = 0;
    for (let b = 0; b < 12; b++) sq += row[b]! * row[b]!;
    const norm = sq > 0 ? Math.sqrt(sq) : 0;
    for (let b = 0; b < 12; b++) row[b] = norm < 0.01 ? 0 : row[b]! / norm;
    let acc = 0;
    for (let b = 0; b < 12; b++) {
      acc += row[b]!;
      img[r * 12 + b] = r > 0 ? img[(r - 1) * 12 + b]! + acc : acc;
    }
  }
  const n = Math.max(0, nRows - MAX_FILTER_WIDTH + 1);
  const out = new Uint32Array(n);
  for (let x = 0; x < n; x++) {
    let bits = 0;
    for (const c of CLASSIFIERS) {
      const v = applyFilter(img, nRows, c[0]!, x, c[1]!, c[2]!, c[3]!);
      const q = v < c[5]! ? (v < c[4]! ? 0 : 1) : v < c[6]! ? 2 : 3;
      bits = (bits << 2) | GRAY[q]!;
    }
    out[x] = bits >>> 0;
  }
  return out;
}

/** fpcalc's compressed form: algorithm byte, 24-bit length, 3-bit and 5-bit packed XOR deltas, URL-safe base64 without padding. */
export function compressFingerprint(raw: Uint32Array, algorithm = 1): string {
  const normal: number[] = [];
  const exceptional: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    let x = i === 0 ? raw[0]! : (raw[i]! ^ raw[i - 1]!) >>> 0;
    let bit = 1;
    let last = 0;
    while (x !== 0) {
      if (x & 1) {
        const v = bit - last;
        if (v >= 7) {
          normal.push(7);
          exceptional.push(v - 7);
        } else normal.push(v);
        last = bit;
      }
      x >>>= 1;
      bit++;
    }
    normal.push(0);
  }
  const header = Buffer.from([algorithm & 255, (raw.length >>> 16) & 255, (raw.length >>> 8) & 255, raw.length & 255]);
  return Buffer.concat([header, packBits(normal, 3), packBits(exceptional, 5)]).toString('base64url');
}

function packBits(values: number[], width: number): Buffer {
  const out = Buffer.alloc(Math.ceil((values.length * width) / 8));
  let bitPos = 0;
  for (const v of values) {
    for (let b = 0; b < width; b++, bitPos++) if ((v >> b) & 1) out[bitPos >> 3]! |= 1 << (bitPos & 7);
  }
  return out;
}

/** Inverse of compressFingerprint. */
export function decompressFingerprint(text: string): { algorithm: number; raw: Uint32Array } {
  const buf = Buffer.from(text, 'base64url');
  if (buf.length < 4) throw new RangeError('fingerprint too short');
  const algorithm = buf[0]!;
  const count = (buf[1]! << 16) | (buf[2]! << 8) | buf[3]!;
  const readBits = (startBit: number, width: number, i: number) => {
    let v = 0;
    for (let b = 0; b < width; b++) {
      const p = startBit + i * width + b;
      if (p >> 3 >= buf.length) throw new RangeError('fingerprint truncated');
      if ((buf[p >> 3]! >> (p & 7)) & 1) v |= 1 << b;
    }
    return v;
  };
  const normal: number[] = [];
  let zeros = 0;
  for (let i = 0; zeros < count; i++) {
    const v = readBits(32, 3, i);
    normal.push(v);
    if (v === 0) zeros++;
  }
  const excStart = 32 + Math.ceil((normal.length * 3) / 8) * 8;
  const raw = new Uint32Array(count);
  let ei = 0;
  let idx = 0;
  for (let i = 0; i < count; i++) {
    let x = 0;
    let last = 0;
    for (;;) {
      let v = normal[idx++]!;
      if (v === 0) break;
      if (v === 7) v += readBits(excStart, 5, ei++);
      last += v;
      x |= 1 << (last - 1);
    }
    raw[i] = (i === 0 ? x : (x ^ raw[i - 1]!)) >>> 0;
  }
  return { algorithm, raw };
}

export interface AudioAlignment {
  /** Items of B to skip to align with A (positive: A starts later in B). */
  offset: number;
  offsetSeconds: number;
  /** Bit error rate over the overlap (0 identical, ~0.5 unrelated). */
  bitErrorRate: number;
  /** Overlap in seconds. */
  overlapSeconds: number;
  /** Aligned segments (≈ 5 s each) whose bit error rate is below the threshold, in A's seconds. */
  segments: { startA: number; endA: number; startB: number; endB: number; bitErrorRate: number }[];
}

const popcount = (x: number): number => {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  x = (x + (x >>> 4)) & 0x0f0f0f0f;
  return Math.imul(x, 0x01010101) >>> 24;
};

/**
 * Finds the best alignment of two raw fingerprints: offsets are voted for by equal values
 * (their top 20 bits, which survive lossy re-encoding best), the strongest few are scored by
 * bit error rate, and the best one is cut into ~5 s segments.
 */
export function alignFingerprints(a: Uint32Array, b: Uint32Array, opts: { segmentItems?: number; maxSegmentBer?: number } = {}): AudioAlignment | null {
  const segItems = opts.segmentItems ?? 40;
  const maxBer = opts.maxSegmentBer ?? 0.3;
  if (a.length === 0 || b.length === 0) return null;
  const pos = new Map<number, number[]>();
  for (let j = 0; j < b.length; j++) {
    const key = b[j]! >>> 12;
    const l = pos.get(key);
    if (l) {
      if (l.length < 32) l.push(j);
    } else pos.set(key, [j]);
  }
  const votes = new Map<number, number>();
  for (let i = 0; i < a.length; i++) {
    const l = pos.get(a[i]! >>> 12);
    if (l) for (const j of l) votes.set(j - i, (votes.get(j - i) ?? 0) + 1);
  }
  const candidates = [...votes.entries()].sort((x, y) => y[1] - x[1]).slice(0, 8).map((e) => e[0]);
  if (candidates.length === 0) candidates.push(0);
  let best: { offset: number; ber: number; overlap: number } | null = null;
  for (const off of candidates) {
    const from = Math.max(0, -off);
    const to = Math.min(a.length, b.length - off);
    if (to - from < Math.min(segItems, a.length, b.length) / 2) continue;
    let errs = 0;
    for (let i = from; i < to; i++) errs += popcount(a[i]! ^ b[i + off]!);
    const ber = errs / ((to - from) * 32);
    if (!best || ber < best.ber) best = { offset: off, ber, overlap: to - from };
  }
  if (!best) return null;
  const segments: AudioAlignment['segments'] = [];
  const from = Math.max(0, -best.offset);
  const to = Math.min(a.length, b.length - best.offset);
  for (let s = from; s < to; s += segItems) {
    const e = Math.min(to, s + segItems);
    if (e - s < segItems / 2 && segments.length > 0) break;
    let errs = 0;
    for (let i = s; i < e; i++) errs += popcount(a[i]! ^ b[i + best.offset]!);
    const ber = errs / ((e - s) * 32);
    if (ber <= maxBer) {
      const prev = segments[segments.length - 1];
      const seg = { startA: s * ITEM_SECONDS, endA: e * ITEM_SECONDS, startB: (s + best.offset) * ITEM_SECONDS, endB: (e + best.offset) * ITEM_SECONDS, bitErrorRate: ber };
      if (prev && Math.abs(prev.endA - seg.startA) < 1e-9) {
        prev.bitErrorRate = (prev.bitErrorRate * (prev.endA - prev.startA) + ber * (seg.endA - seg.startA)) / (seg.endA - prev.startA);
        prev.endA = seg.endA;
        prev.endB = seg.endB;
      } else segments.push(seg);
    }
  }
  return { offset: best.offset, offsetSeconds: best.offset * ITEM_SECONDS, bitErrorRate: best.ber, overlapSeconds: best.overlap * ITEM_SECONDS, segments };
}

/** Keys for the audio index: the top 20 bits of every 4th value. */
export function audioIndexKeys(raw: Uint32Array): number[] {
  const keys = new Set<number>();
  for (let i = 0; i < raw.length; i += 4) keys.add(raw[i]! >>> 12);
  return [...keys];
}
