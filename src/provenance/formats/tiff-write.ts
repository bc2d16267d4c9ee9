import { latin1, u16be, u16le, u32be, u32le, utf8Text } from '../bytes.js';

const XMP_TAG = 700;
const MAX_ENTRIES = 4096;

/**
 * Puts the XMP packet (tag 700, as exiftool writes it) into IFD0 of a classic TIFF without
 * moving a byte of the original: the packet and a copy of IFD0 with the new entry are
 * appended, and the header is pointed at the copy. Every other offset in the file stays
 * valid, so strips, tiles, EXIF and later pages are untouched.
 */
export function writeTiff(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  if (b.length < 8) throw new Error('TIFF file too short');
  const order = latin1(b, 0, 2);
  const le = order === 'II';
  const r16 = (o: number) => (le ? u16le(b, o) : u16be(b, o));
  const r32 = (o: number) => (le ? u32le(b, o) : u32be(b, o));
  if (r16(2) === 43) throw new Error('BigTIFF is not supported');
  if ((order !== 'II' && order !== 'MM') || r16(2) !== 42) throw new Error('not a TIFF file');
  const ifd = r32(4);
  if (ifd + 2 > b.length) throw new Error(`IFD0 offset ${ifd} is past the end of the file (truncated)`);
  const n = r16(ifd);
  if (n > MAX_ENTRIES || ifd + 2 + n * 12 + 4 > b.length) throw new Error('IFD0 is cut off (truncated)');
  const entries: { tag: number; raw: Uint8Array }[] = [];
  let old: string | undefined;
  for (let i = 0; i < n; i++) {
    const e = ifd + 2 + i * 12;
    const tag = r16(e);
    if (tag === XMP_TAG) {
      const count = r32(e + 4);
      const at = count <= 4 ? e + 8 : r32(e + 8);
      if (at + count <= b.length) old = utf8Text(b.subarray(at, at + count));
      continue;
    }
    entries.push({ tag, raw: b.subarray(e, e + 12) });
  }
  const next = r32(ifd + 2 + n * 12);
  const xmp = Buffer.from(merge(old), 'utf8');
  const w16 = (buf: Buffer, v: number, o: number) => (le ? buf.writeUInt16LE(v, o) : buf.writeUInt16BE(v, o));
  const w32 = (buf: Buffer, v: number, o: number) => (le ? buf.writeUInt32LE(v, o) : buf.writeUInt32BE(v, o));
  const xmpAt = b.length + (b.length & 1);
  const ifdAt = xmpAt + xmp.length + (xmp.length & 1);
  if (ifdAt + 2 + (entries.length + 1) * 12 + 4 > 0xffffffff) throw new Error('the file would exceed 4 GiB, the limit of a classic TIFF');
  const own = Buffer.alloc(12);
  w16(own, XMP_TAG, 0);
  w16(own, 1, 2); // BYTE
  w32(own, xmp.length, 4);
  w32(own, xmpAt, 8);
  entries.push({ tag: XMP_TAG, raw: own });
  entries.sort((x, y) => x.tag - y.tag); // TIFF 6.0: entries in ascending tag order
  const table = Buffer.alloc(2 + entries.length * 12 + 4);
  w16(table, entries.length, 0);
  entries.forEach((e, i) => table.set(e.raw, 2 + i * 12));
  w32(table, next, 2 + entries.length * 12);
  const head = Buffer.from(b.subarray(0, 8));
  w32(head, ifdAt, 4);
  return Buffer.concat([head, b.subarray(8), Buffer.alloc(xmpAt - b.length), xmp, Buffer.alloc(ifdAt - xmpAt - xmp.length), table]);
}
