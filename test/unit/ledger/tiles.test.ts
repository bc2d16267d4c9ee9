/** tlog-tiles paths, layout, tile bodies and reading proofs out of tiles. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  decodeEntryBundle,
  decodeHashTile,
  encodeEntryBundle,
  encodeHashTile,
  entryBundlePath,
  formatTileIndex,
  inclusionProof,
  leafHash,
  MAX_ENTRY_SIZE,
  nodeSourceFromLeaves,
  nodeSourceFromTiles,
  nodeTile,
  parseTileIndex,
  parseTilePath,
  partialTileWidth,
  rootAt,
  tilePath,
  tilesForGrowth,
  tilesForTreeSize,
  type TileRef,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

describe('tile index and paths', () => {
  it('encodes the spec example 1234067 as x001/x234/067', () => {
    expect(formatTileIndex(1234067)).toBe('x001/x234/067');
    expect(formatTileIndex(0)).toBe('000');
    expect(formatTileIndex(999)).toBe('999');
    expect(formatTileIndex(1000)).toBe('x001/000');
  });

  it('full and partial tile paths', () => {
    expect(tilePath({ level: 0, index: 1234067, width: 256 })).toBe('tile/0/x001/x234/067');
    expect(tilePath({ level: 2, index: 5, width: 17 })).toBe('tile/2/005.p/17');
    expect(entryBundlePath({ index: 1234067, width: 8 })).toBe('tile/entries/x001/x234/067.p/8');
  });

  it('paths parse back', () => {
    expect(parseTilePath('tile/0/x001/x234/067.p/8')).toEqual({ kind: 'hashes', level: 0, index: 1234067, width: 8 });
    expect(parseTilePath('tile/63/000')).toEqual({ kind: 'hashes', level: 63, index: 0, width: 256 });
    expect(parseTilePath('tile/entries/x001/000')).toEqual({ kind: 'entries', level: 0, index: 1000, width: 256 });
  });

  it('any index round-trips (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 63 }), fc.integer({ min: 1, max: 256 }), (index, level, width) => {
        expect(parseTileIndex(formatTileIndex(index))).toBe(index);
        expect(parseTilePath(tilePath({ level, index, width }))).toEqual({ kind: 'hashes', level, index, width });
        expect(parseTilePath(entryBundlePath({ index, width }))).toEqual({ kind: 'entries', level: 0, index, width });
      }),
    );
  });
});

describe('malformed tile paths (MALFORMED_TILE_PATH)', () => {
  const cases: Record<string, string> = {
    'leading slash': '/tile/0/000',
    'missing index': 'tile/0',
    'level with leading zero': 'tile/01/000',
    'level 64': 'tile/64/000',
    'negative level': 'tile/-1/000',
    'index group of two digits': 'tile/0/00',
    'index group of four digits': 'tile/0/0000',
    'last group with x prefix': 'tile/0/x001',
    'inner group without x prefix': 'tile/0/001/234',
    'non-canonical leading zero group': 'tile/0/x000/001',
    'width 0': 'tile/0/000.p/0',
    'width 256': 'tile/0/000.p/256',
    'width with leading zero': 'tile/0/000.p/08',
    'partial marker without width': 'tile/0/000.p',
    'trailing slash': 'tile/0/000/',
    'unknown kind': 'tile/data/000',
    'entries with a level': 'tile/entries/0/000',
    'not a tile path': 'checkpoint',
    'letters in index': 'tile/0/0a0',
  };
  for (const [label, p] of Object.entries(cases)) {
    it(label, () => expectCode(() => parseTilePath(p), 'MALFORMED_TILE_PATH'));
  }
});

describe('which tiles exist', () => {
  const summary = (tiles: readonly TileRef[]) => {
    const out: Record<string, string> = {};
    for (const t of tiles) {
      const key = `L${t.level}`;
      out[key] = `${out[key] ?? ''}${t.width === 256 ? 'F' : `p${t.width}`}`;
    }
    return Object.fromEntries(Object.entries(out).map(([k, v]) => [k, v.replace(/F+/, (m) => `F×${m.length} `).trim()]));
  };

  it('size 70000: 273 full + p112 at level 0, full + p17 at level 1, p1 at level 2 (spec example)', () => {
    expect(summary(tilesForTreeSize(70000))).toEqual({ L0: 'F×273 p112', L1: 'F×1 p17', L2: 'p1' });
    expect([0, 1, 2, 3].map((l) => partialTileWidth(l, 70000))).toEqual([112, 17, 1, 0]);
  });

  it('size 256: one full level-0 tile and a level-1 tile of width 1 (spec example)', () => {
    expect(tilesForTreeSize(256)).toEqual([
      { level: 0, index: 0, width: 256 },
      { level: 1, index: 0, width: 1 },
    ]);
  });

  it('size 0 has no tiles', () => expect(tilesForTreeSize(0)).toEqual([]));

  it('growth lists only the tiles that change', () => {
    expect(tilesForGrowth(300, 310)).toEqual([{ level: 0, index: 1, width: 54 }]);
    expect(tilesForGrowth(500, 520)).toEqual([
      { level: 0, index: 1, width: 256 },
      { level: 0, index: 2, width: 8 },
      { level: 1, index: 0, width: 2 },
    ]);
    expect(tilesForGrowth(10, 10)).toEqual([]);
    expectCode(() => tilesForGrowth(11, 10), 'BAD_SIZE');
  });

  it('nodes map to tiles', () => {
    expect(nodeTile(0, 1234)).toEqual({ tile: { level: 0, index: 4 }, levelInTile: 0, indexInTile: 210 });
    expect(nodeTile(3, 70)).toEqual({ tile: { level: 0, index: 2 }, levelInTile: 3, indexInTile: 6 });
    expect(nodeTile(8, 300)).toEqual({ tile: { level: 1, index: 1 }, levelInTile: 0, indexInTile: 44 });
  });
});

describe('reading the tree from tiles', () => {
  const SIZE = 70000;
  const leaves = Array.from({ length: SIZE }, (_, i) => leafHash(new TextEncoder().encode(`entry ${i}`)));
  const node = nodeSourceFromLeaves(leaves);
  const tiles = new Map<string, Uint8Array>();
  for (const t of tilesForTreeSize(SIZE)) {
    const hashes = Array.from({ length: t.width }, (_, i) => node(8 * t.level, t.index * 256 + i));
    tiles.set(`${t.level}/${t.index}`, encodeHashTile(hashes));
  }
  const fromTiles = nodeSourceFromTiles((level, index) => {
    const data = tiles.get(`${level}/${index}`);
    if (data === undefined) throw new Error(`no tile ${level}/${index}`);
    return decodeHashTile(data);
  });

  it('root and proofs from tiles equal those from leaves', () => {
    expect(rootAt(SIZE, fromTiles)).toEqual(rootAt(SIZE, node));
    for (const index of [0, 255, 256, 65535, 65536, 69999]) {
      expect(inclusionProof(index, SIZE, fromTiles)).toEqual(inclusionProof(index, SIZE, node));
    }
  });
});

describe('tile bodies', () => {
  it('hash tiles round-trip', () => {
    const hashes = [leafHash(new Uint8Array([1])), leafHash(new Uint8Array([2]))];
    expect(decodeHashTile(encodeHashTile(hashes), 2)).toEqual(hashes);
  });

  it('entry bundles round-trip, including empty and maximum-size entries', () => {
    const entries = [new Uint8Array(0), new TextEncoder().encode('abc'), new Uint8Array(MAX_ENTRY_SIZE).fill(9)];
    const bundle = encodeEntryBundle(entries);
    expect([...bundle.subarray(0, 2)]).toEqual([0, 0]);
    expect([...bundle.subarray(2, 4)]).toEqual([0, 3]);
    expect(decodeEntryBundle(bundle, 3)).toEqual(entries);
  });

  it('hash tile with a partial hash: MALFORMED_TILE', () => expectCode(() => decodeHashTile(new Uint8Array(33)), 'MALFORMED_TILE'));
  it('empty hash tile: MALFORMED_TILE', () => expectCode(() => decodeHashTile(new Uint8Array(0)), 'MALFORMED_TILE'));
  it('hash tile wider than 256: MALFORMED_TILE', () => expectCode(() => decodeHashTile(new Uint8Array(32 * 257)), 'MALFORMED_TILE'));
  it('hash tile of unexpected width: MALFORMED_TILE', () => expectCode(() => decodeHashTile(new Uint8Array(64), 3), 'MALFORMED_TILE'));
  it('encoding a tile of 31-byte hashes: BAD_HASH_LENGTH', () => expectCode(() => encodeHashTile([new Uint8Array(31)]), 'BAD_HASH_LENGTH'));
  it('bundle with a truncated length prefix: MALFORMED_BUNDLE', () => expectCode(() => decodeEntryBundle(Uint8Array.of(0, 1, 7, 0)), 'MALFORMED_BUNDLE'));
  it('bundle with a truncated entry: MALFORMED_BUNDLE', () => expectCode(() => decodeEntryBundle(Uint8Array.of(0, 5, 1, 2)), 'MALFORMED_BUNDLE'));
  it('empty bundle: MALFORMED_BUNDLE', () => expectCode(() => decodeEntryBundle(new Uint8Array(0)), 'MALFORMED_BUNDLE'));
  it('bundle with 257 entries: MALFORMED_BUNDLE', () => expectCode(() => decodeEntryBundle(new Uint8Array(2 * 257)), 'MALFORMED_BUNDLE'));
  it('bundle of unexpected width: MALFORMED_BUNDLE', () => expectCode(() => decodeEntryBundle(Uint8Array.of(0, 0), 2), 'MALFORMED_BUNDLE'));
  it('entry over 65535 bytes: ENTRY_TOO_LARGE', () => expectCode(() => encodeEntryBundle([new Uint8Array(MAX_ENTRY_SIZE + 1)]), 'ENTRY_TOO_LARGE'));
});
