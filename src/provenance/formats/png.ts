import { inflateSync } from 'node:zlib';
import { ascii, be32, crc32, latin1, u32be, utf8Text } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import { fileProblem, MAX_INFLATE, newScan, type Scan } from './scan.js';

export const PNG_SIG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const XMP_KEYWORD = 'XML:com.adobe.xmp';

interface Chunk {
  type: string;
  start: number;
  end: number;
  data: Uint8Array;
}

function chunks(b: Uint8Array, scan?: Scan): Chunk[] {
  const out: Chunk[] = [];
  let o = 8;
  while (o < b.length) {
    if (o + 8 > b.length) {
      if (scan) fileProblem(scan, 'truncated', `PNG ends inside a chunk header at byte ${o}`);
      break;
    }
    const len = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    if (!/^[A-Za-z]{4}$/.test(type)) {
      if (scan) fileProblem(scan, 'corrupt', `PNG chunk at byte ${o} has an invalid type ${JSON.stringify(type)}`);
      break;
    }
    if (o + 12 + len > b.length) {
      if (scan) fileProblem(scan, 'truncated', `PNG chunk ${type} at byte ${o} declares ${len} bytes but the file ends first (truncated)`, `PNG ${type}`);
      break;
    }
    const data = b.subarray(o + 8, o + 8 + len);
    // CRCs of metadata chunks are checked; image data (IDAT) is left to decoders, to keep inspect fast on big images.
    if (scan && type !== 'IDAT' && type !== 'fdAT' && crc32(b.subarray(o + 4, o + 8), data) !== u32be(b, o + 8 + len)) fileProblem(scan, 'bad_crc', `PNG chunk ${type} at byte ${o} has a wrong CRC (damaged or edited by hand)`, `PNG ${type}`, 'warning');
    out.push({ type, start: o, end: o + 12 + len, data });
    o += 12 + len;
    if (type === 'IEND') break;
  }
  return out;
}

function inflate(data: Uint8Array, scan: Scan, where: string): string | null {
  try {
    return utf8Text(inflateSync(data, { maxOutputLength: MAX_INFLATE }));
  } catch (e) {
    fileProblem(scan, 'bad_compression', `${where}: compressed text cannot be inflated (${(e as Error).message})`, where);
    return null;
  }
}

/** Decodes tEXt / zTXt / iTXt into keyword and text. */
function textChunk(c: Chunk, scan: Scan): { keyword: string; text: string } | null {
  const nul = c.data.indexOf(0);
  if (nul < 1 || nul > 79) {
    fileProblem(scan, 'corrupt', `PNG ${c.type} chunk at byte ${c.start} has no valid keyword`, `PNG ${c.type}`);
    return null;
  }
  const keyword = latin1(c.data, 0, nul);
  const where = `PNG ${c.type} "${keyword}"`;
  if (c.type === 'tEXt') return { keyword, text: latin1(c.data, nul + 1) };
  if (c.type === 'zTXt') {
    const t = inflate(c.data.subarray(nul + 2), scan, where);
    return t === null ? null : { keyword, text: t };
  }
  // iTXt: keyword\0 flag method lang\0 translated\0 text
  const flag = c.data[nul + 1];
  let p = nul + 3;
  const lang = c.data.indexOf(0, p);
  const tk = lang < 0 ? -1 : c.data.indexOf(0, lang + 1);
  if (lang < 0 || tk < 0) {
    fileProblem(scan, 'corrupt', `${where} is malformed (missing language or translated keyword terminator)`, where);
    return null;
  }
  p = tk + 1;
  if (flag === 1) {
    const t = inflate(c.data.subarray(p), scan, where);
    return t === null ? null : { keyword, text: t };
  }
  return { keyword, text: utf8Text(c.data.subarray(p)) };
}

export function scanPng(b: Uint8Array): Scan {
  const scan = newScan('png', 'image/png');
  for (const c of chunks(b, scan)) {
    if (c.type === 'tEXt' || c.type === 'zTXt' || c.type === 'iTXt') {
      const t = textChunk(c, scan);
      if (!t) continue;
      const location = `PNG ${c.type} "${t.keyword}"`;
      if (t.keyword === XMP_KEYWORD) scan.carriers.push({ type: 'xmp', location, packet: t.text });
      else if (t.keyword.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value: t.text });
      else scan.carriers.push({ type: 'field', location, key: t.keyword, value: t.text });
    } else if (c.type === 'eXIf') scan.carriers.push({ type: 'exif', location: 'PNG eXIf', tiff: c.data });
    else if (c.type === 'caBX') scan.carriers.push({ type: 'c2pa', location: 'PNG caBX (C2PA JUMBF)' });
  }
  return scan;
}

function makeChunk(type: string, data: Uint8Array): Buffer {
  const t = Buffer.from(type, 'latin1');
  return Buffer.concat([be32(data.length), t, data, be32(crc32(t, data))]);
}

/** An uncompressed iTXt chunk. */
export const itxt = (keyword: string, text: string): Buffer => makeChunk('iTXt', Buffer.concat([Buffer.from(keyword, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(text, 'utf8')]));

/**
 * Rewrites a PNG with one XMP iTXt chunk right after IHDR; earlier XMP chunks are merged
 * into it (`merge` receives the old packet) and earlier AIGC text chunks are dropped, so
 * the file carries exactly one label.
 */
export function writePng(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  const scan = newScan('png', 'image/png');
  const list = chunks(b, scan);
  const fatal = scan.problems.find((p) => p.severity === 'error');
  if (fatal || list[0]?.type !== 'IHDR' || list[list.length - 1]?.type !== 'IEND') throw new Error(`cannot write into this PNG: ${fatal?.message ?? 'missing IHDR or IEND'}`);
  let old: string | undefined;
  const keep: Uint8Array[] = [b.subarray(0, 8)];
  for (const c of list) {
    if (c.type === 'iTXt' || c.type === 'tEXt' || c.type === 'zTXt') {
      const t = textChunk(c, scan);
      if (t?.keyword === XMP_KEYWORD) {
        old ??= t.text;
        continue;
      }
      if (t && t.keyword.toUpperCase() === AIGC_KEY) continue;
    }
    keep.push(b.subarray(c.start, c.end));
    if (c.type === 'IHDR') keep.push(Buffer.alloc(0)); // placeholder for the XMP chunk
  }
  keep[2] = itxt(XMP_KEYWORD, merge(old));
  return Buffer.concat(keep);
}
