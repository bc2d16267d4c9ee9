import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { crc32, u16le, u32le, utf8Text } from '../bytes.js';
import { MAX_INFLATE } from './scan.js';

/** A minimal ZIP reader/writer for Office documents (no ZIP64, no encryption). */
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  /** The stored (possibly compressed) bytes. */
  raw: Uint8Array;
}

export class ZipError extends Error {}

const MAX_ENTRIES = 20_000;

export function readZip(b: Uint8Array): ZipEntry[] {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--) {
    if (u32le(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipError('no end-of-central-directory record (not a ZIP file, or truncated)');
  const count = u16le(b, eocd + 10);
  const cdSize = u32le(b, eocd + 12);
  const cdOff = u32le(b, eocd + 16);
  if (count === 0xffff || cdOff === 0xffffffff) throw new ZipError('ZIP64 archives are not supported');
  if (count > MAX_ENTRIES) throw new ZipError(`ZIP claims ${count} entries`);
  if (cdOff + cdSize > b.length) throw new ZipError('central directory lies past the end of the file (truncated)');
  const out: ZipEntry[] = [];
  let p = cdOff;
  for (let k = 0; k < count; k++) {
    if (p + 46 > b.length || u32le(b, p) !== 0x02014b50) throw new ZipError(`central directory entry ${k} is damaged`);
    const method = u16le(b, p + 10);
    const crc = u32le(b, p + 16);
    const compressedSize = u32le(b, p + 20);
    const size = u32le(b, p + 24);
    const nameLen = u16le(b, p + 28);
    const extraLen = u16le(b, p + 30);
    const commentLen = u16le(b, p + 32);
    const local = u32le(b, p + 42);
    const name = utf8Text(b.subarray(p + 46, p + 46 + nameLen));
    p += 46 + nameLen + extraLen + commentLen;
    if (local + 30 > b.length || u32le(b, local) !== 0x04034b50) throw new ZipError(`local header of ${name} is damaged`);
    const dataStart = local + 30 + u16le(b, local + 26) + u16le(b, local + 28);
    if (dataStart + compressedSize > b.length) throw new ZipError(`data of ${name} runs past the end of the file (truncated)`);
    out.push({ name, method, crc, compressedSize, size, raw: b.subarray(dataStart, dataStart + compressedSize) });
  }
  return out;
}

export function entryData(e: ZipEntry): Buffer {
  if (e.size > MAX_INFLATE) throw new ZipError(`${e.name} inflates to ${e.size} bytes (limit ${MAX_INFLATE})`);
  if (e.method === 0) return Buffer.from(e.raw);
  if (e.method !== 8) throw new ZipError(`${e.name} uses compression method ${e.method}`);
  return inflateRawSync(e.raw, { maxOutputLength: MAX_INFLATE });
}

export const entryText = (e: ZipEntry): string => utf8Text(entryData(e));

export function zipEntry(name: string, data: Uint8Array): ZipEntry {
  const raw = deflateRawSync(data);
  return { name, method: 8, crc: crc32(data), compressedSize: raw.length, size: data.length, raw };
}

export function writeZip(entries: ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let off = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const lh = Buffer.alloc(30);
    lh.writeUInt32LE(0x04034b50, 0);
    lh.writeUInt16LE(20, 4);
    lh.writeUInt16LE(0x0800, 6); // UTF-8 names
    lh.writeUInt16LE(e.method, 8);
    lh.writeUInt16LE(0, 10);
    lh.writeUInt16LE(0x21, 12); // 1980-01-01
    lh.writeUInt32LE(e.crc, 14);
    lh.writeUInt32LE(e.compressedSize, 18);
    lh.writeUInt32LE(e.size, 22);
    lh.writeUInt16LE(name.length, 26);
    locals.push(lh, name, Buffer.from(e.raw));
    const ch = Buffer.alloc(46);
    ch.writeUInt32LE(0x02014b50, 0);
    ch.writeUInt16LE(20, 4);
    ch.writeUInt16LE(20, 6);
    ch.writeUInt16LE(0x0800, 8);
    ch.writeUInt16LE(e.method, 10);
    ch.writeUInt16LE(0, 12);
    ch.writeUInt16LE(0x21, 14);
    ch.writeUInt32LE(e.crc, 16);
    ch.writeUInt32LE(e.compressedSize, 20);
    ch.writeUInt32LE(e.size, 24);
    ch.writeUInt16LE(name.length, 28);
    ch.writeUInt32LE(off, 42);
    centrals.push(ch, name);
    off += 30 + name.length + e.raw.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(off, 16);
  return Buffer.concat([...locals, cd, end]);
}
