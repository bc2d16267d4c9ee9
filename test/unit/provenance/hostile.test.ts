import fc from 'fast-check';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { samplePng } from '../../../src/documents/samples.js';
import { serializeGbLabel } from '../../../src/provenance/gb45438.js';
import { inspect } from '../../../src/provenance/inspect.js';
import { writeLabel } from '../../../src/provenance/label.js';
import { buildXmp } from '../../../src/provenance/xmp.js';
import { docxSample, pdfSample, wavSample, withTextChunks } from './support.js';

const LABEL = { Label: '1', ContentProducer: '001191110108MA01KP2T5U00000', ProduceID: 'p-9', ReservedCode1: '', ContentPropagator: '', PropagateID: '', ReservedCode2: '' };
const MAGICS = [
  [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a],
  [0xff, 0xd8, 0xff, 0xe1],
  [...Buffer.from('GIF89a')],
  [...Buffer.from('RIFF\x10\x00\x00\x00WEBP')],
  [...Buffer.from('RIFF\x10\x00\x00\x00WAVE')],
  [...Buffer.from('II*\x00\x08\x00\x00\x00')],
  [...Buffer.from('ID3\x04\x00\x00\x00\x00\x10\x00')],
  [...Buffer.from('fLaC')],
  [...Buffer.from('OggS')],
  [0, 0, 0, 0x18, ...Buffer.from('ftypisom')],
  [...Buffer.from('%PDF-1.7\n')],
  [...Buffer.from('PK\x03\x04')],
  [...Buffer.from('---\nAIGC: ')],
];

