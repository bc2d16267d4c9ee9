import fs from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { DIHEDRAL_NAMES, hamming, hexToWords, lumaFromPixels, pdqDihedralFromLuma, pdqFromLuma, torbenMedian, wordsToHex } from '../../../src/fingerprint/pdq.js';
import { MediaDecoder } from '../../../src/repositories/media.decoder.js';
import { describeWithVectors } from '../ledger/vectors.js';

/** Deterministic RGB test pattern; the same formula fed (as a PPM) to Meta's C++ reference gave the hashes below. */
function synth(w: number, h: number): Uint8Array {
  const px = new Uint8Array(w * h * 3);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 3;
      px[i] = ((x * 255) / w + ((x * y) % 17)) & 255;
      px[i + 1] = ((y * 255) / h + ((x ^ y) % 23)) & 255;
      px[i + 2] = ((x + y) * 3 + (x % 7) * 11) & 255;
    }
  return px;
}

// Output of Meta's C++ reference (pdq/cpp pdqDihedralHash256esFromFloatLuma, built beside the project) on identical pixels:
// quality, then original, rotate90, rotate180, rotate270, flipX, flipY, flipPlus1, flipMinus1.
const REFERENCE: Record<string, string> = {
  '97x61': '100,9b8064fe9aa264ffde0021ffda2025dbca2e21dbdf3421cbde2421c3fe2421d9,aaaaa555554555552aaaa655aaaa7a8a7555aaaa52aaaa9e5551a35575d4eaaa,c655ce54cfd58e558b518b508f758f618b738b708a618b618b718b698b718b73,ffff1fff0012ff7fffff0cffffffd020a000000027ff003400840dff22814040,9b809b019aa2db00de04de24da22da24ce2ede25df34fe34de24de3cfe24de26,c65531abcfd731aa8b51748a8f75708e8b73748e8a61549e8b7174968b71748c,aaaa5aaa5557aa2aaaaa592aaaaa8575f555555576aa556155d154aa75d41555,ffffe000000000007ffff300ffff2fdf2000ffff03fffecb0004f2000081bbbf',
  '640x480': '100,c20d7575d5457ab0d54580102fee8ab93fe68ab93566ca993546cab93562cab9,ad5507ea52aa875513d5955593d5975513d5955553e7aaaa8355155712aa16aa,97d8dfdf8118d75b80113afb7bfb28137abb60137a3360376033603360376037,f800ad0007ff2dff46803fffc6802fff46803fff06920000d600bffd47ffbc00,c20d8a8ad545844dd5457fef2fee75463fe63546354635663546354635623546,9758202080102fe78010d5457bbbdfec6ab3dfec60339fcc60139fec60379fec,ad55f81552aa78aa13d56aaa93d56aaa13d56aaa53e755558355eaa802aae955,f80052ff07ffd6a047a0d000d6a0f200c680d60006bffffff680401357ff5fff',
  '64x64': '100,07e0781f86e2691f86ea781f87c87835a2caf935d3cacc3573ca2c31f3ca4c34,2ab2aaa4558aba95555555eaaaaa6d95aaaa5555a955aaaa5aaaaaae50aaaaab,52349230d2b5c235d2bdc235c29d921fc69f039f069f069b269f869b869fa69e,7fe7005e00df101f0000ff40ffffc73ffffffffffc0000000bff000409ff0001,07e087e086e096e086ea87e087c887caa2cae6ca83ca73ca73caf3cef3cab3cb,52b52d4ad3b53c4ad3bd2d40d29d2d60f79f0c60c69f9960269f5964a69f1961,2af2557b55ce456a5555aa15aaaa926aaaaaaaaaa95555555eaa55517caa5554,7f87be800009e900000000bfffff00402aff0000fc00ffff0bffbfeb01ff3ffe',
  'misc-images/c.png': '100,e64cc9d91c623882f8d1f1d9a398e78c9f199b3bd83924f2b7e11e0bf861b064,c3c27add1d1bc31078245e6b03c4b83f471853e4207bf90fc7e07efe2054f719,d11da322493792aaed94db72f6cd4d26c24c39914d6c8e58e5b5b4a9a5349ace,9697d0774a4e69ba2d71f4c1569112d5124df94e752e57a592b5545475015db3,c44876771c62c7ff38418e37a398187397196dc45839db0d30e0e1fcf061cf9b,9119dcdd49376d556d14248dd6cdb2d9c24cc66e0d6c71a765b54b56a5346531,cfebcd229f1b3cef78e6a19c83cc47c85f18ec1b207b4ef0c7e4810130544cee,de9fafa84a4e96452d710b3e5691ed6a1a4d06b1752eac5a92b5abab7501a24c',
  'misc-images/pen-and-coaster.png': '100,1f811b9d267fbc6693c0c3f30e041f9df49b836303e10f067fcffc12c02d01f9,1cc6fb71308c6773d31c4c63eff83286cda9c39634639a7a618b8ce534dc1a94,4ad4b137732a16ccc69569595b51b537a1cf29c956b4a5ac2a9856b89578ab53,499351db65d9cdd98649e6c9baad982c98fc6d3c613630d034de264f6189b0be,1f81f462267f439993c03c4c0e04f062f69b7c9c03e1f0f97fcf03edc02dfe06,4ad45ec8732ae933c69596a65b515ac8a3cfd63656b45a532a9aa947957854ac,1cc6048e308cd98cd31cb39cef78cd79cda93c6934636585618b731a34dce5eb,4993ae2465d9732686491936ba2d67d398fc96c36136cf2f34ded9b061814fc1',
};

