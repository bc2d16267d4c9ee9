/**
 * The seal drawn when the institution has not configured an image (CWS_SEAL_IMAGE): a red
 * ring, a five-pointed star, the institution's name along the upper arc and 作品登记专用章
 * beneath the star, in vector shapes and the certificate's own font.
 */
import type { FontSet } from './certificate-fonts.js';
import type { Color, Op } from './certificate-layout.js';

export const SEAL_TEXT = '作品登记专用章';

function star(cx: number, cy: number, r: number): [number, number][] {
  const pts: [number, number][] = [];
  for (let i = 0; i < 10; i++) {
    const a = Math.PI / 2 + (i * Math.PI) / 5;
    const rr = i % 2 === 0 ? r : r * 0.382;
    pts.push([cx + rr * Math.cos(a), cy + rr * Math.sin(a)]);
  }
  return pts;
}

export function defaultSealOps(institution: string, cx: number, cy: number, r: number, color: Color, fonts: FontSet): Op[] {
  const ops: Op[] = [
    { kind: 'circle', cx, cy, r, stroke: color, width: 3 },
    { kind: 'circle', cx, cy, r: r - 4.5, stroke: color, width: 0.7 },
    { kind: 'polygon', points: star(cx, cy + 2, r * 0.26), fill: color },
  ];
  // The name runs clockwise over the top, each character upright towards the ring.
  const chars = [...institution.trim()];
  const textR = r - 15;
  const span = Math.min(215, 30 + chars.length * 19) * (Math.PI / 180);
  const size = Math.max(5, Math.min(12, ((textR * span) / Math.max(1, chars.length)) * 0.92));
  chars.forEach((ch, i) => {
    const theta = Math.PI / 2 + span / 2 - (chars.length === 1 ? span / 2 : (i * span) / (chars.length - 1));
    const px = cx + textR * Math.cos(theta);
    const py = cy + textR * Math.sin(theta);
    const phi = theta - Math.PI / 2;
    const w = fonts.width(ch, size);
    // Centre the glyph box (advance × ~0.7 em) on the arc point after rotation.
    const dx = (w / 2) * Math.cos(phi) - 0.36 * size * Math.sin(phi);
    const dy = (w / 2) * Math.sin(phi) + 0.36 * size * Math.cos(phi);
    ops.push({ kind: 'text', x: px - dx, y: py - dy, size, text: ch, color, rotate: (phi * 180) / Math.PI });
  });
  const bottom = SEAL_TEXT;
  const bs = Math.min(9, ((r * 1.1) / fonts.width(bottom, 1)) * 0.95);
  ops.push({ kind: 'text', x: cx - fonts.width(bottom, bs) / 2, y: cy - r * 0.6, size: bs, text: bottom, color });
  return ops;
}
