/**
 * Integer helpers for tree arithmetic. Tree sizes can exceed 2^32, where JS
 * bitwise operators silently truncate, so everything here uses plain division
 * and stays exact up to Number.MAX_SAFE_INTEGER.
 */
import { ledgerFail, type LedgerErrorCode } from './errors.js';

export const isUint = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;

export function assertUint(n: unknown, code: LedgerErrorCode, what: string): asserts n is number {
  if (!isUint(n)) ledgerFail(code, `${what} must be a non-negative safe integer, got ${String(n)}`);
}

export const half = (n: number): number => Math.floor(n / 2);

export const isOdd = (n: number): boolean => n % 2 === 1;

export const isPowerOfTwo = (n: number): boolean => {
  if (n < 1) return false;
  let x = n;
  while (x % 2 === 0) x /= 2;
  return x === 1;
};

/** Number of 1 bits. */
export function popcount(n: number): number {
  let count = 0;
  for (let x = n; x > 0; x = half(x)) if (isOdd(x)) count++;
  return count;
}

/** Number of trailing 0 bits of a positive integer. */
export function trailingZeros(n: number): number {
  let count = 0;
  for (let x = n; x > 0 && !isOdd(x); x = half(x)) count++;
  return count;
}

/** Height above the leaves at which the root paths of leaves a and b meet: bitLength(a XOR b). */
export function divergeHeight(a: number, b: number): number {
  let height = 0;
  for (let x = a, y = b; x !== y; x = half(x), y = half(y)) height++;
  return height;
}

/** floor(n / 2^k) without overflow. */
export const shiftRight = (n: number, k: number): number => Math.floor(n / 2 ** k);

/** Largest power of two strictly less than n (n >= 2): the split point k of RFC 9162 §2.1.1. */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}
