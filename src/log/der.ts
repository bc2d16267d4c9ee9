/**
 * Just enough ASN.1 DER to speak RFC 3161: build a TimeStampReq, walk a TimeStampResp.
 * Reading keeps each element's raw bytes, because CMS signatures cover exact encodings.
 */
export interface Tlv {
  tag: number;
  /** The whole element: header and content. */
  raw: Uint8Array;
  content: Uint8Array;
}

export class DerError extends Error {
  override readonly name = 'DerError';
}

const fail = (why: string): never => {
  throw new DerError(why);
};

export function readTlv(buf: Uint8Array, offset = 0): Tlv {
  if (offset + 2 > buf.length) fail('truncated element');
  const tag = buf[offset]!;
  if ((tag & 0x1f) === 0x1f) fail('multi-byte tags are not used here');
  let len = buf[offset + 1]!;
  let header = 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0 || n > 4) fail('bad length');
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[offset + 2 + i]!;
    header += n;
  }
  const end = offset + header + len;
  if (end > buf.length) fail('element runs past its container');
  return { tag, raw: buf.subarray(offset, end), content: buf.subarray(offset + header, end) };
}

/** The elements inside a constructed element, in order. */
export function children(t: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let off = 0; off < t.content.length; ) {
    const c = readTlv(t.content, off);
    out.push(c);
    off += c.raw.length;
  }
  return out;
}

export function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t || t.tag !== tag) return fail(`${what}: expected tag 0x${tag.toString(16)}, found ${t ? `0x${t.tag.toString(16)}` : 'nothing'}`);
  return t;
}

export function oidToString(t: Tlv): string {
  expectTag(t, 0x06, 'OID');
  const b = t.content;
  const parts = [Math.floor(b[0]! / 40), b[0]! % 40];
  let v = 0;
  for (let i = 1; i < b.length; i++) {
    v = v * 128 + (b[i]! & 0x7f);
    if (!(b[i]! & 0x80)) {
      parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

export function intValue(t: Tlv): bigint {
  expectTag(t, 0x02, 'INTEGER');
  let v = 0n;
  for (const byte of t.content) v = (v << 8n) | BigInt(byte);
  if (t.content.length > 0 && t.content[0]! & 0x80) v -= 1n << BigInt(8 * t.content.length);
  return v;
}

/** GeneralizedTime "YYYYMMDDhhmmss[.fff]Z" → Date. */
export function generalizedTime(t: Tlv): Date {
  expectTag(t, 0x18, 'GeneralizedTime');
  const s = new TextDecoder().decode(t.content);
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\.\d+)?Z$/.exec(s);
  if (!m) return fail(`bad GeneralizedTime ${s}`);
  const ms = m[7] ? Math.round(Number(m[7]) * 1000) : 0;
  return new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms));
}

function encodeLength(n: number): number[] {
  if (n < 0x80) return [n];
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return [0x80 | bytes.length, ...bytes];
}

export function tlv(tag: number, ...content: Uint8Array[]): Uint8Array {
  const body = Buffer.concat(content);
  return Uint8Array.from([tag, ...encodeLength(body.length), ...body]);
}

export const sequence = (...items: Uint8Array[]): Uint8Array => tlv(0x30, ...items);
export const octets = (b: Uint8Array): Uint8Array => tlv(0x04, b);
export const boolean = (v: boolean): Uint8Array => Uint8Array.of(0x01, 0x01, v ? 0xff : 0x00);
export const nullValue = (): Uint8Array => Uint8Array.of(0x05, 0x00);

/** A non-negative INTEGER from big-endian bytes (a 0x00 is prepended when the top bit is set). */
export function unsignedInt(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0 && !(bytes[i + 1]! & 0x80)) i++;
  const trimmed = bytes.subarray(i);
  return tlv(0x02, trimmed[0]! & 0x80 ? Uint8Array.of(0, ...trimmed) : trimmed);
}

export function oid(dotted: string): Uint8Array {
  const [a, b, ...rest] = dotted.split('.').map(Number);
  const out = [a! * 40 + b!];
  for (const v of rest) {
    const chunk: number[] = [];
    let x = v;
    do {
      chunk.unshift((x & 0x7f) | (chunk.length ? 0x80 : 0));
      x = Math.floor(x / 128);
    } while (x > 0);
    out.push(...chunk);
  }
  return tlv(0x06, Uint8Array.from(out));
}
