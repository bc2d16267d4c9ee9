/** Draws the certificate's display list with pdf-lib, embedding a subset of each face used. */
import { createHash } from 'node:crypto';
import fontkit from '@pdf-lib/fontkit';
import type { Font } from '@pdf-lib/fontkit';
import { PDFDocument, degrees, fill, popGraphicsState, pushGraphicsState, rectangle, rgb, setFillingRgbColor, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import type { FontFace, FontSet } from './certificate-fonts.js';
import type { Color, Page } from './certificate-layout.js';

const colour = (c: Color) => rgb(c[0], c[1], c[2]);

/**
 * pdf-lib parses the font bytes it is given on every embed; handing it the font the FontSet
 * already parsed (same bytes) saves that work on every certificate.
 */
const parsed = new WeakMap<Uint8Array, Font>();
const cachingFontkit = {
  create(buffer: Uint8Array, postscriptName?: string): Font {
    return parsed.get(buffer) ?? fontkit.create(buffer, postscriptName);
  },
};

/**
 * The subset tag PDF readers (pdffonts "sub yes") look for: six capitals and a plus sign.
 * Derived from the face, not random, so the same certificate renders to the same bytes.
 */
const tags = new Map<string, string>();
function subsetTag(face: FontFace): string {
  let tag = tags.get(face.key);
  if (!tag) {
    const h = createHash('sha256').update(face.key).digest();
    tags.set(face.key, (tag = Array.from(h.subarray(0, 6), (b) => String.fromCharCode(65 + (b % 26))).join('')));
  }
  return tag;
}

export async function pagesToPdf(pages: readonly Page[], fonts: FontSet, meta: { title: string; date: string }): Promise<Uint8Array> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  doc.registerFontkit(cachingFontkit);
  const date = new Date(meta.date);
  doc.setTitle(meta.title);
  doc.setProducer('Copyright Workstation (pdf-lib)');
  doc.setCreator('Copyright Workstation');
  doc.setCreationDate(date);
  doc.setModificationDate(date);

  const pdfFonts = new Map<FontFace, PDFFont>();
  const fontFor = async (face: FontFace): Promise<PDFFont> => {
    let f = pdfFonts.get(face);
    if (!f) {
      parsed.set(face.sfnt, face.font);
      f = await doc.embedFont(face.sfnt, { subset: true, customName: `${subsetTag(face)}+${face.font.postscriptName || 'NotoSansSC'}` });
      pdfFonts.set(face, f);
    }
    return f;
  };
  const images = new Map<Uint8Array, PDFImage>();

  for (const p of pages) {
    const page: PDFPage = doc.addPage([p.width, p.height]);
    for (const op of p.ops) {
      switch (op.kind) {
        case 'text': {
          const rot = ((op.rotate ?? 0) * Math.PI) / 180;
          let x = op.x;
          let y = op.y;
          for (const run of fonts.runs(op.text)) {
            page.drawText(run.text, { x, y, size: op.size, font: await fontFor(run.face), color: colour(op.color), ...(op.rotate ? { rotate: degrees(op.rotate) } : {}) });
            const w = fonts.width(run.text, op.size);
            x += w * Math.cos(rot);
            y += w * Math.sin(rot);
          }
          break;
        }
        case 'rect':
          page.drawRectangle({
            x: op.x, y: op.y, width: op.w, height: op.h,
            ...(op.fill ? { color: colour(op.fill) } : {}),
            ...(op.stroke ? { borderColor: colour(op.stroke), borderWidth: op.lineWidth ?? 1 } : { borderWidth: 0 }),
          });
          break;
        case 'line':
          page.drawLine({ start: { x: op.x1, y: op.y1 }, end: { x: op.x2, y: op.y2 }, thickness: op.width, color: colour(op.color) });
          break;
        case 'circle':
          page.drawCircle({ x: op.cx, y: op.cy, size: op.r, borderColor: colour(op.stroke), borderWidth: op.width });
          break;
        case 'polygon':
          page.drawSvgPath(`M ${op.points.map(([x, y]) => `${x} ${-y}`).join(' L ')} Z`, { x: 0, y: 0, color: colour(op.fill), borderWidth: 0 });
          break;
        case 'rects':
          page.pushOperators(pushGraphicsState(), setFillingRgbColor(op.fill[0], op.fill[1], op.fill[2]), ...op.rects.map(([x, y, w, h]) => rectangle(x, y, w, h)), fill(), popGraphicsState());
          break;
        case 'image': {
          let img = images.get(op.png);
          if (!img) images.set(op.png, (img = await doc.embedPng(op.png)));
          page.drawImage(img, { x: op.x, y: op.y, width: op.w, height: op.h });
          break;
        }
      }
    }
  }
  return doc.save({ useObjectStreams: true });
}
