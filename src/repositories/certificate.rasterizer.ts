import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';
import type SharpType from 'sharp';

let sharpModule: Promise<typeof SharpType> | undefined;
const loadSharp = (): Promise<typeof SharpType> => (sharpModule ??= import('sharp').then((m) => m.default));

/** Width of the PNG preview in pixels (about 120 dpi on A4). */
export const PREVIEW_WIDTH = 1000;

export type PreviewRenderer = 'pdftoppm' | 'svg';

/** poppler's pdftoppm on the PATH (or CWS_PDFTOPPM), if any. */
export function findPdftoppm(env: NodeJS.ProcessEnv = process.env): string | null {
  const candidates = env.CWS_PDFTOPPM ? [env.CWS_PDFTOPPM] : (env.PATH ?? '').split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'pdftoppm'));
  for (const c of candidates) {
    try {
      accessSync(c, constants.X_OK);
      return c;
    } catch {
      // not here
    }
  }
  return null;
}

/**
 * The certificate's PNG preview. pdftoppm renders the PDF itself, so the preview is exactly
 * the document; it is not an npm package, so where it is missing the same layout is drawn
 * from SVG (glyph outlines, no system fonts) with sharp. Both give PREVIEW_WIDTH pixels.
 */
export class CertificateRasterizer {
  constructor(readonly pdftoppm: string | null = findPdftoppm()) {}

  get renderer(): PreviewRenderer {
    return this.pdftoppm ? 'pdftoppm' : 'svg';
  }

  async preview(pdf: Uint8Array, svg: () => string): Promise<{ png: Buffer; renderer: PreviewRenderer }> {
    if (this.pdftoppm) return { png: await this.viaPdftoppm(this.pdftoppm, pdf), renderer: 'pdftoppm' };
    return { png: await svgToPng(svg()), renderer: 'svg' };
  }

  private viaPdftoppm(bin: string, pdf: Uint8Array): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn(bin, ['-png', '-f', '1', '-l', '1', '-singlefile', '-scale-to-x', String(PREVIEW_WIDTH), '-scale-to-y', '-1', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      let err = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.stdout.on('data', (d: Buffer) => out.push(d));
      child.stderr.on('data', (d: Buffer) => (err += d.toString()));
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        if (code === 0 && out.length) resolve(Buffer.concat(out));
        else reject(new Error(`pdftoppm exited with ${code}: ${err.trim().slice(0, 300)}`));
      });
      child.stdin.on('error', () => undefined);
      child.stdin.end(pdf);
    });
  }
}

export async function svgToPng(svg: string): Promise<Buffer> {
  const sharp = await loadSharp();
  const width = Number(/width="([\d.]+)"/.exec(svg)?.[1] ?? 595.28);
  return sharp(Buffer.from(svg), { density: (72 * PREVIEW_WIDTH) / width }).resize({ width: PREVIEW_WIDTH }).png({ compressionLevel: 9 }).toBuffer();
}
