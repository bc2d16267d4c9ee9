import type SharpType from 'sharp';

// sharp (libvips) adds ~28 MB to the resident size; load it with the first image, not at start.
let sharpModule: Promise<typeof SharpType> | undefined;
const loadSharp = (): Promise<typeof SharpType> => (sharpModule ??= import('sharp').then((m) => m.default));
import { ascii, le32, u16le, u32le } from './bytes.js';
import { riffChunks } from './formats/webp.js';
import { LABEL_FONT_NAME, labelTextSvg } from './label-font.js';

/**
 * Explicit (visible / audible) labels of GB 45438-2025 for a campus AI service's output:
 * images get a text at an edge or corner whose text height is at least 5 % of the shortest
 * side; audio gets the "short long short short" rhythm cue (Morse "AI") at the start.
 * Text markers live in formats/text.ts; video and compressed audio, which need re-encoding,
 * in explicit-media.ts.
 */
export const DEFAULT_IMAGE_LABEL = '人工智能生成 AI生成';
export type Corner = 'bottom-right' | 'bottom-left' | 'top-right' | 'top-left';

export interface ImageLabelResult {
  bytes: Buffer;
  /** Height of the rendered text's ink, in pixels, and the image's shortest side. */
  textHeight: number;
  shortestSide: number;
  box: { left: number; top: number; width: number; height: number };
  font: string;
}

const escapePango = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/**
 * Renders `text` white on transparent, trimmed to its ink, at a size whose ink is at least
 * `minHeight` px: from the npm-shipped Noto Sans SC outlines when they cover the text, else
 * with the system's fonts through Pango (which needs a CJK font installed).
 */
async function renderText(text: string, minHeight: number, maxWidth: number): Promise<{ png: Buffer; width: number; height: number; ink: number; font: string }> {
  const sharp = await loadSharp();
  let size = Math.max(8, Math.ceil(minHeight * 1.2));
  for (let attempt = 0; attempt < 5; attempt++) {
    const svg = labelTextSvg(text, size, maxWidth);
    const font = svg ? LABEL_FONT_NAME : 'system sans (Pango)';
    const data = svg
      ? await sharp(Buffer.from(svg.svg)).png().toBuffer()
      : (await sharp({ text: { text: `<span foreground="#ffffff" font_weight="bold">${escapePango(text)}</span>`, font: `sans ${size}`, dpi: 72, rgba: true, width: maxWidth, wrap: 'word-char' } }).png().toBuffer({ resolveWithObject: true })).data;
    const trimmed = await sharp(data).trim({ threshold: 1 }).png().toBuffer({ resolveWithObject: true });
    // With outlines we know one line's ink; Pango's is measured on the whole (possibly wrapped) block.
    const ink = svg ? Math.min(svg.lineInk, trimmed.info.height) : trimmed.info.height;
    if (ink >= minHeight) return { png: trimmed.data, width: trimmed.info.width, height: trimmed.info.height, ink, font };
    size = Math.ceil((size * minHeight) / Math.max(1, ink) + 1);
  }
  throw new Error('could not render the label text tall enough');
}

export interface LabelPlate {
  /** The dark plate with the white text, PNG with alpha, to draw at `box`. */
  png: Buffer;
  box: { left: number; top: number; width: number; height: number };
  textHeight: number;
  shortestSide: number;
  /** Which font drew the text. */
  font: string;
}

/**
 * The visible label for a picture of `w`×`h` (displayed orientation): white bold text on a
 * dark plate at `corner`, the text's ink at least 5 % of the shortest side. Shared by still
 * images (composited by sharp) and video (overlaid by ffmpeg).
 */
export async function renderLabelPlate(w: number, h: number, opts: { text?: string; corner?: Corner } = {}): Promise<LabelPlate> {
  const sharp = await loadSharp();
  const s = Math.min(w, h);
  const minHeight = Math.max(10, Math.ceil(0.05 * s));
  const pad = Math.max(2, Math.round(minHeight * 0.25));
  const margin = Math.max(0, Math.round(0.015 * s));
  const text = await renderText(opts.text ?? DEFAULT_IMAGE_LABEL, minHeight, Math.max(16, w - 2 * margin - 2 * pad));
  const boxW = Math.min(w, text.width + 2 * pad);
  const boxH = Math.min(h, text.height + 2 * pad);
  const corner = opts.corner ?? 'bottom-right';
  const left = corner.endsWith('left') ? margin : Math.max(0, w - boxW - margin);
  const top = corner.startsWith('top') ? margin : Math.max(0, h - boxH - margin);
  const png = await sharp({ create: { width: boxW, height: boxH, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0.6 } } })
    .composite([{ input: text.png, left: pad, top: pad }])
    .png()
    .toBuffer();
  return { png, box: { left, top, width: boxW, height: boxH }, textHeight: text.ink, shortestSide: s, font: text.font };
}

