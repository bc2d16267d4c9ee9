/**
 * Tile bodies: hash tiles are concatenated 32-byte hashes; entry bundles are
 * entries each prefixed by a big-endian uint16 length (tlog-tiles "Log entries").
 */
import { concatBytes } from './bytes.js';
import { ledgerFail } from './errors.js';
import { assertHash, HASH_SIZE } from './hash.js';
import { TILE_WIDTH } from './tiles.js';

export const MAX_ENTRY_SIZE = 0xffff;

function checkCount(count: number, expected: number | undefined, code: 'MALFORMED_TILE' | 'MALFORMED_BUNDLE'): void {
  if (count < 1 || count > TILE_WIDTH) ledgerFail(code, `must hold 1–${TILE_WIDTH} items, has ${count}`);
  if (expected !== undefined && count !== expected) ledgerFail(code, `expected ${expected} items, found ${count}`);
}

export function encodeHashTile(hashes: readonly Uint8Array[]): Uint8Array {
  checkCount(hashes.length, undefined, 'MALFORMED_TILE');
  hashes.forEach((h, i) => assertHash(h, `tile hash ${i}`));
  return concatBytes(...hashes);
}

/** Splits a hash tile; `expectedWidth` (from the path) guards against a short or padded body. */
export function decodeHashTile(data: Uint8Array, expectedWidth?: number): Uint8Array[] {
  if (data.length % HASH_SIZE !== 0) ledgerFail('MALFORMED_TILE', 'tile length is not a multiple of 32');
  const count = data.length / HASH_SIZE;
  checkCount(count, expectedWidth, 'MALFORMED_TILE');
  return Array.from({ length: count }, (_, i) => data.slice(i * HASH_SIZE, (i + 1) * HASH_SIZE));
}

export function encodeEntryBundle(entries: readonly Uint8Array[]): Uint8Array {
  checkCount(entries.length, undefined, 'MALFORMED_BUNDLE');
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    if (entry.length > MAX_ENTRY_SIZE) ledgerFail('ENTRY_TOO_LARGE', `entry of ${entry.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
    parts.push(Uint8Array.of(entry.length >> 8, entry.length & 0xff), entry);
  }
  return concatBytes(...parts);
}

export function decodeEntryBundle(data: Uint8Array, expectedWidth?: number): Uint8Array[] {
  const entries: Uint8Array[] = [];
  let offset = 0;
  while (offset < data.length) {
    if (offset + 2 > data.length) ledgerFail('MALFORMED_BUNDLE', 'truncated length prefix');
    const length = ((data[offset] as number) << 8) | (data[offset + 1] as number);
    offset += 2;
    if (offset + length > data.length) ledgerFail('MALFORMED_BUNDLE', 'truncated entry');
    entries.push(data.slice(offset, offset + length));
    offset += length;
    if (entries.length > TILE_WIDTH) ledgerFail('MALFORMED_BUNDLE', `more than ${TILE_WIDTH} entries`);
  }
  checkCount(entries.length, expectedWidth, 'MALFORMED_BUNDLE');
  return entries;
}
