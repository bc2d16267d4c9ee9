/**
 * c2sp.org/tlog-tiles coordinates and paths. Tiles are 8 levels tall, so a
 * full tile holds 256 hashes: at tile level L, tile N holds the tree nodes at
 * level 8L with indices [256N, 256N + 256).
 */
import { assertUint, isUint } from './bits.js';
import { parseDecimal } from './bytes.js';
import { ledgerFail } from './errors.js';

export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;
export const MAX_TILE_LEVEL = 63;

export interface TileRef {
  readonly level: number;
  readonly index: number;
  /** Number of hashes (entries for bundles): 256 for a full tile, 1–255 for a partial one. */
  readonly width: number;
}

export type ParsedTilePath = ({ readonly kind: 'hashes' } | { readonly kind: 'entries' }) & TileRef;

const badPath = (why: string): never => ledgerFail('MALFORMED_TILE_PATH', why);

/** 1234067 → "x001/x234/067": 3-digit groups, all but the last prefixed with x. */
export function formatTileIndex(index: number): string {
  assertUint(index, 'BAD_INDEX', 'tile index');
  let rest = Math.floor(index / 1000);
  let out = String(index % 1000).padStart(3, '0');
  while (rest > 0) {
    out = `x${String(rest % 1000).padStart(3, '0')}/${out}`;
    rest = Math.floor(rest / 1000);
  }
  return out;
}

/** Inverse of formatTileIndex; only the canonical encoding is accepted, so each tile has one path. */
export function parseTileIndex(text: string): number {
  const groups = text.split('/');
  const last = groups.length - 1;
  let index = 0;
  groups.forEach((group, i) => {
    const digits = i < last ? (group.startsWith('x') ? group.slice(1) : badPath('only the last index group lacks the x prefix')) : group;
    if (!/^[0-9]{3}$/.test(digits)) badPath('index groups must be exactly 3 digits');
    index = index * 1000 + Number(digits);
  });
  if (!Number.isSafeInteger(index)) badPath('tile index too large');
  if (formatTileIndex(index) !== text) badPath('tile index is not canonical (leading zero group)');
  return index;
}

function checkWidth(width: number): void {
  if (!isUint(width) || width < 1 || width > TILE_WIDTH) ledgerFail('BAD_SIZE', `tile width must be 1–${TILE_WIDTH}`);
}

const suffix = (width: number): string => (width === TILE_WIDTH ? '' : `.p/${width}`);

/** tile/<L>/<N>[.p/<W>] */
export function tilePath(tile: TileRef): string {
  if (!isUint(tile.level) || tile.level > MAX_TILE_LEVEL) ledgerFail('BAD_INDEX', `tile level must be 0–${MAX_TILE_LEVEL}`);
  checkWidth(tile.width);
  return `tile/${tile.level}/${formatTileIndex(tile.index)}${suffix(tile.width)}`;
}

/** tile/entries/<N>[.p/<W>] */
export function entryBundlePath(bundle: Omit<TileRef, 'level'>): string {
  checkWidth(bundle.width);
  return `tile/entries/${formatTileIndex(bundle.index)}${suffix(bundle.width)}`;
}

/** Parses a path relative to the log prefix (no leading slash), e.g. "tile/0/x001/067.p/8". */
export function parseTilePath(path: string): ParsedTilePath {
  const m = /^tile\/(entries|0|[1-9][0-9]?)\/((?:x[0-9]{3}\/)*[0-9]{3})(?:\.p\/([1-9][0-9]{0,2}))?$/.exec(path);
  if (m === null) return badPath(`not a tile path: ${path}`);
  const [, levelText = '', indexText = '', widthText] = m;
  const width = widthText === undefined ? TILE_WIDTH : (parseDecimal(widthText) ?? badPath('bad width'));
  if (widthText !== undefined && width >= TILE_WIDTH) badPath('partial tile width must be 1–255');
  const index = parseTileIndex(indexText);
  if (levelText === 'entries') return { kind: 'entries', level: 0, index, width };
  const level = Number(levelText);
  if (level > MAX_TILE_LEVEL) badPath(`tile level must be 0–${MAX_TILE_LEVEL}`);
  return { kind: 'hashes', level, index, width };
}
