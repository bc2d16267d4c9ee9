import { latin1, u16be, u16le, u32be, u32le, utf16, utf8Text } from './bytes.js';

/** TIFF/EXIF tags we read: the ones generators and labellers write text into. */
const TAGS: Record<number, string> = {
  0x010e: 'ImageDescription',
  0x010f: 'Make',
  0x0110: 'Model',
  0x0131: 'Software',
  0x013b: 'Artist',
  0x8298: 'Copyright',
  0x9286: 'UserComment',
  0x9c9c: 'XPComment',
  0x9c9d: 'XPAuthor',
  0x9c9f: 'XPSubject',
  0xa430: 'CameraOwnerName',
};
const EXIF_IFD = 0x8769;
const XMP_TAG = 0x02bc;
const TYPE_SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8 };
const MAX_ENTRIES = 4096;

export interface ExifRead {
  tags: { name: string; value: string; ifd: string }[];
  /** XMP packet stored in a TIFF file's tag 700. */
  xmp?: string;
  error?: string;
}

/** The text of an EXIF UserComment: an 8-byte character code, then the text. */
export function userCommentText(b: Uint8Array): string {
  const code = latin1(b, 0, Math.min(8, b.length));
  const body = b.subarray(8);
  if (code.startsWith('UNICODE')) {
    // Byte order follows the TIFF file; most writers (exiftool included) use the file's order. Guess by the NULs.
    const le = body.length > 1 && body[1] === 0 && body[0] !== 0;
    return utf16(body, le).replace(/\0+$/, '');
  }
  if (code.startsWith('ASCII') || code === '\0'.repeat(8) || code.startsWith('JIS')) return utf8Text(body).replace(/\0+$/, '');
  return utf8Text(b).replace(/\0+$/, '');
}

/** Parses a TIFF structure (a TIFF file, or the payload of a JPEG/PNG/WebP EXIF block). */
export function readTiff(b: Uint8Array): ExifRead {
  const out: ExifRead = { tags: [] };
  if (b.length < 8) return { ...out, error: `EXIF block of ${b.length} bytes is too short for a TIFF header` };
  const order = latin1(b, 0, 2);
  if (order !== 'II' && order !== 'MM') return { ...out, error: `EXIF block does not start with a TIFF byte order mark (found ${JSON.stringify(order)})` };
  const le = order === 'II';
  const r16 = (o: number) => (le ? u16le(b, o) : u16be(b, o));
  const r32 = (o: number) => (le ? u32le(b, o) : u32be(b, o));
  if (r16(2) !== 42) return { ...out, error: 'EXIF block has a bad TIFF magic number' };
  const seen = new Set<number>();
  const readIfd = (off: number, ifdName: string, depth: number) => {
    if (depth > 4 || seen.has(off)) return;
    seen.add(off);
    if (off + 2 > b.length) {
      out.error ??= `${ifdName} offset ${off} is past the end of the EXIF block (truncated)`;
      return;
    }
    const n = r16(off);
    if (n > MAX_ENTRIES) {
      out.error ??= `${ifdName} claims ${n} entries`;
      return;
    }
    for (let k = 0; k < n; k++) {
      const e = off + 2 + k * 12;
      if (e + 12 > b.length) {
        out.error ??= `${ifdName} entry ${k} is cut off (truncated EXIF)`;
        return;
      }
      const tag = r16(e);
      const type = r16(e + 2);
      const count = r32(e + 4);
      const size = (TYPE_SIZE[type] ?? 0) * count;
      const dataOff = size <= 4 ? e + 8 : r32(e + 8);
      if (tag === EXIF_IFD) {
        readIfd(r32(e + 8), 'ExifIFD', depth + 1);
        continue;
      }
      const name = TAGS[tag];
      if (!name && tag !== XMP_TAG) continue;
      if (dataOff + size > b.length || size === 0) {
        out.error ??= `${name ?? 'XMP'} (tag 0x${tag.toString(16)}) points past the end of the EXIF block (truncated)`;
        continue;
      }
      const raw = b.subarray(dataOff, dataOff + size);
      if (tag === XMP_TAG) {
        out.xmp = utf8Text(raw);
        continue;
      }
      let value: string;
      if (tag === 0x9286) value = userCommentText(raw);
      else if (name!.startsWith('XP')) value = utf16(raw, true).replace(/\0+$/, '');
      else value = utf8Text(raw).replace(/\0+$/, '');
      out.tags.push({ name: name!, value, ifd: ifdName });
    }
    const next = off + 2 + n * 12;
    if (depth === 0 && next + 4 <= b.length) {
      const nextOff = r32(next);
      if (nextOff && nextOff < b.length) readIfd(nextOff, 'IFD1', depth + 1);
    }
  };
  readIfd(r32(4), 'IFD0', 0);
  return out;
}
