import { detectFormat, type Format } from './detect-format.js';
import { writeFlac, writeWav } from './formats/audio.js';
import { writeBmff } from './formats/bmff.js';
import { writeDocx } from './formats/docx.js';
import { writeGif } from './formats/gif.js';
import { writeMp3 } from './formats/id3.js';
import { writeOgg } from './formats/ogg-write.js';
import { writeJpeg } from './formats/jpeg.js';
import { writePdf } from './formats/pdf.js';
import { writePng } from './formats/png.js';
import { writeTiff } from './formats/tiff-write.js';
import { addTextMarker, DEFAULT_TEXT_MARKER, writeFrontMatter } from './formats/text.js';
import { writeWebp } from './formats/webp.js';
import { explicitImageLabel, morseCueWav, type Corner } from './explicit.js';
import { audioCueCompressed, explicitVideoLabel, type VideoLabelOptions } from './explicit-media.js';
import { checkLabelInput, serializeGbLabel, type GbLabelInput } from './gb45438.js';
import { inspect } from './inspect.js';
import { MediaToolError, type MediaTool } from './media-tool.js';
import type { InspectReport, Problem } from './types.js';
import { mergeXmp } from './xmp.js';

/** Where we put the implicit label, per format (docs/aigc.md has the reasons). */
export const CARRIERS: Partial<Record<Format, string>> = {
  png: 'XMP packet (iTXt "XML:com.adobe.xmp"), property TC260:AIGC',
  jpeg: 'XMP packet (APP1), property TC260:AIGC',
  webp: 'XMP chunk, property TC260:AIGC',
  gif: 'XMP application extension, property TC260:AIGC',
  tiff: 'XMP packet (IFD0 tag 700), property TC260:AIGC',
  wav: 'XMP packet (_PMX chunk), property TC260:AIGC',
  mp3: 'ID3v2 TXXX frame "AIGC"',
  flac: 'Vorbis comment AIGC=',
  ogg: 'Vorbis comment AIGC= of each audio stream (remuxed by ffmpeg, packets copied)',
  bmff: 'moov/udta/meta keys + ilst, key "AIGC" (mdta)',
  pdf: 'document information dictionary /AIGC (incremental update)',
  docx: 'custom document property "AIGC" (docProps/custom.xml)',
  markdown: 'YAML front matter key AIGC',
};

export class LabelError extends Error {
  constructor(
    readonly code: 'invalid_label' | 'unsupported_format' | 'cannot_write' | 'verify_failed',
    message: string,
    readonly problems: Problem[] = [],
  ) {
    super(message);
    this.name = 'LabelError';
  }
}

export interface LabelOptions {
  filename?: string;
  /** Also write the IPTC digital source type (trainedAlgorithmicMedia) in XMP carriers; default: when Label is "1". */
  iptc?: boolean;
  /** Add an explicit marker to text files (start or end); default none. */
  textMarker?: { text?: string; position?: 'start' | 'end' };
  /** Visible label on images (text ≥ 5 % of the shortest side, at a corner); the image is re-encoded. */
  imageText?: { text?: string; corner?: Corner };
  /** The "short long short short" cue at the start of the audio (16-bit PCM WAV here; MP3, FLAC, Ogg, M4A through `media`). */
  audioCue?: boolean;
  /** Visible label over the first seconds (default 3, at least 2) of an MP4/MOV video; re-encoded through `media`. */
  videoText?: VideoLabelOptions;
  /** ffmpeg, for the explicit labels that re-encode (video, compressed audio) and for Ogg metadata. */
  media?: MediaTool;
}

export interface LabelResult {
  bytes: Buffer;
  format: string;
  carrier: string;
  value: string;
  /** What explicit label was added, if any. */
  explicit?: string;
  warnings: Problem[];
  /** Our own reader's view of the written file (it must find exactly the label we wrote). */
  check: InspectReport;
}

const UNSUPPORTED: Partial<Record<Format, string>> = {
  text: 'plain text has no metadata: add an explicit marker (textMarker), or save it as Markdown to carry front matter',
  zip: 'a plain ZIP has no metadata carrier',
  unknown: 'the file format was not recognised',
};

/**
 * Writes the GB 45438-2025 implicit label into a file, in the carrier that file type uses,
 * replacing any earlier label so the file carries exactly one; then reads the result back
 * with our reader and refuses to return a file on which it does not find that label.
 */
function needMedia(media: MediaTool | undefined, what: string): MediaTool {
  if (!media) throw new LabelError('cannot_write', `${what} needs ffmpeg to re-encode the file, and none was given`);
  return media;
}

