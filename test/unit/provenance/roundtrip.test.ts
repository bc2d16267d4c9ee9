import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../../../src/documents/samples.js';
import { inspect } from '../../../src/provenance/inspect.js';
import { LabelError, writeLabel } from '../../../src/provenance/label.js';
import type { Gb45438Trace } from '../../../src/provenance/types.js';
import { FfmpegTool } from '../../../src/repositories/ffmpeg.tool.js';
import { docxSample, exiftool, ffmpegDecodeErrors, ffmpegSample, ffprobeTags, haveTool, pdfSample, wavSample } from './support.js';

const LABEL = { Label: '1', ContentProducer: '001191110108MA01KP2T5U00000', ProduceID: 'cws-job-0042', ReservedCode1: '', ContentPropagator: '', PropagateID: '', ReservedCode2: '' };
const LABEL2 = { ...LABEL, Label: '2', ProduceID: 'cws-job-0043' };
const json = (l: typeof LABEL) => JSON.stringify(l);

const exif = haveTool('exiftool');
const ff = haveTool('ffmpeg') && haveTool('ffprobe');

/** The AIGC value exiftool reports, whatever group it files it under. */
function exiftoolAigc(tags: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [k, v] of Object.entries(tags)) {
    if (typeof v !== 'string') continue;
    if (/:aigc$/i.test(k)) out.push(v);
    else if (/UserDefinedText$/.test(k) && v.startsWith('(AIGC) ')) out.push(v.slice(7));
  }
  return out;
}

async function ourLabels(b: Uint8Array, filename: string): Promise<Gb45438Trace[]> {
  return (await inspect(b, { filename })).labels.filter((t): t is Gb45438Trace => t.kind === 'gb45438');
}

const png = samplePng(7, 160, 120);
const images: [string, () => Promise<Buffer>][] = [
  ['png', async () => png],
  ['jpg', () => sharp(png).jpeg().toBuffer()],
  ['webp', () => sharp(png).webp({ lossless: true }).toBuffer()],
  ['gif', () => sharp(png).gif().toBuffer()],
  ['tif', () => sharp(png).tiff({ compression: 'lzw' }).toBuffer()],
];

describe.skipIf(!exif)('GB 45438 implicit label: write → exiftool reads → our reader reads', () => {
  it.each(images)('%s keeps its pixels and carries exactly one label that exiftool reads as XMP-TC260:AIGC', async (ext, make) => {
    const src = await make();
    const out = (await writeLabel(src, LABEL, { filename: `a.${ext}` })).bytes;
    const tags = exiftool(out, ext);
    expect(exiftoolAigc(tags)).toEqual([json(LABEL)]);
    expect(Object.keys(tags).some((k) => k.startsWith('XMP-TC260:'))).toBe(true);
    expect(tags['XMP-iptcExt:DigitalSourceType']).toBe('http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia');
    expect(tags['ExifTool:Warning']).toBeUndefined();
    const ours = await ourLabels(out, `a.${ext}`);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.valid).toBe(true);
    expect(ours[0]!.fields).toEqual(LABEL);
    // the image itself is untouched
    const [a, b] = await Promise.all([sharp(src).raw().toBuffer(), sharp(out).raw().toBuffer()]);
    expect(b.equals(a)).toBe(true);
    // labelling again replaces the label instead of adding a second one
    const again = (await writeLabel(out, LABEL2, { filename: `a.${ext}` })).bytes;
    expect(exiftoolAigc(exiftool(again, ext))).toEqual([json(LABEL2)]);
    expect((await ourLabels(again, `a.${ext}`)).map((t) => t.labelValue)).toEqual(['2']);
  });

  it('WAV: the label goes into a _PMX XMP chunk that exiftool reads, and the audio stays decodable', async () => {
    const out = (await writeLabel(wavSample(), LABEL, { filename: 'a.wav' })).bytes;
    expect(exiftoolAigc(exiftool(out, 'wav'))).toEqual([json(LABEL)]);
    expect((await ourLabels(out, 'a.wav'))[0]!.fields).toEqual(LABEL);
    if (ff) expect(ffmpegDecodeErrors(out, 'wav')).toBe('');
  });

  it('PDF: an incremental update adds /AIGC to the Info dictionary; the original bytes stay a prefix', async () => {
    const src = pdfSample();
    const out = (await writeLabel(src, LABEL, { filename: 'a.pdf' })).bytes;
    expect(out.subarray(0, src.length).equals(src)).toBe(true);
    const tags = exiftool(out, 'pdf');
    expect(exiftoolAigc(tags)).toEqual([json(LABEL)]);
    expect(tags['PDF:Producer']).toBe('CWS test');
    expect(tags['ExifTool:Warning']).toBeUndefined();
    const again = (await writeLabel(out, LABEL2, { filename: 'a.pdf' })).bytes;
    expect(exiftoolAigc(exiftool(again, 'pdf'))).toEqual([json(LABEL2)]);
    const report = await inspect(again, { filename: 'a.pdf' });
    expect(report.labels.filter((t) => t.kind === 'gb45438').map((t) => (t as Gb45438Trace).labelValue)).toEqual(['2']);
    // the older revision's label is mentioned, not counted as a second label
    expect(report.problems.map((p) => p.code)).toContain('stale_label');
    expect(report.problems.map((p) => p.code)).not.toContain('conflicting_labels');
  });

  it('DOCX: a custom document property that exiftool reads; the body text is still extracted', async () => {
    const out = (await writeLabel(docxSample('第一段。\nSecond paragraph.'), LABEL, { filename: 'a.docx' })).bytes;
    expect(exiftoolAigc(exiftool(out, 'docx'))).toEqual([json(LABEL)]);
    const report = await inspect(out, { filename: 'a.docx' });
    expect((report.labels[0] as Gb45438Trace).fields).toEqual(LABEL);
    const again = (await writeLabel(out, LABEL2, { filename: 'a.docx' })).bytes;
    expect(exiftoolAigc(exiftool(again, 'docx'))).toEqual([json(LABEL2)]);
  });
});

