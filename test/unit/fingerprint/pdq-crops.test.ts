import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { hamming, lumaFromPixels } from '../../../src/fingerprint/pdq.js';
import { bestDistance, cropLuma, cropProbeHashes, imageMatchHashes, innerHash } from '../../../src/fingerprint/pdq-crops.js';
import { tapUpload } from '../../../src/routes/upload-tap.js';

/** A deterministic grey picture with structure at several scales (smooth blobs and stripes). */
function picture(w: number, h: number, seed: number): Float32Array {
  const px = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) {
      const v = 128 + 60 * Math.sin((x * (3 + seed)) / w * Math.PI) * Math.cos((y * (2 + seed)) / h * Math.PI) + 40 * Math.sin(((x + 2 * y) * (seed + 5)) / 97);
      px[y * w + x] = Math.max(0, Math.min(255, Math.round(v)));
    }
  return lumaFromPixels(px, w, h, 1);
}

describe('crop probes and the inner-region hash', () => {
  const W = 500;
  const H = 400;
  const img = picture(W, H, 1);

  it('cropLuma takes exactly the rows and columns asked for, clamped to the image', () => {
    const c = cropLuma(img, W, H, 0.1, 0.5, 0.25, 1);
    expect([c.width, c.height]).toEqual([200, 300]);
    expect(c.luma[0]).toBe(img[100 * W + 50]);
    expect(c.luma[c.luma.length - 1]).toBe(img[399 * W + 249]);
    const clamped = cropLuma(img, W, H, -0.2, 1.3, 0.999, 1);
    expect([clamped.width, clamped.height]).toEqual([W, 1]);
  });

  it('a copy cut by 10 % from the left: the matching probe equals the inner-region hash of the original', () => {
    const cut = cropLuma(img, W, H, 0.1, 1, 0, 1);
    const probes = cropProbeHashes(cut.luma, cut.width, cut.height);
    expect(probes).toHaveLength(14);
    const inner = innerHash(img, W, H);
    // Probe 6 guesses "10 % from the left": the very same pixels as the original's inner region.
    expect(hamming(probes[6]!, inner)).toBe(0);
    // The whole-image hashes are far apart: this is what the probes are for.
    expect(hamming(imageMatchHashes(cut.luma, cut.width, cut.height).query[0]!, imageMatchHashes(img, W, H).indexed[0]!)).toBeGreaterThan(31);
    expect(bestDistance(imageMatchHashes(cut.luma, cut.width, cut.height).query, imageMatchHashes(img, W, H).indexed)).toBe(0);
  });

  it('an unrelated picture stays far from every indexed hash', () => {
    const other = picture(W, H, 4);
    expect(bestDistance(imageMatchHashes(other, W, H).query, imageMatchHashes(img, W, H).indexed)).toBeGreaterThan(31);
  });
});

describe('tapUpload', () => {
  const chunks = [Buffer.from('abc'), Buffer.from('defg'), Buffer.from('hi')];

  it('passes every byte through and keeps them when the upload fits', async () => {
    const tap = tapUpload(Readable.from(chunks), 9);
    const seen: Buffer[] = [];
    for await (const c of tap.stream as AsyncIterable<Buffer>) seen.push(c);
    expect(Buffer.concat(seen).toString()).toBe('abcdefghi');
    expect(tap.bytes()?.toString()).toBe('abcdefghi');
    expect(tap.head().toString()).toBe('abcdefghi');
  });

  it('keeps nothing (null) once the upload is larger than the limit, but still passes it through', async () => {
    const tap = tapUpload(Readable.from(chunks), 8);
    let n = 0;
    for await (const c of tap.stream as AsyncIterable<Buffer>) n += c.length;
    expect(n).toBe(9);
    expect(tap.bytes()).toBeNull();
    expect(tap.head().toString()).toBe('abcdefghi');
  });

  it('an error in the upload reaches the reader', async () => {
    const broken = new Readable({ read() { this.destroy(new Error('cut')); } });
    const tap = tapUpload(broken, 100);
    await expect((async () => { for await (const _ of tap.stream) void _; })()).rejects.toThrow('cut');
  });
});
