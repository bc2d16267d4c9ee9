import { ascii, le32, u16le, u32le, utf8Text } from '../bytes.js';
import { fileProblem, newScan, type Scan } from './scan.js';

interface Chunk {
  id: string;
  start: number;
  end: number;
  data: Uint8Array;
}

/** RIFF chunks (WebP and WAV share the layout: id, little-endian size, data, pad to even). */
export function riffChunks(b: Uint8Array, from: number, to: number, scan?: Scan, what = 'RIFF'): Chunk[] {
  const out: Chunk[] = [];
  let o = from;
  while (o + 8 <= to) {
    const id = ascii(b, o, 4);
    const len = u32le(b, o + 4);
    if (o + 8 + len > to) {
      if (scan) fileProblem(scan, 'truncated', `${what} chunk ${JSON.stringify(id)} at byte ${o} declares ${len} bytes but the file ends first (truncated)`, `${what} ${id}`);
      break;
    }
    out.push({ id, start: o, end: Math.min(to, o + 8 + len + (len & 1)), data: b.subarray(o + 8, o + 8 + len) });
    o += 8 + len + (len & 1);
  }
  if (scan && o < to && o + 8 > to) fileProblem(scan, 'truncated', `${what} ends inside a chunk header at byte ${o}`);
  return out;
}

export function scanWebp(b: Uint8Array): Scan {
  const scan = newScan('webp', 'image/webp');
  const declared = u32le(b, 4) + 8;
  if (declared > b.length) fileProblem(scan, 'truncated', `RIFF header declares ${declared} bytes, the file has ${b.length} (truncated)`);
  for (const c of riffChunks(b, 12, Math.min(b.length, declared), scan, 'WebP')) {
    if (c.id === 'XMP ') scan.carriers.push({ type: 'xmp', location: 'WebP XMP chunk', packet: utf8Text(c.data) });
    else if (c.id === 'EXIF') scan.carriers.push({ type: 'exif', location: 'WebP EXIF chunk', tiff: ascii(c.data, 0, 6) === 'Exif\0\0' ? c.data.subarray(6) : c.data });
    else if (c.id === 'C2PA') scan.carriers.push({ type: 'c2pa', location: 'WebP C2PA chunk' });
  }
  return scan;
}

function chunk(id: string, data: Uint8Array): Buffer {
  return Buffer.concat([Buffer.from(id, 'latin1'), le32(data.length), data, data.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
}

/** Canvas size and alpha from a simple (VP8 / VP8L) WebP, to build the VP8X header it needs for metadata. */
function simpleInfo(c: Chunk): { w: number; h: number; alpha: boolean } {
  const d = c.data;
  if (c.id === 'VP8 ') {
    if (d.length < 10 || d[3] !== 0x9d || d[4] !== 0x01 || d[5] !== 0x2a) throw new Error('VP8 frame header not found');
    return { w: u16le(d, 6) & 0x3fff, h: u16le(d, 8) & 0x3fff, alpha: false };
  }
  if (d.length < 5 || d[0] !== 0x2f) throw new Error('VP8L signature not found');
  const bits = u32le(d, 1);
  return { w: (bits & 0x3fff) + 1, h: ((bits >>> 14) & 0x3fff) + 1, alpha: ((bits >>> 28) & 1) === 1 };
}

/** Rewrites a WebP with one XMP chunk (adding the VP8X header when the file had none). */
export function writeWebp(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  const scan = newScan('webp', 'image/webp');
  const list = riffChunks(b, 12, Math.min(b.length, u32le(b, 4) + 8), scan, 'WebP');
  const fatal = scan.problems.find((p) => p.severity === 'error');
  if (fatal) throw new Error(`cannot write into this WebP: ${fatal.message}`);
  const oldChunk = list.find((c) => c.id === 'XMP ');
  const xmp = chunk('XMP ', Buffer.from(merge(oldChunk ? utf8Text(oldChunk.data) : undefined), 'utf8'));
  const rest = list.filter((c) => c.id !== 'XMP ');
  let vp8x: Buffer;
  const existing = rest.find((c) => c.id === 'VP8X');
  if (existing) {
    vp8x = Buffer.from(b.subarray(existing.start, existing.end));
    vp8x[8] = vp8x[8]! | 0x04; // XMP present
  } else {
    const img = rest.find((c) => c.id === 'VP8 ' || c.id === 'VP8L');
    if (!img) throw new Error('WebP without an image chunk');
    const { w, h, alpha } = simpleInfo(img);
    const d = Buffer.alloc(10);
    d[0] = 0x04 | (alpha ? 0x10 : 0);
    d.writeUIntLE(w - 1, 4, 3);
    d.writeUIntLE(h - 1, 7, 3);
    vp8x = chunk('VP8X', d);
  }
  const body = Buffer.concat([Buffer.from('WEBP'), vp8x, ...rest.filter((c) => c.id !== 'VP8X').map((c) => b.subarray(c.start, c.end)), xmp]);
  return Buffer.concat([Buffer.from('RIFF'), le32(body.length), body]);
}