describe.skipIf(!exif || !ff)('GB 45438 implicit label in audio and video: exiftool and ffprobe read it back', () => {
  it.each([
    ['mp3', 'ID3v2_4:UserDefinedText'],
    ['flac', 'Vorbis:Aigc'],
    ['m4a', 'Keys:AIGC'],
    ['mp4', 'Keys:AIGC'],
    ['ogg', 'Vorbis:Aigc'],
    ['opus', 'Vorbis:Aigc'],
  ] as const)('%s', async (ext, exifKey) => {
    const src = ffmpegSample(ext);
    // Ogg is remuxed by ffmpeg (the @ffmpeg-installer build, not the Debian one that reads it back)
    const media = new FfmpegTool();
    const out = (await writeLabel(src, LABEL, { filename: `a.${ext}`, media })).bytes;
    const tags = exiftool(out, ext);
    expect(exiftoolAigc(tags)).toEqual([json(LABEL)]);
    expect(Object.keys(tags)).toContain(exifKey);
    expect(tags['ExifTool:Warning']).toBeUndefined();
    expect(ffprobeTags(out, ext).AIGC).toBe(json(LABEL));
    expect(ffmpegDecodeErrors(out, ext)).toBe('');
    expect((await ourLabels(out, `a.${ext}`))[0]!.fields).toEqual(LABEL);
    const again = (await writeLabel(out, LABEL2, { filename: `a.${ext}`, media })).bytes;
    expect(ffprobeTags(again, ext).AIGC).toBe(json(LABEL2));
    expect(exiftoolAigc(exiftool(again, ext))).toEqual([json(LABEL2)]);
    expect(ffmpegDecodeErrors(again, ext)).toBe('');
  });

  it('mp4 with moov before mdat ("faststart"): chunk offsets move with the grown moov and the video still decodes', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync, readFileSync, writeFileSync } = await import('node:fs');
    const dir = mkdtempSync('/tmp/cws-aigc-fs-');
    writeFileSync(`${dir}/in.mp4`, ffmpegSample('mp4'));
    expect(spawnSync('ffmpeg', ['-v', 'error', '-i', `${dir}/in.mp4`, '-c', 'copy', '-movflags', '+faststart', '-y', `${dir}/fs.mp4`]).status).toBe(0);
    const src = readFileSync(`${dir}/fs.mp4`);
    expect(src.indexOf('moov')).toBeLessThan(src.indexOf('mdat'));
    const out = (await writeLabel(src, LABEL, { filename: 'fs.mp4' })).bytes;
    expect(ffprobeTags(out, 'mp4').AIGC).toBe(json(LABEL));
    expect(ffmpegDecodeErrors(out, 'mp4')).toBe('');
  });
});

describe('GB 45438 implicit label in text', () => {
  it('Markdown: front matter AIGC, kept beside other keys, replaced on relabel', async () => {
    const src = Buffer.from('---\ntitle: 校园随笔\n---\n# 标题\n正文。\n');
    const out = (await writeLabel(src, LABEL, { filename: 'a.md' })).bytes;
    expect(out.toString()).toContain('title: 校园随笔');
    expect((await ourLabels(out, 'a.md'))[0]!.fields).toEqual(LABEL);
    const again = (await writeLabel(out, LABEL2, { filename: 'a.md', textMarker: { position: 'end' } })).bytes;
    const labels = await ourLabels(again, 'a.md');
    expect(labels.map((t) => t.labelValue)).toEqual(['2']);
    expect(again.toString().trimEnd().endsWith('【本内容由人工智能生成 / AI-generated content】')).toBe(true);
  });

  it('refuses plain text, Ogg without ffmpeg, a cut TIFF and invalid labels with a precise error', async () => {
    await expect(writeLabel(Buffer.from('just text'), LABEL, { filename: 'a.txt' })).rejects.toMatchObject({ code: 'unsupported_format' });
    await expect(writeLabel(Buffer.from('OggS\0\x02' + '\0'.repeat(60), 'latin1'), LABEL)).rejects.toMatchObject({ code: 'unsupported_format', message: /needs ffmpeg/ });
    await expect(writeLabel(Buffer.from([0x49, 0x49, 42, 0, 8, 0, 0, 0, 9, 0, 0x00, 0x01, 3, 0]), LABEL)).rejects.toMatchObject({ code: 'cannot_write', message: /IFD0 is cut off/ });
    await expect(writeLabel(png, { ...LABEL, Label: '9' })).rejects.toMatchObject({ code: 'invalid_label' });
    await expect(writeLabel(png, { ...LABEL, ContentProducer: '某某大学' })).rejects.toBeInstanceOf(LabelError);
    await expect(writeLabel(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), LABEL)).rejects.toMatchObject({ code: 'cannot_write' });
  });
});
