import { spawnSync } from 'node:child_process';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../../../src/documents/samples.js';
import { explicitImageLabel, morseCueWav } from '../../../src/provenance/explicit.js';
import { LABEL_FONT_NAME, labelTextSvg } from '../../../src/provenance/label-font.js';
import { inspect } from '../../../src/provenance/inspect.js';
import { writeLabel } from '../../../src/provenance/label.js';
import { exiftool, haveTool, wavSample } from './support.js';

// The label is drawn from the npm-shipped Noto Sans SC outlines; only text that font lacks falls back to the system's fonts.
const cjkFont = spawnSync('fc-list', [':lang=zh'], { encoding: 'utf8' }).stdout?.trim().length > 0;

describe('explicit image label', () => {
  it.each([
    [480, 320, 'bottom-right'],
    [300, 900, 'top-left'],
    [2000, 1200, 'bottom-left'],
  ] as const)('%ix%i at %s: text ink at least 5 percent of the shortest side, only the label box changes', async (w, h, corner) => {
    const src = samplePng(9, w, h);
    const r = await explicitImageLabel(src, { corner });
    expect(r.font).toBe(LABEL_FONT_NAME);
    const s = Math.min(w, h);
    expect(r.shortestSide).toBe(s);
    expect(r.textHeight).toBeGreaterThanOrEqual(Math.ceil(0.05 * s));
    // at the requested corner
    if (corner.startsWith('top')) expect(r.box.top).toBeLessThan(0.05 * h);
    else expect(r.box.top + r.box.height).toBeGreaterThan(0.95 * h);
    if (corner.endsWith('left')) expect(r.box.left).toBeLessThan(0.05 * w);
    else expect(r.box.left + r.box.width).toBeGreaterThan(0.95 * w);
    const [a, b] = await Promise.all([sharp(src).raw().toBuffer(), sharp(r.bytes).raw().toBuffer()]);
    let inside = 0;
    let outside = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const o = (y * w + x) * 3;
        const diff = a[o] !== b[o] || a[o + 1] !== b[o + 1] || a[o + 2] !== b[o + 2];
        const inBox = x >= r.box.left && x < r.box.left + r.box.width && y >= r.box.top && y < r.box.top + r.box.height;
        if (diff && inBox) inside++;
        if (diff && !inBox) outside++;
      }
    }
    expect(outside).toBe(0);
    expect(inside).toBeGreaterThan(r.box.width * r.box.height * 0.5);
    // The text's height measured on the pixels: under the 60 % black plate nothing is brighter than 102, the text is white
    let first = -1;
    let last = -1;
    for (let y = r.box.top; y < r.box.top + r.box.height; y++) {
      for (let x = r.box.left; x < r.box.left + r.box.width; x++) {
        const o = (y * w + x) * 3;
        if (b[o]! > 200 && b[o + 1]! > 200 && b[o + 2]! > 200) {
          if (first < 0) first = y;
          last = y;
          break;
        }
      }
    }
    expect(last - first + 1).toBeGreaterThanOrEqual(Math.ceil(0.05 * s));
  });

  it('a narrow image: the text wraps at the space, and each line is still tall enough', async () => {
    const r = await explicitImageLabel(samplePng(2, 120, 400), { corner: 'top-left' });
    expect(r.textHeight).toBeGreaterThanOrEqual(10);
    expect(r.box.width).toBeLessThanOrEqual(120);
    expect(r.box.height).toBeGreaterThan(2 * r.textHeight); // two lines
  });

  it('the outline renderer: one line of plausible ink and width; null for a character the font lacks', () => {
    const svg = labelTextSvg('人工智能生成 AI生成', 40, 10_000)!;
    expect(svg.lines).toBe(1);
    // Noto Sans SC Bold: CJK ink is about 0.9 em; "人…成 AI生成" spans 10 ideographs, 2 Latin capitals and a space
    expect(svg.lineInk).toBeGreaterThanOrEqual(34);
    expect(svg.lineInk).toBeLessThanOrEqual(42);
    expect(svg.width).toBeGreaterThan(40 * 9);
    expect(svg.width).toBeLessThan(40 * 11);
    expect(labelTextSvg('\u{1F600}', 40, 1000)).toBeNull(); // no glyph: the caller falls back to Pango
  });

  it.skipIf(!cjkFont)('text the npm font lacks is drawn by Pango with the system fonts, still tall enough', async () => {
    const r = await explicitImageLabel(samplePng(4, 400, 300), { text: 'AI生成 \u{1F600}' });
    expect(r.font).toMatch(/Pango/);
    expect(r.textHeight).toBeGreaterThanOrEqual(15);
  });

  it.skipIf(!haveTool('exiftool'))('with the implicit label in one call: both, and exiftool reads the metadata', async () => {
    const jpg = await sharp(samplePng(3, 640, 480)).jpeg().toBuffer();
    const r = await writeLabel(jpg, { Label: '1', ContentProducer: 'CAMPUS-AI-0001', ProduceID: 'x' }, { imageText: { corner: 'top-right' } });
    expect(r.explicit).toMatch(/top-right/);
    expect(exiftool(r.bytes, 'jpg')['XMP-TC260:Aigc']).toBe(r.value);
  });

  it.skipIf(!haveTool('exiftool'))('TIFF: visible label (kept lossless) and the XMP label in IFD0, which exiftool reads without a warning', async () => {
    const tif = await sharp(samplePng(5, 320, 240)).tiff({ compression: 'lzw' }).toBuffer();
    const r = await writeLabel(tif, { Label: '1', ContentProducer: 'CAMPUS-AI-0001' }, { imageText: {}, filename: 'a.tif' });
    const tags = exiftool(r.bytes, 'tif');
    expect(tags['XMP-TC260:Aigc']).toBe(r.value);
    expect(tags['IFD0:Compression']).toBe('LZW');
    expect(tags['ExifTool:Warning']).toBeUndefined();
  });
});

describe('audio cue', () => {
  it('prepends "short long short short" (Morse AI) to a WAV; the original audio follows unchanged', async () => {
    const src = wavSample(0.3, 8000);
    const out = morseCueWav(src, 120, 880);
    const pcm = (b: Buffer) => b.subarray(b.indexOf('data') + 8);
    const unit = 960; // 120 ms at 8 kHz
    const original = pcm(src);
    const labelled = pcm(out);
    expect(labelled.length).toBe(original.length + 12 * unit * 2);
    expect(labelled.subarray(12 * unit * 2).equals(original)).toBe(true);
    // energy per unit: on (dot), off, on on on (dash), off, on, off, on, off off off
    const energy = Array.from({ length: 12 }, (_, u) => {
      let e = 0;
      for (let i = u * unit; i < (u + 1) * unit; i++) e += Math.abs(labelled.readInt16LE(2 * i));
      return e / unit > 1000;
    });
    expect(energy).toEqual([true, false, true, true, true, false, true, false, true, false, false, false]);
    const r = await writeLabel(src, { Label: '1', ContentProducer: 'CAMPUS-TTS' }, { audioCue: true, filename: 'a.wav' });
    expect(r.explicit).toMatch(/short long short short/);
    expect((await inspect(r.bytes)).labels.find((t) => t.kind === 'gb45438')).toMatchObject({ valid: true });
  });
  it('refuses non-WAV audio and non-16-bit WAV precisely', async () => {
    expect(() => morseCueWav(Buffer.from('not audio at all, not a riff'))).toThrow(/not a WAV/);
    await expect(writeLabel(samplePng(1), { Label: '1', ContentProducer: 'X' }, { audioCue: true })).rejects.toMatchObject({ code: 'unsupported_format' });
  });
});
