import { ascii, latin1, u16be, u32be, utf8Text } from '../bytes.js';
import { fileProblem, newScan, type Scan } from './scan.js';

const XMP_SIG = 'http://ns.adobe.com/xap/1.0/\0';
const XMP_EXT_SIG = 'http://ns.adobe.com/xmp/extension/\0';
const EXIF_SIG = 'Exif\0\0';
export const MAX_XMP_SEGMENT = 65535 - 2 - XMP_SIG.length;

interface Segment {
  marker: number;
  start: number;
  end: number;
  data: Uint8Array;
}

function segments(b: Uint8Array, scan?: Scan): Segment[] {
  const out: Segment[] = [];
  let o = 2;
  while (o < b.length) {
    if (b[o] !== 0xff) {
      if (scan) fileProblem(scan, 'corrupt', `JPEG: expected a marker at byte ${o}, found 0x${(b[o] ?? 0).toString(16)}`);
      break;
    }
    let m = b[o + 1] ?? 0;
    while (m === 0xff && o + 2 < b.length) m = b[++o + 1] ?? 0; // fill bytes
    if (m === 0xd9 || m === 0xda) {
      out.push({ marker: m, start: o, end: b.length, data: new Uint8Array(0) });
      break; // start of scan or end of image: no more metadata segments
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      o += 2;
      continue;
    }
    if (o + 4 > b.length) {
      if (scan) fileProblem(scan, 'truncated', `JPEG ends inside the segment header at byte ${o}`);
      break;
    }
    const len = u16be(b, o + 2);
    if (len < 2 || o + 2 + len > b.length) {
      if (scan) fileProblem(scan, 'truncated', `JPEG segment 0x${m.toString(16)} at byte ${o} declares ${len} bytes but the file ends first (truncated)`);
      break;
    }
    out.push({ marker: m, start: o, end: o + 2 + len, data: b.subarray(o + 4, o + 2 + len) });
    o += 2 + len;
  }
  return out;
}

export function scanJpeg(b: Uint8Array): Scan {
  const scan = newScan('jpeg', 'image/jpeg');
  const ext = new Map<string, { total: number; parts: Map<number, Uint8Array> }>();
  for (const s of segments(b, scan)) {
    if (s.marker === 0xe1 && ascii(s.data, 0, 6) === EXIF_SIG) scan.carriers.push({ type: 'exif', location: 'JPEG APP1 Exif', tiff: s.data.subarray(6) });
    else if (s.marker === 0xe1 && ascii(s.data, 0, XMP_SIG.length) === XMP_SIG) scan.carriers.push({ type: 'xmp', location: 'JPEG APP1 XMP', packet: utf8Text(s.data.subarray(XMP_SIG.length)) });
    else if (s.marker === 0xe1 && ascii(s.data, 0, XMP_EXT_SIG.length) === XMP_EXT_SIG) {
      const p = XMP_EXT_SIG.length;
      const guid = ascii(s.data, p, 32);
      const e = ext.get(guid) ?? { total: u32be(s.data, p + 32), parts: new Map() };
      e.parts.set(u32be(s.data, p + 36), s.data.subarray(p + 40));
      ext.set(guid, e);
    } else if (s.marker === 0xeb && ascii(s.data, 0, 2) === 'JP') {
      if (!scan.carriers.some((c) => c.type === 'c2pa')) scan.carriers.push({ type: 'c2pa', location: 'JPEG APP11 JUMBF (C2PA)' });
    } else if (s.marker === 0xfe) scan.carriers.push({ type: 'field', location: 'JPEG COM', key: 'Comment', value: utf8Text(s.data) });
  }
  for (const [guid, e] of ext) {
    const offsets = [...e.parts.keys()].sort((a, b2) => a - b2);
    const full = Buffer.concat(offsets.map((k) => e.parts.get(k)!));
    if (full.length !== e.total) fileProblem(scan, 'truncated', `extended XMP ${guid} has ${full.length} of ${e.total} bytes`, 'JPEG APP1 extended XMP', 'warning');
    scan.carriers.push({ type: 'xmp', location: 'JPEG APP1 extended XMP', packet: utf8Text(full) });
  }
  return scan;
}

/**
 * Rewrites a JPEG with one standard XMP APP1 segment after the JFIF/Exif segments; the old
 * standard XMP packet is handed to `merge`. Extended XMP segments are left alone.
 */
export function writeJpeg(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  if (b[0] !== 0xff || b[1] !== 0xd8) throw new Error('not a JPEG');
  const scan = newScan('jpeg', 'image/jpeg');
  const list = segments(b, scan);
  const fatal = scan.problems.find((p) => p.severity === 'error');
  if (fatal) throw new Error(`cannot write into this JPEG: ${fatal.message}`);
  let old: string | undefined;
  const kept = list.filter((s) => {
    if (s.marker === 0xe1 && latin1(s.data, 0, XMP_SIG.length) === XMP_SIG) {
      old ??= utf8Text(s.data.subarray(XMP_SIG.length));
      return false;
    }
    return true;
  });
  const packet = Buffer.from(merge(old), 'utf8');
  if (packet.length > MAX_XMP_SEGMENT) throw new Error(`the XMP packet (${packet.length} bytes) does not fit one JPEG segment`);
  const seg = Buffer.concat([Buffer.from([0xff, 0xe1, 0, 0]), Buffer.from(XMP_SIG, 'latin1'), packet]);
  seg.writeUInt16BE(seg.length - 2, 2);
  // After APP0 (JFIF) and APP1 Exif, which readers expect first.
  let at = 0;
  while (at < kept.length && (kept[at]!.marker === 0xe0 || (kept[at]!.marker === 0xe1 && latin1(kept[at]!.data, 0, 6) === EXIF_SIG))) at++;
  const parts: Uint8Array[] = [b.subarray(0, 2)];
  kept.forEach((s, i) => {
    if (i === at) parts.push(seg);
    parts.push(b.subarray(s.start, s.end));
  });
  if (at >= kept.length) parts.push(seg);
  return Buffer.concat(parts);
}
