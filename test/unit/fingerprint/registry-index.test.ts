import { describe, expect, it } from 'vitest';
import { hexToWords, wordsToHex } from '../../../src/fingerprint/pdq.js';
import { RegistryIndex } from '../../../src/fingerprint/registry-index.js';

/** `hex` with the first `n` bits flipped. */
function flip(hex: string, n: number): string {
  const w = hexToWords(hex);
  for (let b = 0; b < n; b++) w[b >>> 5]! ^= 1 << (b & 31);
  return wordsToHex(w);
}

const A = 'd8f8f0cce0f4a84f0e370a22028f67f0b36e2ed596623e1d33e6b39c4e9c9b22';
const shaOf = (c: string) => c.repeat(64);

describe('RegistryIndex with a file added again (its fingerprint recomputed)', () => {
  it('reports the file once, at its best distance and the variant that gave it', () => {
    const idx = new RegistryIndex();
    idx.add({ sha256: shaOf('a'), kind: 'image', pdq: flip(A, 20), pdqExtra: [flip(A, 60)] });
    idx.add({ sha256: shaOf('b'), kind: 'image', pdq: flip(A, 25) });
    // Recomputed: a new entry beside the old one until the index is rebuilt.
    idx.add({ sha256: shaOf('a'), kind: 'image', pdq: flip(A, 4), pdqExtra: [flip(A, 90)] });
    expect(idx.size).toBe(3);
    expect(idx.searchImage([flip(A, 200), A])).toEqual([
      { sha256: shaOf('a'), kind: 'image', score: 4, variant: 1 },
      { sha256: shaOf('b'), kind: 'image', score: 25, variant: 1 },
    ]);
    idx.compact();
    expect(idx.searchImage([A]).map((c) => [c.sha256[0], c.score])).toEqual([['a', 4], ['b', 25]]);
  });

  it('ranked kinds (text, audio, video) too: one candidate per file, its best count', () => {
    const idx = new RegistryIndex();
    idx.add({ sha256: shaOf('c'), kind: 'text', bandKeys: Uint32Array.of(1, 2) });
    idx.add({ sha256: shaOf('c'), kind: 'text', bandKeys: Uint32Array.of(1, 2, 3) });
    idx.add({ sha256: shaOf('d'), kind: 'text', bandKeys: Uint32Array.of(3) });
    expect(idx.searchText(Uint32Array.of(1, 2, 3))).toEqual([
      { sha256: shaOf('c'), kind: 'text', score: 3 },
      { sha256: shaOf('d'), kind: 'text', score: 1 },
    ]);
  });
});
