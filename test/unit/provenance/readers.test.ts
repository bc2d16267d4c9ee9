import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../../../src/documents/samples.js';
import { findTextMarkers } from '../../../src/provenance/formats/text.js';
import { parseGbLabel } from '../../../src/provenance/gb45438.js';
import { inspect } from '../../../src/provenance/inspect.js';
import type { ComfyTrace, ExifTrace, Gb45438Trace, IptcTrace, SdTrace } from '../../../src/provenance/types.js';
import { haveTool, withTextChunks } from './support.js';

const GOOD = { Label: '1', ContentProducer: '001191110108MA01KP2T5U00000', ProduceID: 'p-1', ReservedCode1: '', ContentPropagator: '', PropagateID: '', ReservedCode2: '' };

describe('GB 45438 label validation', () => {
  const at = 'test';
  it('accepts a complete label', () => {
    const t = parseGbLabel(JSON.stringify(GOOD), at);
    expect(t.valid).toBe(true);
    expect(t.ai).toBe('yes');
    expect(t.problems).toEqual([]);
  });
  it.each([
    ['{"Label":"1",', 'invalid_json'],
    ['[1,2]', 'not_object'],
    ['', 'empty'],
    [JSON.stringify({ ...GOOD, Label: '4' }), 'invalid_label_value'],
    [JSON.stringify({ ...GOOD, Label: 1 }), 'field_not_string'],
    [JSON.stringify({ Label: '1', ContentProducer: 'x' }), 'missing_field'],
    [JSON.stringify({ ...GOOD, ContentProducer: '某大学AI平台' }), 'value_not_ascii'],
    [JSON.stringify({ ...GOOD, Extra: 'x' }), 'unknown_field'],
    [JSON.stringify({ ...GOOD, ContentProducer: '', ContentPropagator: '' }), 'no_producer'],
    ['x'.repeat(70_000), 'too_large'],
  ].map(([raw, code]) => [code!, raw!] as const))('%s', (code, raw) => {
    const t = parseGbLabel(raw, at);
    expect(t.problems.map((p) => p.code)).toContain(code);
  });
  it('names the near-miss field a writer used instead of the standard one', () => {
    const { ReservedCode1: _r, ...rest } = GOOD;
    const t = parseGbLabel(JSON.stringify({ ...rest, ReserveCode1: '' }), at);
    expect(t.problems.find((p) => p.code === 'missing_field')!.message).toContain('ReserveCode1');
    expect(t.valid).toBe(false);
  });
  it('reads the Label of a label whose JSON is broken, and says where it broke', () => {
    const t = parseGbLabel('{"Label":"1","ContentProducer":"x" "ProduceID":""}', at);
    expect(t.labelValue).toBe('1');
    expect(t.problems[0]!.message).toMatch(/character \d+/);
  });
  it('unwraps {"AIGC": {...}} and AIGC=... with a warning', () => {
    expect(parseGbLabel(JSON.stringify({ AIGC: GOOD }), at).problems.map((p) => p.code)).toEqual(['wrapped']);
    expect(parseGbLabel(`AIGC=${JSON.stringify(GOOD)}`, at).problems.map((p) => p.code)).toEqual(['key_in_value']);
  });
});

describe('generator traces', () => {
  const png = samplePng(2, 64, 64);
  it('Stable Diffusion WebUI parameters', async () => {
    const f = withTextChunks(png, [['tEXt', 'parameters', 'a watercolour campus at dawn, soft light\nNegative prompt: blurry, text\nSteps: 28, Sampler: DPM++ 2M Karras, CFG scale: 6.5, Seed: 1234567, Size: 512x512, Model hash: 6ce0161689, Model: v1-5-pruned-emaonly']]);
    const t = (await inspect(f)).labels.find((x): x is SdTrace => x.kind === 'sd-parameters')!;
    expect(t.ai).toBe('yes');
    expect(t.prompt).toBe('a watercolour campus at dawn, soft light');
    expect(t.negativePrompt).toBe('blurry, text');
    expect(t.parameters).toMatchObject({ Steps: '28', Seed: '1234567', Model: 'v1-5-pruned-emaonly', 'CFG scale': '6.5' });
  });
  it('ComfyUI prompt and workflow graphs', async () => {
    const prompt = { '3': { class_type: 'KSampler', inputs: { seed: 5 } }, '6': { class_type: 'CLIPTextEncode', inputs: { text: 'library at night' } }, '4': { class_type: 'CheckpointLoaderSimple', inputs: {} } };
    const workflow = { nodes: [{ id: 6, type: 'CLIPTextEncode', widgets_values: ['library at night'] }, { id: 3, type: 'KSampler' }] };
    const f = withTextChunks(png, [['tEXt', 'prompt', JSON.stringify(prompt)], ['tEXt', 'workflow', JSON.stringify(workflow)]]);
    const ts = (await inspect(f)).labels.filter((x): x is ComfyTrace => x.kind === 'comfyui');
    expect(ts.map((t) => t.chunk).sort()).toEqual(['prompt', 'workflow']);
    expect(ts.every((t) => t.ai === 'yes')).toBe(true);
    expect(ts.find((t) => t.chunk === 'prompt')!.prompts).toEqual(['library at night']);
  });
  it('EXIF Software naming a generator (written by sharp)', async () => {
    const jpg = await sharp(png).jpeg().withExif({ IFD0: { Software: 'Midjourney v6', Artist: 'someone' } }).toBuffer();
    const t = (await inspect(jpg)).labels.find((x): x is ExifTrace => x.kind === 'exif')!;
    expect(t).toMatchObject({ tag: 'Software', generator: 'Midjourney', ai: 'yes' });
    expect(t.location).toBe('JPEG APP1 Exif › Software');
  });
  it('a camera JPEG has no traces, and the report still says absence proves nothing', async () => {
    const jpg = await sharp(png).jpeg().withExif({ IFD0: { Make: 'Canon', Model: 'EOS R6', Software: 'Firmware 1.8.1' } }).toBuffer();
    const r = await inspect(jpg);
    expect(r.labels).toEqual([]);
    expect(r.summary.aiDeclared).toBe(false);
    expect(r.summary.caveat).toMatch(/proves nothing/);
  });
});

