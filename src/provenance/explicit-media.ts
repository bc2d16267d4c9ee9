import { ascii } from './bytes.js';
import { morseCuePcm, pcmWav, renderLabelPlate, type Corner } from './explicit.js';
import type { MediaTool } from './media-tool.js';

/**
 * Explicit labels that need re-encoding, done by ffmpeg through a MediaTool: the visible
 * label at the start of a video and the "short long short short" cue at the start of
 * compressed audio. The implicit label is written afterwards by the metadata writers.
 */

export interface AudioStreamInfo {
  index: number;
  codec: string;
  rate: number | null;
  channels: number | null;
  layout: string | null;
  sampleFormat: string | null;
  kbps: number | null;
}

export interface MediaInfo {
  duration: number | null;
  video: { index: number; codec: string; width: number; height: number; rotation: number } | null;
  audio: AudioStreamInfo[];
}

const LAYOUT_CHANNELS: Record<string, number> = { mono: 1, stereo: 2, '2.1': 3, '3.0': 3, quad: 4, '4.0': 4, '5.0': 5, '5.1': 6, '6.1': 7, '7.1': 8 };

/** Reads ffmpeg's description of an input (`ffmpeg -i`): duration, the first video stream that is not cover art, the audio streams. */
export function parseProbe(log: string): MediaInfo {
  const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(log);
  const info: MediaInfo = { duration: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : null, video: null, audio: [] };
  const lines = log.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^\s*Stream #0:(\d+)(?:\[0x[0-9a-f]+\])?(?:\([^)]*\))?: (Video|Audio): (.*)$/.exec(lines[i]!);
    if (!m) continue;
    const index = Number(m[1]);
    const rest = m[3]!;
    const codec = /^(\w+)/.exec(rest)?.[1] ?? 'unknown';
    if (m[2] === 'Video') {
      if (info.video || /attached pic/.test(rest)) continue;
      const size = /(?:^|[ ,])(\d{1,5})x(\d{1,5})(?=[ ,\]]|$)/.exec(rest);
      if (!size) continue;
      // Side data of this stream: older ffmpeg prints "rotate : 90", newer a display matrix.
      let rotation = 0;
      for (let k = i + 1; k < lines.length && !/^\s*Stream #/.test(lines[k]!); k++) {
        const r = /rotate\s*:\s*(-?\d+)/.exec(lines[k]!) ?? /rotation of (-?\d+(?:\.\d+)?) degrees/.exec(lines[k]!);
        if (r) rotation = ((Math.round(Number(r[1])) % 360) + 360) % 360;
      }
      info.video = { index, codec, width: Number(size[1]), height: Number(size[2]), rotation };
    } else {
      const rate = /(\d+) Hz/.exec(rest);
      const layout = /\d+ Hz, ([^,]+)/.exec(rest)?.[1]?.trim() ?? null;
      const n = layout ? (/^(\d+) channels/.exec(layout)?.[1] ?? LAYOUT_CHANNELS[layout.replace(/\(.*\)$/, '')]) : undefined;
      const fmt = /\d+ Hz, [^,]+, (\w+)/.exec(rest);
      const kbps = /(\d+) kb\/s/.exec(rest);
      info.audio.push({ index, codec, rate: rate ? Number(rate[1]) : null, channels: n === undefined ? null : Number(n), layout, sampleFormat: fmt?.[1] ?? null, kbps: kbps ? Number(kbps[1]) : null });
    }
  }
  return info;
}

export interface VideoLabelOptions {
  text?: string;
  corner?: Corner;
  /** How long the label stays visible from the first frame; GB 45438 asks for at least 2 s. */
  seconds?: number;
}

export interface VideoLabelResult {
  bytes: Buffer;
  textHeight: number;
  shortestSide: number;
  box: { left: number; top: number; width: number; height: number };
  seconds: number;
  duration: number | null;
}

export const DEFAULT_VIDEO_SECONDS = 3;

/** MOV files keep their QuickTime brand; everything else BMFF is written as MP4. */
const bmffExt = (b: Uint8Array): 'mov' | 'mp4' => (ascii(b, 4, 4) === 'ftyp' && ascii(b, 8, 4) === 'qt  ' ? 'mov' : 'mp4');

/**
 * Draws the visible label (the image label's plate: text ink ≥ 5 % of the shortest side, at
 * a corner) over the first `seconds` of an MP4/MOV video. The video stream is re-encoded
 * with H.264; audio and subtitles are copied; frame timing is passed through unchanged.
 */
