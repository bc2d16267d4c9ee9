import { ascii, latin1, u32be, utf16, utf8Text } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import { fileProblem, newScan, type Scan } from './scan.js';

const syncsafe = (b: Uint8Array, o: number): number => ((b[o]! & 0x7f) << 21) | ((b[o + 1]! & 0x7f) << 14) | ((b[o + 2]! & 0x7f) << 7) | (b[o + 3]! & 0x7f);
const toSyncsafe = (n: number): Buffer => Buffer.from([(n >>> 21) & 0x7f, (n >>> 14) & 0x7f, (n >>> 7) & 0x7f, n & 0x7f]);

function decodeText(enc: number, b: Uint8Array): string {
  if (enc === 1) return utf16(b);
  if (enc === 2) return utf16(b, false);
  if (enc === 3) return utf8Text(b);
  return latin1(b);
}

/** Splits "description\0value" in the frame's encoding (two NUL bytes for UTF-16). */
function splitTerminated(enc: number, b: Uint8Array): [Uint8Array, Uint8Array] {
  if (enc === 1 || enc === 2) {
    for (let i = 0; i + 1 < b.length; i += 2) if (b[i] === 0 && b[i + 1] === 0) return [b.subarray(0, i), b.subarray(i + 2)];
    return [b, new Uint8Array(0)];
  }
  const z = b.indexOf(0);
  return z < 0 ? [b, new Uint8Array(0)] : [b.subarray(0, z), b.subarray(z + 1)];
}

const stripNul = (s: string) => s.replace(/\0+$/, '');

interface Frame {
  id: string;
  start: number;
  end: number;
  data: Uint8Array;
}

export interface Id3Tag {
  version: number;
  size: number;
  frames: Frame[];
}

/** Reads an ID3v2 tag at offset 0 of `b` (MP3 files, WAV `id3 ` chunks). */
export function readId3(b: Uint8Array, scan: Scan, where: string): Id3Tag | null {
  if (ascii(b, 0, 3) !== 'ID3' || b.length < 10) return null;
  const version = b[3]!;
  const flags = b[5]!;
  const size = syncsafe(b, 6);
  let tag = b.subarray(10, Math.min(b.length, 10 + size));
  if (10 + size > b.length) fileProblem(scan, 'truncated', `${where}: ID3 tag declares ${size} bytes, the file has ${b.length - 10} (truncated)`, where);
  if (version < 2 || version > 4) {
    fileProblem(scan, 'unsupported', `${where}: ID3v2.${version} is not supported`, where, 'warning');
    return null;
  }
  if (flags & 0x80 && version < 4) {
    // Whole-tag unsynchronisation (v2.2/v2.3): FF 00 → FF.
    const out: number[] = [];
    for (let i = 0; i < tag.length; i++) if (!(tag[i - 1] === 0xff && tag[i] === 0)) out.push(tag[i]!);
    tag = Uint8Array.from(out);
  }
  let p = 0;
  if (flags & 0x40 && version >= 3) p = version === 4 ? syncsafe(tag, 0) : u32be(tag, 0) + 4;
  const frames: Frame[] = [];
  const idLen = version === 2 ? 3 : 4;
  const hdrLen = version === 2 ? 6 : 10;
  while (p + hdrLen <= tag.length) {
    const id = ascii(tag, p, idLen);
    if (!/^[A-Z0-9]+$/.test(id)) break; // padding
    const len = version === 2 ? (tag[p + 3]! << 16) | (tag[p + 4]! << 8) | tag[p + 5]! : version === 4 ? syncsafe(tag, p + 4) : u32be(tag, p + 4);
    if (p + hdrLen + len > tag.length) {
      fileProblem(scan, 'truncated', `${where}: frame ${id} declares ${len} bytes past the end of the tag (truncated)`, `${where} ${id}`);
      break;
    }
    const fflags = version >= 3 ? tag[p + 9]! : 0;
    let data = tag.subarray(p + hdrLen, p + hdrLen + len);
    if (version === 4 && fflags & 0x01 && data.length >= 4) data = data.subarray(4); // data length indicator
    if (version === 4 && fflags & 0x02) {
      const out: number[] = [];
      for (let i = 0; i < data.length; i++) if (!(data[i - 1] === 0xff && data[i] === 0)) out.push(data[i]!);
      data = Uint8Array.from(out);
    }
    const compressed = version === 4 ? fflags & 0x08 : version === 3 ? fflags & 0x80 : 0;
    if (!compressed) frames.push({ id, start: p, end: p + hdrLen + len, data });
    p += hdrLen + len;
  }
  return { version, size, frames };
}

