import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseProbe } from '../../../src/provenance/explicit-media.js';
import { inspect } from '../../../src/provenance/inspect.js';
import { writeLabel } from '../../../src/provenance/label.js';
import { FfmpegTool } from '../../../src/repositories/ffmpeg.tool.js';
import { exiftool, haveTool } from './support.js';

/**
 * The explicit labels that need re-encoding, written with the @ffmpeg-installer ffmpeg and
 * checked with Debian's ffmpeg/ffprobe and exiftool: what a viewer sees in the frames, what a
 * listener hears in the decoded samples, and that the implicit label survives.
 */
const tools = haveTool('ffmpeg') && haveTool('ffprobe') && haveTool('exiftool');
const LABEL = { Label: '1', ContentProducer: 'CAMPUS-AI-0001', ProduceID: 'job-7', ReservedCode1: '', ContentPropagator: '', PropagateID: '', ReservedCode2: '' };
const media = new FfmpegTool();
const dir = mkdtempSync(path.join(tmpdir(), 'cws-aigc-media-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ff(args: string[]): Buffer {
  const r = spawnSync('ffmpeg', ['-v', 'error', '-nostdin', ...args], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`ffmpeg ${args.join(' ')}: ${r.stderr.toString()}`);
  return r.stdout;
}
function put(name: string, b: Uint8Array): string {
  const f = path.join(dir, name);
  writeFileSync(f, b);
  return f;
}
function probe(file: string) {
  const r = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-show_entries', 'format=duration:stream=codec_type,codec_name,nb_read_frames,width,height,sample_rate,channels', '-of', 'json', file], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as { format: { duration: string }; streams: { codec_type: string; codec_name: string; nb_read_frames?: string; width?: number; height?: number; sample_rate?: string; channels?: number }[] };
}
/** One decoded frame at `t` seconds as RGB24. */
const frame = (file: string, t: number) => ff(['-ss', String(t), '-i', file, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
/** Mean absolute difference of two RGB frames inside a rectangle. */
function meanDiff(a: Buffer, b: Buffer, w: number, box: { left: number; top: number; width: number; height: number }): number {
  let sum = 0;
  let n = 0;
  for (let y = box.top; y < box.top + box.height; y++)
    for (let x = box.left; x < box.left + box.width; x++)
      for (let c = 0; c < 3; c++, n++) sum += Math.abs(a[(y * w + x) * 3 + c]! - b[(y * w + x) * 3 + c]!);
  return sum / n;
}

describe.skipIf(!tools)('explicit video label', () => {
  const W = 480;
  const H = 270;
  const src = put('src.mp4', Buffer.alloc(0));
  ff(['-f', 'lavfi', '-i', `testsrc=size=${W}x${H}:rate=25:duration=6`, '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', '-y', src]);

  it('shows the label at the chosen corner for the first 3 s only; streams, frames and duration are kept; exiftool reads the implicit label', async () => {
    const original = readFileSync(src);
    const r = await writeLabel(original, LABEL, { filename: 'clip.mp4', videoText: { corner: 'top-left' }, media });
    expect(r.explicit).toMatch(/top-left corner for the first 3 s/);
    const out = put('out.mp4', r.bytes);
    const [p0, p1] = [probe(src), probe(out)];
    expect(p1.streams.map((s) => [s.codec_type, s.codec_name])).toEqual(p0.streams.map((s) => [s.codec_type, s.codec_name]));
    expect(p1.streams[0]!.nb_read_frames).toBe(p0.streams[0]!.nb_read_frames);
    expect([p1.streams[0]!.width, p1.streams[0]!.height]).toEqual([W, H]);
    expect(Math.abs(Number(p1.format.duration) - Number(p0.format.duration))).toBeLessThan(0.1);
    // The label's text height: at least 5 % of the shortest side (14 px of 270), read from the report
    const m = /(\d+) px high \(shortest side (\d+) px\)/.exec(r.explicit!)!;
    expect(Number(m[2])).toBe(H);
    expect(Number(m[1])).toBeGreaterThanOrEqual(Math.ceil(0.05 * H));
    // Where the plate is: the top-left corner region (found by difference, not taken from our own report)
    const corner = { left: 0, top: 0, width: Math.round(W * 0.3), height: Math.round(H * 0.12) };
    const rest = { left: 0, top: Math.round(H * 0.3), width: W, height: Math.round(H * 0.7) };
    for (const t of [0, 0.5, 1.5, 2.5]) {
      const [a, b] = [frame(src, t), frame(out, t)];
      expect(meanDiff(a, b, W, corner), `label visible at ${t} s`).toBeGreaterThan(25);
      expect(meanDiff(a, b, W, rest), `rest of the frame unchanged at ${t} s`).toBeLessThan(3);
    }
    for (const t of [3.5, 5]) {
      const [a, b] = [frame(src, t), frame(out, t)];
      expect(meanDiff(a, b, W, corner), `label gone at ${t} s`).toBeLessThan(3);
    }
    // the implicit label, after the re-encoding, read by exiftool and by us
    expect(exiftool(r.bytes, 'mp4')['Keys:AIGC']).toBe(r.value);
    const labels = (await inspect(r.bytes, { filename: 'clip.mp4' })).labels.filter((t) => t.kind === 'gb45438');
    expect(labels).toHaveLength(1);
    expect(labels[0]).toMatchObject({ valid: true, labelValue: '1' });
    expect(spawnSync('ffmpeg', ['-v', 'error', '-i', out, '-f', 'null', '-']).stderr.toString().trim()).toBe('');
  });

  it('lays the label out for the displayed frame of a portrait (rotated) phone video', async () => {
    const rotated = put('rot.mp4', Buffer.alloc(0));
    ff(['-i', src, '-t', '3', '-c', 'copy', '-metadata:s:v:0', 'rotate=90', '-y', rotated]);
    const r = await writeLabel(readFileSync(rotated), LABEL, { filename: 'rot.mp4', videoText: { corner: 'bottom-right', seconds: 2 }, media });
    expect(r.explicit).toMatch(/for the first 2 s/);
    const out = put('rot-out.mp4', r.bytes);
    // Debian's ffmpeg shows it upright (270 wide, 480 high): the plate sits at its bottom right
    const shown = frame(out, 0.5);
    const orig = frame(rotated, 0.5);
    expect(shown.length).toBe(W * H * 3);
    const bottomRight = { left: Math.round(H * 0.55), top: Math.round(W * 0.9), width: H - Math.round(H * 0.55), height: W - Math.round(W * 0.9) };
    expect(meanDiff(orig, shown, H, bottomRight)).toBeGreaterThan(25);
    expect(meanDiff(orig, shown, H, { left: 0, top: 0, width: H, height: Math.round(W * 0.7) })).toBeLessThan(3);
  });

  it('refuses what it cannot label, precisely', async () => {
    await expect(writeLabel(readFileSync(src), LABEL, { filename: 'clip.mp4', videoText: {} })).rejects.toMatchObject({ code: 'cannot_write', message: /needs ffmpeg/ });
    await expect(writeLabel(readFileSync(src), LABEL, { videoText: { seconds: 1 }, media })).rejects.toMatchObject({ code: 'cannot_write', message: /between 2 and 600 seconds/ });
    const m4a = put('a.m4a', Buffer.alloc(0));
    ff(['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'aac', '-y', m4a]);
    await expect(writeLabel(readFileSync(m4a), LABEL, { videoText: {}, media })).rejects.toMatchObject({ code: 'cannot_write', message: /no video stream/ });
    await expect(writeLabel(Buffer.from('GIF89a\x01\x00\x01\x00\x00\x00\x00;', 'latin1'), LABEL, { videoText: {}, media })).rejects.toMatchObject({ code: 'unsupported_format' });
    // a cut MP4: ffmpeg's complaint is passed on, nothing is returned
    await expect(writeLabel(readFileSync(src).subarray(0, 3000), LABEL, { videoText: {}, media })).rejects.toMatchObject({ code: 'cannot_write' });
    // the host's problems say so: no ffmpeg, or too slow (and the temporary files go away)
    await expect(writeLabel(readFileSync(src), LABEL, { videoText: {}, media: new FfmpegTool(60_000, null) })).rejects.toMatchObject({ code: 'cannot_write', message: /^tool_missing: ffmpeg is not available/ });
    const before = readdirSync(tmpdir()).filter((n) => n.startsWith('cws-media-')).length;
    // 1 ms: no ffmpeg run is that fast, so the limit always trips (300 ms did not, on a quiet machine).
    await expect(writeLabel(readFileSync(src), LABEL, { videoText: {}, media: new FfmpegTool(1) })).rejects.toMatchObject({ code: 'cannot_write', message: /^timeout: ffmpeg took longer than/ });
    expect(readdirSync(tmpdir()).filter((n) => n.startsWith('cws-media-')).length).toBeLessThanOrEqual(before);
  });
});

/** 5 ms RMS envelope of 16-bit mono PCM at `rate`, as on/off runs in ms. */
function runs(pcm: Buffer, rate: number): { on: boolean; ms: number }[] {
  const win = Math.round(rate * 0.005);
  const out: { on: boolean; ms: number }[] = [];
  for (let i = 0; i + win <= pcm.length / 2; i += win) {
    let e = 0;
    for (let k = i; k < i + win; k++) e += pcm.readInt16LE(2 * k) ** 2;
    const on = Math.sqrt(e / win) > 0.05 * 32768;
    const last = out[out.length - 1];
    if (last && last.on === on) last.ms += 5;
    else out.push({ on, ms: 5 });
  }
  return out;
}

describe.skipIf(!tools)('audio cue in compressed audio', () => {
  it.each([
    ['mp3', ['-c:a', 'libmp3lame', '-b:a', '128k'], 'mp3', 'ID3v2_4:UserDefinedText'],
    ['flac', ['-c:a', 'flac'], 'flac', 'Vorbis:Aigc'],
    ['ogg', ['-c:a', 'libvorbis'], 'vorbis', 'Vorbis:Aigc'],
    ['opus', ['-c:a', 'libopus'], 'opus', 'Vorbis:Aigc'],
    ['m4a', ['-c:a', 'aac'], 'aac', 'Keys:AIGC'],
  ] as const)('%s: "short long short short" at the start, then the original; same codec; implicit label readable', async (ext, enc, codec, exifKey) => {
    const src = put(`src.${ext}`, Buffer.alloc(0));
    ff(['-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100:duration=2', '-ac', '2', ...enc, '-y', src]);
    const r = await writeLabel(readFileSync(src), LABEL, { filename: `a.${ext}`, audioCue: true, media });
    expect(r.explicit).toMatch(/short long short short/);
    const out = put(`out.${ext}`, r.bytes);
    const [p0, p1] = [probe(src), probe(out)];
    expect(p1.streams.map((s) => [s.codec_type, s.codec_name, s.channels])).toEqual([['audio', codec, 2]]);
    expect(p1.streams[0]!.sample_rate).toBe(p0.streams[0]!.sample_rate);
    // 12 units of 120 ms were added
    expect(Number(p1.format.duration) - Number(p0.format.duration)).toBeCloseTo(1.44, 1);
    // decode the first 2.2 s as Debian's ffmpeg hears them and read the envelope
    const rate = 16000;
    const pcm = ff(['-i', out, '-t', '2.2', '-ac', '1', '-ar', String(rate), '-f', 's16le', 'pipe:1']);
    const env = runs(pcm, rate).filter((x, i, all) => !(i === 0 && !x.on && x.ms <= 40) || all.length === 1);
    const pattern = env.slice(0, 9).map((x) => [x.on, x.ms] as const);
    const near = (ms: number, want: number) => Math.abs(ms - want) <= 25;
    const expected: [boolean, number][] = [[true, 120], [false, 120], [true, 360], [false, 120], [true, 120], [false, 120], [true, 120], [false, 360], [true, 0]];
    expect(pattern.map(([on]) => on)).toEqual(expected.map(([on]) => on));
    for (let i = 0; i < 8; i++) expect(near(pattern[i]![1], expected[i]![1]), `run ${i}: ${pattern[i]![1]} ms, expected ${expected[i]![1]}`).toBe(true);
    const tags = exiftool(r.bytes, ext);
    expect(Object.entries(tags).find(([k]) => k === exifKey)?.[1]).toBe(exifKey.endsWith('UserDefinedText') ? `(AIGC) ${r.value}` : r.value);
    const labels = (await inspect(r.bytes, { filename: `a.${ext}` })).labels.filter((t) => t.kind === 'gb45438');
    expect(labels.map((t) => t.location.length > 0 && (t as { valid?: boolean }).valid)).toEqual([true]);
  });

  it('refuses video files, codecs it cannot re-encode, and works without ffmpeg only for WAV', async () => {
    const mp4 = put('v.mp4', Buffer.alloc(0));
    ff(['-f', 'lavfi', '-i', 'testsrc=size=64x48:duration=1', '-c:v', 'libx264', '-y', mp4]);
    await expect(writeLabel(readFileSync(mp4), LABEL, { audioCue: true, media })).rejects.toMatchObject({ code: 'cannot_write', message: /use the video label/ });
    const mp3 = put('n.mp3', Buffer.alloc(0));
    ff(['-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libmp3lame', '-y', mp3]);
    await expect(writeLabel(readFileSync(mp3), LABEL, { audioCue: true })).rejects.toMatchObject({ code: 'cannot_write', message: /needs ffmpeg/ });
  });
});

describe('reading ffmpeg\'s description of a file', () => {
  it('finds size, rotation, cover art and audio parameters in both ffmpeg generations', () => {
    const old = `Input #0, mov,mp4,m4a,3gp,3g2,mj2, from 'in.mp4':
  Duration: 00:01:02.50, start: 0.000000, bitrate: 1205 kb/s
    Stream #0:0(und): Video: h264 (High) (avc1 / 0x31637661), yuv420p(tv, bt709), 1920x1080 [SAR 1:1 DAR 16:9], 1000 kb/s, 30 fps (default)
    Metadata:
      rotate          : 90
      handler_name    : VideoHandler
    Stream #0:1(und): Audio: aac (LC) (mp4a / 0x6134706D), 48000 Hz, 5.1(side), fltp, 192 kb/s (default)`;
    expect(parseProbe(old)).toEqual({ duration: 62.5, video: { index: 0, codec: 'h264', width: 1920, height: 1080, rotation: 90 }, audio: [{ index: 1, codec: 'aac', rate: 48000, channels: 6, layout: '5.1(side)', sampleFormat: 'fltp', kbps: 192 }] });
    const newer = `Input #0, mp3, from 'in.mp3':
  Duration: 00:00:03.03, start: 0.025057, bitrate: 129 kb/s
  Stream #0:0: Audio: mp3, 44100 Hz, stereo, fltp, 128 kb/s
  Stream #0:1: Video: png, rgb24(pc), 300x300, 90k tbr, 90k tbn (attached pic)
  Stream #0:2[0x1](und): Video: hevc (Main), yuv420p(tv), 720x1280, 30 fps
      Side data:
        displaymatrix: rotation of -90.00 degrees`;
    const p = parseProbe(newer);
    expect(p.video).toEqual({ index: 2, codec: 'hevc', width: 720, height: 1280, rotation: 270 });
    expect(p.audio[0]).toMatchObject({ codec: 'mp3', channels: 2, rate: 44100 });
    expect(parseProbe('garbage\nStream #0:0: Video: h264, no size here')).toEqual({ duration: null, video: null, audio: [] });
  });
});