function expectReference(key: string, got: { quality: number; hashes: Record<string, string> }) {
  const [q, ...hashes] = REFERENCE[key]!.split(',');
  expect(got.quality).toBe(Number(q));
  expect(DIHEDRAL_NAMES.map((d) => got.hashes[d])).toEqual(hashes);
}

describe('PDQ (bit-exact with Meta’s C++ reference on identical pixels)', () => {
  for (const key of ['97x61', '640x480', '64x64']) {
    it(`synthetic ${key}: all eight dihedral hashes and the quality`, () => {
      const [w, h] = key.split('x').map(Number) as [number, number];
      expectReference(key, pdqDihedralFromLuma(lumaFromPixels(synth(w, h), w, h, 3), w, h));
    });
  }

  it('pdqFromLuma equals the original of the dihedral set', () => {
    const l = lumaFromPixels(synth(97, 61), 97, 61, 3);
    expect(pdqFromLuma(l, 97, 61).hash).toBe(pdqDihedralFromLuma(l, 97, 61).hashes.original);
  });

  it('refuses nothing small: under 5 pixels a side gives the zero hash with quality 0, as the reference', () => {
    expect(pdqFromLuma(new Float32Array(16), 4, 4)).toEqual({ hash: '0'.repeat(64), quality: 0 });
  });

  it('a flat image has quality 0', () => {
    expect(pdqFromLuma(new Float32Array(100 * 100).fill(128), 100, 100).quality).toBe(0);
  });

  it('hex and words round-trip; hamming counts bits', () => {
    const h = REFERENCE['64x64']!.split(',')[1]!;
    expect(wordsToHex(hexToWords(h))).toBe(h);
    const flipped = (parseInt(h[0]!, 16) ^ 0b1011).toString(16) + h.slice(1);
    expect(hamming(h, flipped)).toBe(3);
    expect(() => hexToWords('xyz')).toThrow(/not a PDQ hash/);
  });

  it('Torben median picks the lower middle like the reference', () => {
    expect(torbenMedian(Float32Array.of(5, 1, 4, 2, 3))).toBe(3);
    expect(torbenMedian(Float32Array.of(1, 2, 3, 4))).toBe(2);
  });
});

describeWithVectors('PDQ against Meta’s published hashes', ['pdq/expected-hashes.csv', 'pdq/misc-images/c.png'], (dir) => {
  const root = path.join(dir, 'pdq');
  const decoder = new MediaDecoder();

  for (const rel of ['misc-images/c.png', 'misc-images/pen-and-coaster.png']) {
    it(`${rel}: full-resolution pixels hash exactly as the C++ reference`, async () => {
      const { data, info } = await sharp(path.join(root, rel)).flatten({ background: '#ffffff' }).raw().toBuffer({ resolveWithObject: true });
      expectReference(rel, pdqDihedralFromLuma(lumaFromPixels(data, info.width, info.height, info.channels), info.width, info.height));
    });
  }

  it('end to end (sharp decode + PDQ): within 10 bits of every published hash of quality ≥ 80', async () => {
    const rows = fs.readFileSync(path.join(root, 'expected-hashes.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(','));
    expect(rows.length).toBeGreaterThan(50);
    const report: string[] = [];
    let checked = 0;
    for (const r of rows) {
      const file = r[0]!.replace(/ \(was .*\)$/, '');
      const img = await decoder.image(path.join(root, file));
      const h = pdqFromLuma(lumaFromPixels(img.pixels, img.width, img.height, img.channels), img.width, img.height);
      if (h.quality < 80) continue;
      checked++;
      const d = hamming(h.hash, r[1]!);
      if (d > 10) report.push(`${file} (${r[3]}): ${d} bits`);
    }
    expect(checked).toBeGreaterThan(45);
    expect(report).toEqual([]);
  });

  it('the dihedral hashes of the original find the rotated and mirrored files', async () => {
    const hashOf = async (f: string) => {
      const img = await decoder.image(path.join(root, 'dih', f));
      return pdqDihedralFromLuma(lumaFromPixels(img.pixels, img.width, img.height, img.channels), img.width, img.height);
    };
    const orig = await hashOf('bridge-1-original.jpg');
    const files = ['bridge-1-original.jpg', 'bridge-2-rotate-90.jpg', 'bridge-3-rotate-180.jpg', 'bridge-4-rotate-270.jpg', 'bridge-5-flipx.jpg', 'bridge-6-flipy.jpg', 'bridge-7-flip-plus-1.jpg', 'bridge-8-flip-minus-1.jpg'];
    for (let i = 0; i < files.length; i++) {
      const other = await hashOf(files[i]!);
      // The file's own hash is close to the matching dihedral variant of the original, and far from the untransformed original.
      expect(hamming(orig.hashes[DIHEDRAL_NAMES[i]!], other.hashes.original), files[i]).toBeLessThanOrEqual(31);
      if (i > 0) expect(hamming(orig.hashes.original, other.hashes.original), files[i]).toBeGreaterThan(64);
    }
  });
});