export function collectId3(tag: Id3Tag, scan: Scan, where: string): void {
  for (const f of tag.frames) {
    const enc = f.data[0] ?? 0;
    if (f.id === 'TXXX' || f.id === 'TXX') {
      const [d, v] = splitTerminated(enc, f.data.subarray(1));
      const desc = stripNul(decodeText(enc, d));
      const value = stripNul(decodeText(enc, v));
      const location = `${where} TXXX "${desc}"`;
      if (desc.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value });
      else scan.carriers.push({ type: 'field', location, key: desc, value });
    } else if (f.id === 'COMM' || f.id === 'COM') {
      const [d, v] = splitTerminated(enc, f.data.subarray(4));
      scan.carriers.push({ type: 'field', location: `${where} COMM "${stripNul(decodeText(enc, d))}"`, key: 'Comment', value: stripNul(decodeText(enc, v)) });
    } else if (f.id === 'GEOB') {
      if (latin1(f.data, 0, Math.min(f.data.length, 64)).includes('c2pa')) scan.carriers.push({ type: 'c2pa', location: `${where} GEOB (C2PA)` });
    } else if (f.id[0] === 'T' && f.id !== 'TXXX') {
      scan.carriers.push({ type: 'field', location: `${where} ${f.id}`, key: f.id, value: stripNul(decodeText(enc, f.data.subarray(1))).replace(/\0/g, ' / ') });
    }
  }
}

export function scanMp3(b: Uint8Array): Scan {
  const scan = newScan('mp3', 'audio/mpeg');
  const tag = readId3(b, scan, 'ID3v2');
  if (tag) collectId3(tag, scan, `ID3v2.${tag.version}`);
  return scan;
}

function frame(version: number, id: string, data: Uint8Array): Buffer {
  const h = Buffer.alloc(10);
  h.write(id, 0, 'latin1');
  if (version === 4) toSyncsafe(data.length).copy(h, 4);
  else h.writeUInt32BE(data.length, 4);
  return Buffer.concat([h, data]);
}

/** A TXXX frame in ISO-8859-1 (the label is printable ASCII). */
export const txxx = (version: number, desc: string, value: string): Buffer => frame(version, 'TXXX', Buffer.concat([Buffer.from([0]), Buffer.from(desc, 'latin1'), Buffer.from([0]), Buffer.from(value, 'latin1')]));

/** Builds a new ID3v2 tag: the old frames (v2.3/2.4) without TXXX:AIGC, plus one TXXX:AIGC. */
export function rebuildId3(old: Id3Tag | null, oldBytes: Uint8Array | null, value: string): Buffer {
  const version = old && (old.version === 3 || old.version === 4) ? old.version : 4;
  const keep: Uint8Array[] = [];
  if (old && oldBytes && version === old.version) {
    for (const f of old.frames) {
      if (f.id === 'TXXX') {
        const enc = f.data[0] ?? 0;
        const [d] = splitTerminated(enc, f.data.subarray(1));
        if (stripNul(decodeText(enc, d)).toUpperCase() === AIGC_KEY) continue;
      }
      keep.push(frame(version, f.id, f.data));
    }
  }
  keep.push(txxx(version, AIGC_KEY, value));
  // Padding after the frames, as other writers leave it (and some readers expect it).
  keep.push(Buffer.alloc(256));
  const body = Buffer.concat(keep);
  const header = Buffer.concat([Buffer.from('ID3'), Buffer.from([version, 0, 0]), toSyncsafe(body.length)]);
  return Buffer.concat([header, body]);
}

export function writeMp3(b: Uint8Array, value: string): Buffer {
  const scan = newScan('mp3', 'audio/mpeg');
  const tag = readId3(b, scan, 'ID3v2');
  if (scan.problems.some((p) => p.severity === 'error')) throw new Error(`cannot write into this MP3: ${scan.problems[0]!.message}`);
  const oldLen = tag ? 10 + tag.size + (b[5]! & 0x10 ? 10 : 0) : 0;
  return Buffer.concat([rebuildId3(tag, tag ? b.subarray(0, oldLen) : null, value), b.subarray(oldLen)]);
}
