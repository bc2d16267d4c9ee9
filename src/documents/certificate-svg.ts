/**
 * One page of the display list as SVG, text drawn as glyph outlines from the same fonts as
 * the PDF: the PNG preview then needs no system font and no PDF rasterizer (sharp renders SVG).
 */
import type { FontSet } from './certificate-fonts.js';
import type { Color, Page } from './certificate-layout.js';

const f = (n: number) => Number(n.toFixed(2));
const colour = (c: Color) => `rgb(${c.map((v) => Math.round(v * 255)).join(',')})`;
const esc = (s: string) => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

export function pageToSvg(page: Page, fonts: FontSet): string {
  const H = page.height;
  const defs = new Map<string, string>();
  const body: string[] = [`<rect width="100%" height="100%" fill="#fff"/>`];
  for (const op of page.ops) {
    switch (op.kind) {
      case 'text': {
        const rot = op.rotate ?? 0;
        let advance = 0;
        for (const run of fonts.runs(op.text)) {
          const font = run.face.font;
          const s = op.size / font.unitsPerEm;
          for (const glyph of font.layout(run.text).glyphs) {
            const id = `g${fonts.faces.indexOf(run.face)}_${glyph.id}`;
            if (!defs.has(id)) defs.set(id, `<path id="${id}" d="${glyph.path.toSVG()}"/>`);
            body.push(`<use href="#${id}" fill="${colour(op.color)}" transform="translate(${f(op.x)} ${f(H - op.y)}) rotate(${f(-rot)}) translate(${f(advance)} 0) scale(${s} ${-s})"/>`);
            advance += glyph.advanceWidth * s;
          }
        }
        break;
      }
      case 'rect':
        body.push(`<rect x="${f(op.x)}" y="${f(H - op.y - op.h)}" width="${f(op.w)}" height="${f(op.h)}" fill="${op.fill ? colour(op.fill) : 'none'}"${op.stroke ? ` stroke="${colour(op.stroke)}" stroke-width="${op.lineWidth ?? 1}"` : ''}/>`);
        break;
      case 'line':
        body.push(`<line x1="${f(op.x1)}" y1="${f(H - op.y1)}" x2="${f(op.x2)}" y2="${f(H - op.y2)}" stroke="${colour(op.color)}" stroke-width="${op.width}"/>`);
        break;
      case 'circle':
        body.push(`<circle cx="${f(op.cx)}" cy="${f(H - op.cy)}" r="${f(op.r)}" fill="none" stroke="${colour(op.stroke)}" stroke-width="${op.width}"/>`);
        break;
      case 'polygon':
        body.push(`<polygon points="${op.points.map(([x, y]) => `${f(x)},${f(H - y)}`).join(' ')}" fill="${colour(op.fill)}"/>`);
        break;
      case 'rects':
        body.push(`<path fill="${colour(op.fill)}" d="${op.rects.map(([x, y, w, h]) => `M${f(x)} ${f(H - y - h)}h${f(w)}v${f(h)}h${f(-w)}z`).join('')}"/>`);
        break;
      case 'image':
        body.push(`<image x="${f(op.x)}" y="${f(H - op.y - op.h)}" width="${f(op.w)}" height="${f(op.h)}" href="data:image/png;base64,${esc(Buffer.from(op.png).toString('base64'))}"/>`);
        break;
    }
  }
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${page.width}" height="${H}" viewBox="0 0 ${page.width} ${H}"><defs>${[...defs.values()].join('')}</defs>${body.join('')}</svg>`;
}
