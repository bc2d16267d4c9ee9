import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import QRCode from 'qrcode';

const run = promisify(execFile);

/** Reads a PDF back with poppler: text (-layout), fonts table, and page 1..n rendered grey. */
export async function withPdf<T>(pdf: Uint8Array, fn: (file: string, dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cws-cert-'));
  try {
    const file = path.join(dir, 'c.pdf');
    await writeFile(file, pdf);
    return await fn(file, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const pdftotext = async (file: string) => (await run('pdftotext', ['-layout', file, '-'], { maxBuffer: 1 << 26 })).stdout;
export const pdfinfo = async (file: string) => (await run('pdfinfo', [file])).stdout;

/** pdffonts rows: name, type, emb, sub, uni. */
export async function pdffonts(file: string): Promise<{ name: string; type: string; emb: string; sub: string; uni: string }[]> {
  const out = (await run('pdffonts', [file])).stdout.split('\n').slice(2).filter((l) => l.trim());
  return out.map((l) => {
    const cols = l.trim().split(/\s{1,}/);
    // name type(1–2 words) encoding emb sub uni objectID gen
    const n = cols.length;
    return { name: cols[0]!, type: cols.slice(1, n - 6).join(' '), emb: cols[n - 5]!, sub: cols[n - 4]!, uni: cols[n - 3]! };
  });
}

export interface Grey {
  width: number;
  height: number;
  px: Buffer;
}

/** One page as 8-bit grey pixels (pdftoppm -gray writes PGM). */
export async function renderGrey(file: string, dir: string, page: number, dpi: number): Promise<Grey> {
  const root = path.join(dir, `p${page}`);
  await run('pdftoppm', ['-gray', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', file, root]);
  const pgm = await readFile(`${root}.pgm`);
  const m = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(pgm.subarray(0, 64).toString('latin1'));
  if (!m) throw new Error('not a PGM file');
  const [width, height] = [Number(m[1]), Number(m[2])];
  return { width, height, px: pgm.subarray(m[0].length) };
}

/**
 * Checks that the page shows exactly the QR code of `text`: the only pure-black pixels on a
 * certificate are QR modules (text is dark grey, the seal and frame red), so their bounding box
 * is the symbol; every module's centre is then compared with the matrix qrcode computes.
 * No QR decoder (zbarimg) is installed here; this is the offline equivalent.
 */
export function qrMatches(img: Grey, text: string): { ok: boolean; modules: number; mismatches: number } {
  const q = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = q.modules.size;
  let [x0, y0, x1, y1] = [img.width, img.height, -1, -1];
  for (let y = 0; y < img.height; y++) {
    for (let x = 0; x < img.width; x++) {
      if (img.px[y * img.width + x]! < 8) {
        if (x < x0) x0 = x;
        if (x > x1) x1 = x;
        if (y < y0) y0 = y;
        if (y > y1) y1 = y;
      }
    }
  }
  if (x1 < 0) return { ok: false, modules: n, mismatches: n * n };
  const step = (x1 - x0 + 1) / n;
  let mismatches = 0;
  for (let r = 0; r < n; r++) {
    for (let c = 0; c < n; c++) {
      const v = img.px[Math.round(y0 + (r + 0.5) * step) * img.width + Math.round(x0 + (c + 0.5) * step)]!;
      if (v < 128 !== Boolean(q.modules.get(r, c))) mismatches++;
    }
  }
  return { ok: mismatches === 0 && Math.abs((y1 - y0) - (x1 - x0)) <= 2, modules: n, mismatches };
}