const exif = haveTool('exiftool');
describe.skipIf(!exif)('traces written by exiftool (a writer nobody here wrote)', () => {
  const run = (args: string[], input: Buffer, ext: string) => {
    const dir = mkdtempSync(path.join(tmpdir(), 'cws-aigc-w-'));
    const file = path.join(dir, `f.${ext}`);
    writeFileSync(file, input);
    const r = spawnSync('exiftool', ['-overwrite_original', ...args, file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(r.stderr);
    return readFileSync(file);
  };
  it('EXIF UserComment holding a GB 45438 label (JPEG)', async () => {
    const jpg = await sharp(samplePng(3, 32, 32)).jpeg().toBuffer();
    const f = run([`-EXIF:UserComment=${JSON.stringify(GOOD)}`], jpg, 'jpg');
    const t = (await inspect(f)).labels.find((x): x is Gb45438Trace => x.kind === 'gb45438')!;
    expect(t.location).toBe('JPEG APP1 Exif › UserComment');
    expect(t.fields).toEqual(GOOD);
    expect(t.valid).toBe(true);
  });
  it('IPTC digital source type, AI system and prompt in XMP', async () => {
    const png = samplePng(4, 32, 32);
    const f = run(['-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/compositeWithTrainedAlgorithmicMedia'], png, 'png');
    const t = (await inspect(f)).labels.find((x): x is IptcTrace => x.kind === 'iptc')!;
    expect(t).toMatchObject({ code: 'compositeWithTrainedAlgorithmicMedia', ai: 'yes' });
    const cap = run(['-XMP-iptcExt:DigitalSourceType=http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture'], png, 'png');
    expect((await inspect(cap)).labels.find((x): x is IptcTrace => x.kind === 'iptc')).toMatchObject({ code: 'digitalCapture', ai: 'no' });
  });
  it('XMP CreatorTool naming a generator (TIFF tag 700)', async () => {
    const tif = await sharp(samplePng(5, 16, 16)).tiff().toBuffer();
    const f = run(['-XMP-xmp:CreatorTool=Adobe Firefly Image 3'], tif, 'tif');
    const t = (await inspect(f)).labels.find((x): x is ExifTrace => x.kind === 'exif')!;
    expect(t).toMatchObject({ generator: 'Adobe Firefly', ai: 'yes' });
    expect(t.location).toContain('XMP');
  });
});

describe('explicit text markers', () => {
  it.each([
    ['本内容由人工智能生成。\n\n校园里的银杏树在十一月变黄。', 'start'],
    ['A short essay about the library.\n\nThis text was generated by AI.', 'end'],
    ['AI生成：一首关于秋天的诗', 'start'],
  ])('%s → %s', (text, position) => {
    const [m] = findTextMarkers(text);
    expect(m).toMatchObject({ kind: 'text-marker', position, ai: 'yes' });
  });
  it('a phrase in the middle is only a hint', () => {
    const text = `${'这是一段很长的文字。'.repeat(20)}人们讨论AI生成内容的版权问题。${'更多的文字。'.repeat(30)}`;
    const [m] = findTextMarkers(text);
    expect(m).toMatchObject({ position: 'middle', ai: 'possible' });
  });
  it('no marker in ordinary text', () => {
    expect(findTextMarkers('图书馆今天开放到晚上十点。The library closes at ten.')).toEqual([]);
  });
});