describe('hostile input never crashes the reader', () => {
  it('random bytes behind every magic number give a report, not an exception', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: MAGICS.length - 1 }), fc.uint8Array({ maxLength: 2048 }), async (k, tail) => {
        const b = Buffer.concat([Buffer.from(MAGICS[k]!), Buffer.from(tail)]);
        const r = await inspect(b);
        expect(Array.isArray(r.labels)).toBe(true);
        expect(r.summary.caveat).toBeTruthy();
      }),
      { numRuns: 600, seed: 45438 },
    );
  });

  it('every truncation of labelled files reads without throwing; the cut is reported', async () => {
    const files: [string, Buffer][] = [
      ['png', (await writeLabel(samplePng(1, 40, 30), LABEL)).bytes],
      ['jpg', (await writeLabel(await sharp(samplePng(1, 40, 30)).jpeg().toBuffer(), LABEL)).bytes],
      ['webp', (await writeLabel(await sharp(samplePng(1, 40, 30)).webp().toBuffer(), LABEL)).bytes],
      ['gif', (await writeLabel(await sharp(samplePng(1, 40, 30)).gif().toBuffer(), LABEL)).bytes],
      ['wav', (await writeLabel(wavSample(0.05), LABEL)).bytes],
      ['pdf', (await writeLabel(pdfSample(), LABEL)).bytes],
      ['docx', (await writeLabel(docxSample('正文'), LABEL, { filename: 'a.docx' })).bytes],
    ];
    for (const [ext, full] of files) {
      let reportedCut = 0;
      const step = Math.max(1, Math.floor(full.length / 150));
      for (let n = 1; n < full.length; n += step) {
        const r = await inspect(full.subarray(0, n), { filename: `a.${ext}` });
        if (r.problems.some((p) => ['truncated', 'corrupt', 'xmp_malformed'].includes(p.code))) reportedCut++;
      }
      // most cuts land inside a structure and are reported as such
      expect(reportedCut, ext).toBeGreaterThan(0);
    }
  });

  it('a 9 MB XMP packet is refused by size, quickly, with the reason', async () => {
    const huge = buildXmp(serializeGbLabel(LABEL)).replace('</rdf:RDF>', `<rdf:Description rdf:about="">${'<x:y xmlns:x="urn:x">pad</x:y>'.repeat(300_000)}</rdf:Description></rdf:RDF>`);
    const f = withTextChunks(samplePng(2, 8, 8), [['iTXt', 'XML:com.adobe.xmp', huge]]);
    const t0 = performance.now();
    const r = await inspect(f);
    expect(performance.now() - t0).toBeLessThan(3000);
    expect(r.problems.find((p) => p.code === 'xmp_too_large')?.location).toBe('PNG iTXt "XML:com.adobe.xmp"');
  });

  it('deeply nested XML is bounded', async () => {
    const deep = `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">${'<a>'.repeat(5000)}${'</a>'.repeat(5000)}</rdf:RDF></x:xmpmeta>`;
    const r = await inspect(withTextChunks(samplePng(2, 8, 8), [['iTXt', 'XML:com.adobe.xmp', deep]]));
    expect(r.problems.find((p) => p.code === 'xmp_malformed')?.message).toMatch(/nesting deeper/);
  });

  it('two different labels in one file are a conflict; the same label twice is a duplicate', async () => {
    const xmp = buildXmp(serializeGbLabel(LABEL));
    const conflict = withTextChunks(samplePng(3, 8, 8), [['iTXt', 'XML:com.adobe.xmp', xmp], ['tEXt', 'AIGC', serializeGbLabel({ ...LABEL, Label: '3' })]]);
    const r1 = await inspect(conflict);
    expect(r1.problems.find((p) => p.code === 'conflicting_labels')?.message).toMatch(/PNG tEXt "AIGC" \(Label 3\)/);
    expect(r1.summary.conflicting).toBe(true);
    const dup = withTextChunks(samplePng(3, 8, 8), [['iTXt', 'XML:com.adobe.xmp', xmp], ['tEXt', 'AIGC', serializeGbLabel(LABEL)]]);
    const r2 = await inspect(dup);
    expect(r2.problems.map((p) => p.code)).toContain('duplicate_label');
    expect(r2.summary.conflicting).toBe(false);
    // writing a label cleans both up: one label afterwards
    const fixed = await writeLabel(conflict, LABEL);
    expect(fixed.check.labels.filter((t) => t.kind === 'gb45438')).toHaveLength(1);
    expect(fixed.warnings.map((w) => w.code)).toContain('label_replaced');
  });

  it('a GB label saying AI next to an IPTC digital capture is flagged as contradictory', async () => {
    const xmp = buildXmp(serializeGbLabel(LABEL)).replace('</rdf:RDF>', '<rdf:Description rdf:about="" xmlns:Iptc4xmpExt="http://iptc.org/std/Iptc4xmpExt/2008-02-29/" Iptc4xmpExt:DigitalSourceType="http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture"/></rdf:RDF>');
    const r = await inspect(withTextChunks(samplePng(3, 8, 8), [['iTXt', 'XML:com.adobe.xmp', xmp]]));
    expect(r.problems.map((p) => p.code)).toContain('conflicting_traces');
    expect(r.summary.conflicting).toBe(true);
  });

  it('invalid JSON inside a real XMP label is located precisely', async () => {
    const xmp = buildXmp('{"Label":"1","ContentProducer":"x",,}');
    const r = await inspect(withTextChunks(samplePng(4, 8, 8), [['iTXt', 'XML:com.adobe.xmp', xmp]]));
    const t = r.labels.find((x) => x.kind === 'gb45438')!;
    expect(t.location).toBe('PNG iTXt "XML:com.adobe.xmp" › TC260:AIGC');
    expect(t.problems[0]).toMatchObject({ code: 'invalid_json', severity: 'error' });
  });

  it('a PNG chunk with a wrong CRC is reported and still read', async () => {
    const f = withTextChunks(samplePng(4, 8, 8), [['tEXt', 'AIGC', serializeGbLabel(LABEL)]]);
    const at = f.indexOf('AIGC') + 10;
    f[at] = f[at]! ^ 0x01; // flip a bit inside the chunk data
    const r = await inspect(f);
    expect(r.problems.map((p) => p.code)).toContain('bad_crc');
  });

  it('a zip bomb entry in a DOCX is refused by its declared size', async () => {
    const { writeZip, zipEntry } = await import('../../../src/provenance/formats/zip.js');
    const bomb = zipEntry('word/document.xml', Buffer.alloc(20 * 1024 * 1024, 0x41));
    const f = writeZip([zipEntry('[Content_Types].xml', Buffer.from('<Types/>')), bomb]);
    const r = await inspect(f, { filename: 'bomb.docx' });
    expect(r.problems.find((p) => p.location === 'word/document.xml')?.message).toMatch(/inflates to/);
  });
});
