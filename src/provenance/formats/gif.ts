import { ascii, utf8Text } from '../bytes.js';
import { fileProblem, newScan, type Scan } from './scan.js';

const XMP_APP = 'XMP DataXMP';

interface Block {
  kind: 'xmp' | 'comment' | 'other';
  start: number;
  end: number;
  data: Uint8Array;
}

/** Walks a GIF's blocks; the XMP application extension holds raw bytes with a 258-byte "magic trailer". */
function blocks(b: Uint8Array, scan: Scan): { list: Block[]; trailer: number } {
  const list: Block[] = [];
  let o = 13;
  const flags = b[10] ?? 0;
  if (flags & 0x80) o += 3 * 2 ** ((flags & 7) + 1);
  const subBlocks = (p: number): { end: number; data: Buffer } | null => {
    const parts: Uint8Array[] = [];
    while (p < b.length) {
      const n = b[p]!;
      if (n === 0) return { end: p + 1, data: Buffer.concat(parts) };
      if (p + 1 + n > b.length) return null;
      parts.push(b.subarray(p + 1, p + 1 + n));
      p += 1 + n;
    }
    return null;
  };
  while (o < b.length) {
    const intro = b[o];
    if (intro === 0x3b) return { list, trailer: o };
    if (intro === 0x21) {
      const label = b[o + 1];
      if (label === 0xff && ascii(b, o + 3, 11) === XMP_APP) {
        // XMP: raw packet bytes up to the magic trailer (0x01 0xFF … 0x00) and the block terminator.
        const from = o + 14;
        const end = Buffer.from(b.buffer, b.byteOffset, b.byteLength).indexOf(Buffer.from([0x01, 0xff, 0xfe, 0xfd]), from);
        if (end < 0 || end + 258 > b.length) {
          fileProblem(scan, 'truncated', 'GIF XMP application extension has no magic trailer (truncated)', 'GIF XMP');
          return { list, trailer: -1 };
        }
        list.push({ kind: 'xmp', start: o, end: end + 258, data: b.subarray(from, end) });
        o = end + 258;
        continue;
      }
      const sb = subBlocks(label === 0xff ? o + 2 + 1 + (b[o + 2] ?? 0) : o + 2);
      if (!sb) {
        fileProblem(scan, 'truncated', `GIF extension 0x${(label ?? 0).toString(16)} at byte ${o} is cut off (truncated)`);
        return { list, trailer: -1 };
      }
      list.push({ kind: label === 0xfe ? 'comment' : 'other', start: o, end: sb.end, data: sb.data });
      o = sb.end;
    } else if (intro === 0x2c) {
      let p = o + 10;
      const f = b[o + 9] ?? 0;
      if (f & 0x80) p += 3 * 2 ** ((f & 7) + 1);
      const sb = subBlocks(p + 1);
      if (!sb) {
        fileProblem(scan, 'truncated', `GIF image data at byte ${o} is cut off (truncated)`);
        return { list, trailer: -1 };
      }
      list.push({ kind: 'other', start: o, end: sb.end, data: new Uint8Array(0) });
      o = sb.end;
    } else {
      fileProblem(scan, 'corrupt', `GIF: unknown block 0x${(intro ?? 0).toString(16)} at byte ${o}`);
      return { list, trailer: -1 };
    }
  }
  fileProblem(scan, 'truncated', 'GIF has no trailer (truncated)');
  return { list, trailer: -1 };
}

export function scanGif(b: Uint8Array): Scan {
  const scan = newScan('gif', 'image/gif');
  if (b.length < 13) {
    fileProblem(scan, 'truncated', 'GIF shorter than its header');
    return scan;
  }
  for (const blk of blocks(b, scan).list) {
    if (blk.kind === 'xmp') scan.carriers.push({ type: 'xmp', location: 'GIF XMP application extension', packet: utf8Text(blk.data) });
    else if (blk.kind === 'comment') scan.carriers.push({ type: 'field', location: 'GIF comment extension', key: 'Comment', value: utf8Text(blk.data) });
  }
  return scan;
}

const MAGIC_TRAILER = Buffer.from([0x01, ...Array.from({ length: 256 }, (_, i) => 0xff - i), 0x00]);

export function writeGif(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  const scan = newScan('gif', 'image/gif');
  const { list, trailer } = blocks(b, scan);
  if (trailer < 0) throw new Error(`cannot write into this GIF: ${scan.problems[0]?.message ?? 'malformed'}`);
  const old = list.find((x) => x.kind === 'xmp');
  const packet = Buffer.from(merge(old ? utf8Text(old.data) : undefined), 'utf8');
  const ext = Buffer.concat([Buffer.from([0x21, 0xff, 0x0b]), Buffer.from(XMP_APP, 'latin1'), packet, MAGIC_TRAILER]);
  const firstBlock = list[0]?.start ?? trailer;
  const parts: Uint8Array[] = [b.subarray(0, firstBlock), ext];
  for (const blk of list) if (blk.kind !== 'xmp') parts.push(b.subarray(blk.start, blk.end));
  parts.push(b.subarray(trailer));
  return Buffer.concat(parts);
}
