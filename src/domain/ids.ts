import { randomBytes } from 'node:crypto';

/**
 * Time-ordered random ids (ms timestamp + 80 random bits, base32hex): sortable by
 * creation, unguessable, the same on every database.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';
export function newId(now = Date.now()): string {
  let t = '';
  let n = now;
  for (let i = 0; i < 9; i++) {
    t = ALPHABET[n % 32]! + t;
    n = Math.floor(n / 32);
  }
  const r = randomBytes(10);
  let s = '';
  for (let i = 0; i < 16; i++) {
    const bit = i * 5;
    const byte = bit >> 3;
    const v = (((r[byte]! << 8) | (r[byte + 1] ?? 0)) >> (11 - (bit & 7))) & 31;
    s += ALPHABET[v];
  }
  return t + s;
}

export const nowIso = (): string => new Date().toISOString();
