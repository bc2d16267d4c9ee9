import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fontkit } from '../fonts/fontkit.js';
import type { Font } from '@pdf-lib/fontkit';

/**
 * The visible label's text drawn from glyph outlines of Noto Sans SC Bold as npm ships it
 * (@fontsource/noto-sans-sc), so the label looks the same on every host and never depends on
 * which fonts the system has. fontsource splits the font into ~100 WOFF files by
 * `unicode-range`; each character is looked up in the file covering it. Returns null when the
 * package is missing or a character is not covered (the caller then uses the system's fonts).
 */

interface Face {
  file: string;
  ranges: [number, number][];
}

let faces: { dir: string; list: Face[] } | null | undefined;
const fonts = new Map<string, Font>();

function loadFaces(): { dir: string; list: Face[] } | null {
  if (faces !== undefined) return faces;
  try {
    const req = createRequire(import.meta.url);
    const dir = path.dirname(req.resolve('@fontsource/noto-sans-sc/700.css'));
    const css = readFileSync(path.join(dir, '700.css'), 'utf8');
    const list: Face[] = [];
    for (const block of css.split('@font-face').slice(1)) {
      const file = /url\(\.\/files\/([\w.-]+?\.woff)\)/.exec(block)?.[1];
      const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
      if (!file || !range) continue;
      list.push({
        file,
        ranges: range.split(',').map((r) => {
          const [a, b] = r.trim().replace(/^U\+/i, '').split('-');
          return [parseInt(a ?? '', 16), parseInt(b ?? a ?? '', 16)];
        }),
      });
    }
    faces = list.length ? { dir, list } : null;
  } catch {
    faces = null;
  }
  return faces;
}

function fontFor(cp: number): Font | null {
  const f = loadFaces();
  const face = f?.list.find((x) => x.ranges.some(([lo, hi]) => cp >= lo && cp <= hi));
  if (!f || !face) return null;
  let font = fonts.get(face.file);
  if (!font) {
    font = fontkit().create(readFileSync(path.join(f.dir, 'files', face.file)));
    fonts.set(face.file, font);
  }
  return font;
}

export const LABEL_FONT_NAME = 'Noto Sans SC Bold (@fontsource/noto-sans-sc)';

/**
 * White text as SVG at `size` px per em, wrapped greedily at `maxWidth` (between words, or
 * between any two CJK characters). Null when a character has no glyph in the npm font.
 */
export function labelTextSvg(text: string, size: number, maxWidth: number): { svg: string; width: number; height: number; lines: number; lineInk: number } | null {
  const glyphs: { d: string; advance: number; scale: number; space: boolean; cjk: boolean }[] = [];
  let top = -Infinity;
  let bottom = Infinity;
  for (const ch of text) {
    const cp = ch.codePointAt(0)!;
    if (cp === 0x20) {
      const f = fontFor(0x41);
      if (!f) return null;
      glyphs.push({ d: '', advance: f.layout(' ').positions[0]!.xAdvance * (size / f.unitsPerEm), scale: 0, space: true, cjk: false });
      continue;
    }
    const font = fontFor(cp);
    if (!font) return null;
    const run = font.layout(ch);
    const g = run.glyphs[0];
    if (!g || g.id === 0) return null; // .notdef: the file's range lied
    const scale = size / font.unitsPerEm;
    top = Math.max(top, g.bbox.maxY * scale);
    bottom = Math.min(bottom, g.bbox.minY * scale);
    glyphs.push({ d: g.path.toSVG(), advance: run.positions[0]!.xAdvance * scale, scale, space: false, cjk: cp >= 0x2e80 });
  }
  // Greedy lines: break at the last space of the line, else before the last CJK character.
  const lines: (typeof glyphs)[] = [[]];
  let width = 0;
  let spaceBreak = -1;
  let cjkBreak = -1;
  for (const g of glyphs) {
    const line = lines[lines.length - 1]!;
    if (g.space) spaceBreak = line.length;
    else if (g.cjk) cjkBreak = line.length;
    const at = spaceBreak > 0 ? spaceBreak : cjkBreak;
    if (width + g.advance > maxWidth && line.length && at > 0) {
      const moved = line.splice(at).filter((x, i) => !(i === 0 && x.space));
      lines.push(moved);
      width = moved.reduce((a, x) => a + x.advance, 0);
      spaceBreak = -1;
      cjkBreak = -1;
    }
    if (g.space && !lines[lines.length - 1]!.length) continue;
    lines[lines.length - 1]!.push(g);
    width += g.advance;
  }
  const lineHeight = Math.ceil(size * 1.3);
  const parts: string[] = [];
  let maxW = 0;
  lines.forEach((line, li) => {
    let x = 0;
    for (const g of line) {
      if (g.d) parts.push(`<path transform="translate(${x.toFixed(2)} ${(li * lineHeight + size).toFixed(2)}) scale(${g.scale} ${-g.scale})" d="${g.d}"/>`);
      x += g.advance;
    }
    maxW = Math.max(maxW, x);
  });
  const w = Math.max(1, Math.ceil(maxW));
  const h = lines.length * lineHeight + Math.ceil(size * 0.3);
  // lineInk: the height of one line's ink (tallest ascent to deepest descent), what the 5 % rule is about.
  return { svg: `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}"><g fill="#ffffff">${parts.join('')}</g></svg>`, width: w, height: h, lines: lines.length, lineInk: Number.isFinite(top - bottom) ? Math.floor(top - bottom) : 0 };
}