export async function explicitImageLabel(bytes: Uint8Array, opts: { text?: string; corner?: Corner } = {}): Promise<ImageLabelResult> {
  const sharp = await loadSharp();
  const img = sharp(bytes, { animated: false });
  const meta = await img.metadata();
  if (!meta.width || !meta.height || !meta.format) throw new Error('not an image sharp can read');
  const swap = (meta.orientation ?? 1) >= 5;
  const plate = await renderLabelPlate(swap ? meta.height : meta.width, swap ? meta.width : meta.height, opts);
  const { left, top } = plate.box;
  let out = sharp(bytes).rotate().composite([{ input: plate.png, left, top }]).keepMetadata();
  if (!meta.hasAlpha) out = sharp(await out.png().toBuffer()).removeAlpha().keepMetadata();
  if (meta.format === 'jpeg') out = out.jpeg({ quality: 92 });
  else if (meta.format === 'webp') out = out.webp({ quality: 92 });
  else if (meta.format === 'gif') out = out.gif();
  else if (meta.format === 'tiff') out = out.tiff({ compression: 'lzw' }); // sharp's default, JPEG-in-TIFF, is lossy and poorly supported
  else out = out.png();
  return { bytes: await out.toBuffer(), textHeight: plate.textHeight, shortestSide: plate.shortestSide, box: plate.box, font: plate.font };
}

/** The rhythm of the audio cue: Morse "AI" = · — · · (short long short short), in units. */
export const MORSE_AI: readonly ('dot' | 'dash')[] = ['dot', 'dash', 'dot', 'dot'];

/**
 * Prepends the "short long short short" cue to a 16-bit PCM WAV: 880 Hz tones of 1 and 3
 * units (120 ms) separated by one unit of silence, then three units of silence.
 */
export function morseCueWav(bytes: Uint8Array, unitMs = 120, freq = 880): Buffer {
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') throw new Error('not a WAV file');
  const chunks = riffChunks(bytes, 12, Math.min(bytes.length, u32le(bytes, 4) + 8));
  const fmt = chunks.find((c) => c.id === 'fmt ');
  const data = chunks.find((c) => c.id === 'data');
  if (!fmt || !data) throw new Error('WAV without fmt or data chunk');
  const format = u16le(fmt.data, 0);
  const channels = u16le(fmt.data, 2);
  const rate = u32le(fmt.data, 4);
  const bits = u16le(fmt.data, 14);
  if (!((format === 1 || format === 0xfffe) && bits === 16)) throw new Error('only 16-bit PCM WAV is supported for the audio cue');
  const cue = morseCuePcm(rate, channels, unitMs, freq);
  const newData = Buffer.concat([cue, data.data]);
  const parts: Buffer[] = [];
  for (const c of chunks) {
    if (c === data) parts.push(Buffer.from('data'), le32(newData.length), newData, newData.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0));
    else parts.push(Buffer.from(bytes.subarray(c.start, c.end)));
  }
  const body = Buffer.concat([Buffer.from('WAVE'), ...parts]);
  return Buffer.concat([Buffer.from('RIFF'), le32(body.length), body]);
}

/**
 * The cue as interleaved 16-bit little-endian PCM: 880 Hz tones of 1 (dot) and 3 (dash)
 * units separated by one unit of silence, then three units of silence before the content;
 * 5 ms fades so the tone edges do not click.
 */
export function morseCuePcm(rate: number, channels: number, unitMs = 120, freq = 880): Buffer {
  const unit = Math.round((rate * unitMs) / 1000);
  const plan: [boolean, number][] = [];
  MORSE_AI.forEach((m, i) => {
    if (i) plan.push([false, unit]);
    plan.push([true, m === 'dot' ? unit : 3 * unit]);
  });
  plan.push([false, 3 * unit]);
  const total = plan.reduce((a, [, n]) => a + n, 0);
  const cue = Buffer.alloc(total * channels * 2);
  let i = 0;
  const fade = Math.round(rate * 0.005);
  for (const [on, n] of plan) {
    for (let k = 0; k < n; k++, i++) {
      const env = on ? Math.min(1, k / fade, (n - 1 - k) / fade) : 0;
      const v = Math.round(0.3 * 32767 * env * Math.sin((2 * Math.PI * freq * k) / rate));
      for (let c = 0; c < channels; c++) cue.writeInt16LE(v, (i * channels + c) * 2);
    }
  }
  return cue;
}

/** A minimal 16-bit PCM WAV around `pcm` (the cue handed to ffmpeg for compressed audio). */
export function pcmWav(pcm: Buffer, rate: number, channels: number): Buffer {
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  return Buffer.concat([Buffer.from('RIFF'), le32(36 + pcm.length), Buffer.from('WAVEfmt '), le32(16), fmt, Buffer.from('data'), le32(pcm.length), pcm]);
}