export async function writeLabel(input: Uint8Array, label: GbLabelInput, opts: LabelOptions = {}): Promise<LabelResult> {
  const problems = checkLabelInput(label as Record<string, unknown>);
  if (problems.some((p) => p.severity === 'error')) throw new LabelError('invalid_label', problems.map((p) => p.message).join('; '), problems);
  let bytes = input;
  let format = detectFormat(bytes, opts.filename);
  const value = serializeGbLabel(label);
  let explicit: string | undefined;
  try {
    if (opts.imageText) {
      if (!['png', 'jpeg', 'webp', 'gif', 'tiff'].includes(format)) throw new LabelError('unsupported_format', `a visible label can be drawn on PNG, JPEG, WebP, GIF and TIFF images, not ${format}`);
      const r = await explicitImageLabel(bytes, opts.imageText);
      bytes = r.bytes;
      format = detectFormat(bytes, opts.filename);
      explicit = `visible text at the ${opts.imageText.corner ?? 'bottom-right'} corner, ${r.textHeight} px high (shortest side ${r.shortestSide} px)`;
    }
    if (opts.videoText) {
      if (format !== 'bmff') throw new LabelError('unsupported_format', `a visible video label can be drawn on MP4 and MOV videos, not ${format}`);
      const r = await explicitVideoLabel(bytes, needMedia(opts.media, 'the video label'), opts.videoText);
      bytes = r.bytes;
      explicit = `visible text at the ${opts.videoText.corner ?? 'bottom-right'} corner for the first ${r.seconds} s, ${r.textHeight} px high (shortest side ${r.shortestSide} px); video re-encoded with H.264, audio copied`;
    }
    if (opts.audioCue) {
      if (format === 'wav') bytes = morseCueWav(bytes);
      else if (format === 'mp3' || format === 'flac' || format === 'ogg' || format === 'bmff') bytes = (await audioCueCompressed(bytes, format, needMedia(opts.media, 'the audio cue for compressed audio'))).bytes;
      else throw new LabelError('unsupported_format', `the audio cue is added to WAV, MP3, FLAC, Ogg and M4A audio, not ${format}`);
      explicit = `audio cue "short long short short" (Morse AI) at the start${format === 'wav' ? '' : ', audio re-encoded with its original codec'}`;
    }
  } catch (e) {
    if (e instanceof LabelError) throw e;
    throw new LabelError('cannot_write', e instanceof MediaToolError ? `${e.reason}: ${e.message}` : (e as Error).message);
  }
  const before = await inspect(bytes, opts.filename ? { filename: opts.filename } : {});
  const warnings: Problem[] = [];
  if (before.labels.some((t) => t.kind === 'c2pa')) warnings.push({ code: 'c2pa_invalidated', severity: 'warning', message: 'the file carries a C2PA manifest; adding metadata breaks its hard binding, so the manifest will no longer validate' });
  if (before.labels.some((t) => t.kind === 'gb45438')) warnings.push({ code: 'label_replaced', severity: 'info', message: 'an earlier GB 45438 label was replaced' });
  const iptc = (opts.iptc ?? label.Label === '1') ? 'trainedAlgorithmicMedia' : undefined;
  const merge = (old: string | undefined) => mergeXmp(old, value, iptc);
  let out: Buffer;
  try {
    switch (format) {
      case 'png':
        out = writePng(bytes, merge);
        break;
      case 'jpeg':
        out = writeJpeg(bytes, merge);
        break;
      case 'webp':
        out = writeWebp(bytes, merge);
        break;
      case 'gif':
        out = writeGif(bytes, merge);
        break;
      case 'wav':
        out = writeWav(bytes, merge);
        break;
      case 'mp3':
        out = writeMp3(bytes, value);
        break;
      case 'flac':
        out = writeFlac(bytes, value);
        break;
      case 'bmff':
        out = writeBmff(bytes, value);
        break;
      case 'pdf':
        out = writePdf(bytes, value);
        break;
      case 'docx':
        out = writeDocx(bytes, value);
        break;
      case 'tiff':
        out = writeTiff(bytes, merge);
        break;
      case 'ogg':
        if (!opts.media) throw new LabelError('unsupported_format', 'writing Ogg needs ffmpeg (the comment header is re-paged by remuxing), and none was given');
        out = await writeOgg(bytes, value, opts.media);
        break;
      case 'markdown': {
        let text = Buffer.from(bytes).toString('utf8');
        if (opts.textMarker) text = addTextMarker(text, opts.textMarker.text ?? DEFAULT_TEXT_MARKER, opts.textMarker.position ?? 'start');
        out = Buffer.from(writeFrontMatter(text, value), 'utf8');
        break;
      }
      default:
        throw new LabelError('unsupported_format', UNSUPPORTED[format] ?? `writing ${format} is not supported`);
    }
  } catch (e) {
    if (e instanceof LabelError) throw e;
    throw new LabelError('cannot_write', e instanceof MediaToolError ? `${e.reason}: ${e.message}` : (e as Error).message);
  }
  const check = await inspect(out, opts.filename ? { filename: opts.filename } : {});
  const found = check.labels.filter((t) => t.kind === 'gb45438');
  if (found.length !== 1 || !found[0]!.valid || JSON.stringify(found[0]!.fields) !== value) {
    throw new LabelError('verify_failed', `after writing, our reader found ${found.length} label(s)${found[0] ? ` (${found[0].location}, valid: ${found[0].valid})` : ''} instead of the one written`, check.problems);
  }
  return { bytes: out, format: check.format, carrier: CARRIERS[format]!, value, ...(explicit ? { explicit } : {}), warnings, check };
}

/** Explicit label for text (GB 45438: "人工智能"/"AI" with "生成"/"合成", at the start or the end). */
export function labelText(text: string, position: 'start' | 'end' = 'start', marker = DEFAULT_TEXT_MARKER): string {
  return addTextMarker(text, marker, position);
}
