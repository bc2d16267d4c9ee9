import { randomBytes } from 'node:crypto';

/**
 * Time-ordered random ids (ms timestamp + 80 random bits, base32hex): sortable by
 * creation, unguessable, the same on every database.
 */
const ALPHABET = '0123456789abcdefghijklmnopqrstuv';

// Random bytes drawn 4 KB at a time: a call into OpenSSL per id showed in the submission
// path's profile (about six ids per submission).
const POOL_BYTES = 4096;
let pool = Buffer.alloc(0);
let poolAt = POOL_BYTES;
function random10(): Buffer {
  if (poolAt + 10 > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolAt = 0;
  }
  const r = pool.subarray(poolAt, poolAt + 10);
  poolAt += 10;
  return r;
}
export function newId(now = Date.now()): string {
  let t = '';
  let n = now;
  for (let i = 0; i < 9; i++) {
    t = ALPHABET[n % 32]! + t;
    n = Math.floor(n / 32);
  }
  const r = random10();
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
