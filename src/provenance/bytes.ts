/** Small byte helpers shared by the container readers. Every reader treats input as hostile. */

export const latin1 = (b: Uint8Array, start = 0, end = b.length): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1', start, end);

export const ascii = (b: Uint8Array, off: number, len: number): string => (off + len <= b.length ? latin1(b, off, off + len) : '');

export const u16be = (b: Uint8Array, o: number): number => ((b[o] ?? 0) << 8) | (b[o + 1] ?? 0);
export const u16le = (b: Uint8Array, o: number): number => (b[o] ?? 0) | ((b[o + 1] ?? 0) << 8);
export const u32be = (b: Uint8Array, o: number): number => (((b[o] ?? 0) << 24) | ((b[o + 1] ?? 0) << 16) | ((b[o + 2] ?? 0) << 8) | (b[o + 3] ?? 0)) >>> 0;
export const u32le = (b: Uint8Array, o: number): number => (((b[o + 3] ?? 0) << 24) | ((b[o + 2] ?? 0) << 16) | ((b[o + 1] ?? 0) << 8) | (b[o] ?? 0)) >>> 0;
export const u64be = (b: Uint8Array, o: number): number => u32be(b, o) * 2 ** 32 + u32be(b, o + 4);

export const be32 = (n: number): Buffer => {
  const x = Buffer.alloc(4);
  x.writeUInt32BE(n >>> 0);
  return x;
};
export const le32 = (n: number): Buffer => {
  const x = Buffer.alloc(4);
  x.writeUInt32LE(n >>> 0);
  return x;
};

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });
const looseUtf8 = new TextDecoder('utf-8');

/** Decodes UTF-8; `ok` is false (and replacement characters appear) when the bytes are not valid UTF-8. */
export function utf8(b: Uint8Array): { text: string; ok: boolean } {
  try {
    return { text: strictUtf8.decode(b), ok: true };
  } catch {
    return { text: looseUtf8.decode(b), ok: false };
  }
}

export const utf8Text = (b: Uint8Array): string => utf8(b).text;

/** UTF-16 with an optional BOM (big-endian when there is none, as ID3 and PDF assume). */
export function utf16(b: Uint8Array, littleDefault = false): string {
  let le = littleDefault;
  let start = 0;
  if (b[0] === 0xff && b[1] === 0xfe) {
    le = true;
    start = 2;
  } else if (b[0] === 0xfe && b[1] === 0xff) {
    le = false;
    start = 2;
  }
  const n = Math.floor((b.length - start) / 2);
  const units = new Array<number>(n);
  for (let i = 0; i < n; i++) units[i] = le ? u16le(b, start + 2 * i) : u16be(b, start + 2 * i);
  let s = '';
  for (let i = 0; i < units.length; i += 8192) s += String.fromCharCode(...units.slice(i, i + 8192));
  return s;
}

export function indexOfBytes(hay: Uint8Array, needle: Uint8Array, from = 0): number {
  return Buffer.from(hay.buffer, hay.byteOffset, hay.byteLength).indexOf(needle, from);
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (ISO 3309 / PNG / ZIP). */
export function crc32(...parts: Uint8Array[]): number {
  let c = 0xffffffff;
  for (const p of parts) for (let i = 0; i < p.length; i++) c = CRC_TABLE[(c ^ p[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

export const toBuffer = (b: Uint8Array): Buffer => (Buffer.isBuffer(b) ? b : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Printable text for a report: control characters escaped, cut to `max` characters. */
export function preview(s: string, max = 200): string {
  // eslint-disable-next-line no-control-regex
  const clean = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