export async function explicitVideoLabel(bytes: Uint8Array, tool: MediaTool, opts: VideoLabelOptions = {}): Promise<VideoLabelResult> {
  const ext = bmffExt(bytes);
  const input = `in.${ext}`;
  const info = parseProbe(await tool.probe(bytes, input));
  if (!info.video) throw new Error('the file has no video stream ffmpeg can read (for audio-only files use the audio cue)');
  const seconds = opts.seconds ?? DEFAULT_VIDEO_SECONDS;
  if (!(seconds >= 2 && seconds <= 600)) throw new Error('the label must stay visible between 2 and 600 seconds');
  const { width, height, rotation, index } = info.video;
  // ffmpeg rotates a portrait phone video upright before filtering, so the plate is laid out for the displayed frame.
  const turned = rotation === 90 || rotation === 270;
  const plate = await renderLabelPlate(turned ? height : width, turned ? width : height, opts);
  const { left, top } = plate.box;
  const out = `out.${ext}`;
  const result = await tool.run({
    inputs: [
      { name: input, bytes },
      { name: 'label.png', bytes: plate.png },
    ],
    output: out,
    args: (file) => [
      '-i', file(input),
      '-i', file('label.png'),
      '-filter_complex', `[0:${index}][1:v]overlay=x=${left}:y=${top}:eof_action=repeat:enable='between(t,0,${seconds})'[v]`,
      '-map', '[v]', '-map', '0:a?', '-map', '0:s?',
      '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18',
      '-c:a', 'copy', '-c:s', 'copy',
      '-vsync', 'passthrough',
      '-map_metadata', '0', '-movflags', '+faststart',
      file(out),
    ],
  });
  return { bytes: result, textHeight: plate.textHeight, shortestSide: plate.shortestSide, box: plate.box, seconds, duration: info.duration };
}

export type CueFormat = 'mp3' | 'flac' | 'ogg' | 'bmff';

/** Encoder settings that keep the original's codec and roughly its quality. */
function encoderArgs(format: CueFormat, a: AudioStreamInfo): { ext: string; args: string[] } {
  const kbps = `${Math.min(320, Math.max(64, a.kbps ?? 192))}k`;
  switch (format) {
    case 'mp3':
      return { ext: 'mp3', args: ['-c:a', 'libmp3lame', '-b:a', kbps] };
    case 'flac':
      return { ext: 'flac', args: ['-c:a', 'flac', ...(a.sampleFormat && /^s16/.test(a.sampleFormat) ? ['-sample_fmt', 's16'] : [])] };
    case 'ogg':
      if (a.codec === 'vorbis') return { ext: 'ogg', args: ['-c:a', 'libvorbis', '-b:a', kbps] };
      if (a.codec === 'opus') return { ext: 'ogg', args: ['-c:a', 'libopus', '-b:a', `${Math.min(256, Math.max(32, a.kbps ?? 96))}k`] };
      if (a.codec === 'flac') return { ext: 'ogg', args: ['-c:a', 'flac'] };
      break;
    case 'bmff':
      if (a.codec === 'aac') return { ext: 'm4a', args: ['-c:a', 'aac', '-b:a', kbps] };
      if (a.codec === 'alac') return { ext: 'm4a', args: ['-c:a', 'alac'] };
      break;
  }
  throw new Error(`the audio cue cannot be added to ${a.codec} audio in ${format === 'bmff' ? 'MP4' : format.toUpperCase()}`);
}

/**
 * Prepends the "short long short short" cue (the samples the WAV cue uses) to compressed
 * audio: the cue is synthesised at the file's rate and channel count, joined in front of the
 * decoded audio, and the whole is encoded again with the original codec; tags are copied.
 */
export async function audioCueCompressed(bytes: Uint8Array, format: CueFormat, tool: MediaTool, unitMs = 120): Promise<{ bytes: Buffer; cueSeconds: number }> {
  const inExt = format === 'bmff' ? 'm4a' : format;
  const input = `in.${inExt}`;
  const info = parseProbe(await tool.probe(bytes, input));
  if (info.video) throw new Error('the file has a video stream: use the video label (videoText) instead of the audio cue');
  const a = info.audio[0];
  if (!a) throw new Error('the file has no audio stream ffmpeg can read');
  const enc = encoderArgs(format, a);
  const rate = a.codec === 'opus' ? 48000 : (a.rate ?? 44100);
  const channels = Math.min(8, a.channels ?? 2);
  const pcm = morseCuePcm(rate, channels, unitMs);
  const layout = a.layout && /^[\w.()]+$/.test(a.layout) ? `:channel_layouts=${a.layout}` : '';
  const out = `out.${enc.ext}`;
  const result = await tool.run({
    inputs: [
      { name: 'cue.wav', bytes: pcmWav(pcm, rate, channels) },
      { name: input, bytes },
    ],
    output: out,
    args: (file) => [
      '-i', file('cue.wav'),
      '-i', file(input),
      '-filter_complex', `[0:a]aformat=sample_rates=${rate}${layout}[cue];[cue][1:${a.index}]concat=n=2:v=0:a=1[a]`,
      '-map', '[a]', ...enc.args,
      '-map_metadata', '1',
      file(out),
    ],
  });
  return { bytes: result, cueSeconds: pcm.length / (2 * channels * rate) };
}
