/**
 * Byte helpers. Base64 decoding is strict on purpose: Node's Buffer decoder
 * skips junk and accepts missing padding, which would let two different texts
 * carry the same signature or hash.
 */
import { Buffer } from 'node:buffer';
import { ledgerFail, type LedgerErrorCode } from './errors.js';

const STD_BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export const toBase64 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');

/** Decodes canonical standard base64 (RFC 4648 §4) or returns undefined. */
export function fromBase64(text: string): Uint8Array | undefined {
  if (!STD_BASE64.test(text)) return undefined;
  const bytes = new Uint8Array(Buffer.from(text, 'base64'));
  // Reject non-zero padding bits: only one encoding per byte string.
  return toBase64(bytes) === text ? bytes : undefined;
}

export function decodeBase64Or(text: string, code: LedgerErrorCode, what: string): Uint8Array {
  const bytes = fromBase64(text);
  return bytes ?? ledgerFail(code, `${what} is not canonical base64`);
}

export const toHex = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');

export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export function concatBytes(...parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

const encoder = new TextEncoder();
// ignoreBOM keeps a leading U+FEFF as text instead of silently dropping it.
const strictDecoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

export const utf8 = (text: string): Uint8Array => encoder.encode(text);

/** Decodes UTF-8, or returns undefined on invalid input. */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** A JS string encodes to valid UTF-8 only if it has no unpaired surrogates. */
export const isWellFormedText = (text: string): boolean => !LONE_SURROGATE.test(text);

/** Canonical decimal: digits only, no leading zeros (except "0"), within safe integer range. */
export function parseDecimal(text: string): number | undefined {
  if (!/^(?:0|[1-9][0-9]*)$/.test(text)) return undefined;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : undefined;
}
