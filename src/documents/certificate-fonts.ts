/**
 * Fonts of the certificate: Noto Sans SC as @fontsource ships it, about a hundred WOFF files
 * each covering one `unicode-range`. Pure: the caller reads the files; this module parses the
 * ranges, converts WOFF to plain SFNT and splits text into runs of one face each.
 */
import { inflateSync } from 'node:zlib';
import { fontkit } from '../fonts/fontkit.js';
import type { Font } from '@pdf-lib/fontkit';

export type CodeRange = readonly [number, number];

export interface FaceRanges {
  /** File name without extension, e.g. `noto-sans-sc-118-400-normal`. */
  key: string;
  ranges: readonly CodeRange[];
}

/** One loaded face: its ranges, its plain SFNT bytes (what the PDF embeds) and the parsed font. */
export interface FontFace extends FaceRanges {
  sfnt: Uint8Array;
  font: Font;
}

/** Reads the `@font-face` blocks of a fontsource CSS file (e.g. 400.css) in declaration order. */
export function parseFaceRanges(css: string): FaceRanges[] {
  const out: FaceRanges[] = [];
  for (const block of css.split('@font-face').slice(1)) {
    const file = /url\(\.\/files\/([\w.-]+?)\.woff2?\)/.exec(block)?.[1];
    const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
    if (!file || !range) continue;
    const ranges = range.split(',').map((r): CodeRange => {
      const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
      const lo = parseInt(a ?? '', 16);
      return [lo, b === undefined ? lo : parseInt(b, 16)];
    });
    if (ranges.every(([lo, hi]) => Number.isFinite(lo) && Number.isFinite(hi))) out.push({ key: file, ranges });
  }
  return out;
}

export const covers = (face: FaceRanges, cp: number): boolean => face.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

/**
 * WOFF 1.0 to SFNT (TrueType). fontkit reads WOFF, but it inflates a whole table again each
 * time it reads from it (once per glyph when subsetting), which made a certificate cost
 * hundreds of milliseconds; a plain SFNT converted once is read in place.
 */
export function woffToSfnt(woff: Uint8Array): Uint8Array {
  const b = Buffer.from(woff.buffer, woff.byteOffset, woff.byteLength);
  if (b.length < 44 || b.readUInt32BE(0) !== 0x774f4646) throw new Error('not a WOFF 1.0 file');
  const n = b.readUInt16BE(12);
  if (b.length < 44 + n * 20) throw new Error('truncated WOFF table directory');
  const tables = Array.from({ length: n }, (_, i) => {
    const o = 44 + i * 20;
    const [tag, off, comp, orig, sum] = [b.readUInt32BE(o), b.readUInt32BE(o + 4), b.readUInt32BE(o + 8), b.readUInt32BE(o + 12), b.readUInt32BE(o + 16)];
    if (off + comp > b.length) throw new Error('truncated WOFF table');
    const raw = b.subarray(off, off + comp);
    const data = comp < orig ? inflateSync(raw) : raw;
    if (data.length !== orig) throw new Error('WOFF table of the wrong length');
    return { tag, sum, data };
  }).sort((x, y) => x.tag - y.tag);
  const padded = (len: number) => (len + 3) & ~3;
  const out = Buffer.alloc(12 + 16 * n + tables.reduce((s, t) => s + padded(t.data.length), 0));
  const es = Math.floor(Math.log2(n));
  out.writeUInt32BE(b.readUInt32BE(4), 0);
  out.writeUInt16BE(n, 4);
  out.writeUInt16BE(16 * 2 ** es, 6);
  out.writeUInt16BE(es, 8);
  out.writeUInt16BE(16 * n - 16 * 2 ** es, 10);
  let off = 12 + 16 * n;
  tables.forEach((t, i) => {
    const r = 12 + i * 16;
    out.writeUInt32BE(t.tag, r);
    out.writeUInt32BE(t.sum, r + 4);
    out.writeUInt32BE(off, r + 8);
    out.writeUInt32BE(t.data.length, r + 12);
    t.data.copy(out, off);
    off += padded(t.data.length);
  });
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function loadFace(ranges: FaceRanges, woff: Uint8Array): FontFace {
  const sfnt = woffToSfnt(woff);
  return { ...ranges, sfnt, font: memoizeLayout(fontkit().create(sfnt)) };
}

// Per font; labels, dates and recurring names stay, one-off strings are dropped in bulk.
const LAYOUT_MEMO = 2_000;

/**
 * OpenType shaping (fontkit's layout) was half of a certificate's CPU time, and pdf-lib shapes
 * every string again to encode it; most strings (labels, dates, names) recur from certificate
 * to certificate. Runs are memoized per font; callers only read glyph ids and advances.
 */
function memoizeLayout(font: Font): Font {
  const shape = font.layout.bind(font);
  const memo = new Map<string, ReturnType<Font['layout']>>();
  font.layout = (text, features) => {
    if (features !== undefined) return shape(text, features);
    let run = memo.get(text);
    if (!run) {
      if (memo.size >= LAYOUT_MEMO) memo.clear();
      memo.set(text, (run = shape(text)));
    }
    return run;
  };
  return font;
}

export interface Run {
  face: FontFace;
  text: string;
}

/** The character drawn for one no face covers. */
export const REPLACEMENT = '?';

/**
 * The faces of one document. Each character is drawn with the first face whose range holds it;
 * characters none covers become `?` and are counted in `missing` (tests assert none).
 */
export class FontSet {
  readonly missing = new Set<string>();
  private readonly faceCache = new Map<number, FontFace | null>();
  private readonly advance = new Map<string, number>();

  constructor(readonly faces: readonly FontFace[]) {}

  faceOf(cp: number): FontFace | null {
    let f = this.faceCache.get(cp);
    if (f === undefined) {
      f = this.faces.find((x) => covers(x, cp) && x.font.hasGlyphForCodePoint(cp)) ?? null;
      this.faceCache.set(cp, f);
    }
    return f;
  }

  /** Splits text into runs of one face; unknown characters become REPLACEMENT. */
  runs(text: string): Run[] {
    const out: Run[] = [];
    for (const ch of text) {
      let c = ch;
      let face = this.faceOf(c.codePointAt(0)!);
      if (!face) {
        this.missing.add(ch);
        c = REPLACEMENT;
        face = this.faceOf(REPLACEMENT.codePointAt(0)!);
        if (!face) throw new Error('the certificate fonts must cover "?"');
      }
      const last = out[out.length - 1];
      if (last && last.face === face) last.text += c;
      else out.push({ face, text: c });
    }
    return out;
  }

  /**
   * Width at size 1 as the PDF draws it: shaped (fontkit layout, as pdf-lib encodes text), so
   * ligatures such as —— (one glyph for two dashes) are measured as drawn.
   */
  private widthAt1(text: string): number {
    let w = this.advance.get(text);
    if (w === undefined) {
      w = 0;
      for (const run of this.runs(text)) {
        const font = run.face.font;
        for (const g of font.layout(run.text).glyphs) w += g.advanceWidth / font.unitsPerEm;
      }
      if (this.advance.size < 50_000) this.advance.set(text, w);
    }
    return w;
  }

  width(text: string, size: number): number {
    return this.widthAt1(text) * size;
  }
}
