import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alignFingerprints, chromaprintRaw, compressFingerprint, decompressFingerprint } from '../../../src/fingerprint/chromaprint.js';
import { compareVideos } from '../../../src/fingerprint/video.js';
import { ffmpegPath, FingerprintFailure, MediaDecoder } from '../../../src/repositories/media.decoder.js';
import { Fingerprinter } from '../../../src/services/similarity.service.js';
import { makeZip } from '../../support/zip.js';
import { describeWithVectors } from '../ledger/vectors.js';
import { describeWithTools, run } from './tools.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'cws-fp-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const ff = (args: string[]) => execFileSync(ffmpegPath()!, ['-v', 'error', '-y', '-nostdin', ...args]);
const fpcalcRaw = (file: string) => run('fpcalc', ['-raw', file]).match(/FINGERPRINT=(.*)/)![1]!.split(',').map(Number);
const decoder = new MediaDecoder();
const fingerprinter = new Fingerprinter(decoder);

describeWithVectors('Chromaprint against the published fpcalc output', ['chromaprint/test.mp3', 'chromaprint/test.mp3.fpcalc.out'], (dir) => {
  describeWithTools('decoded with ffmpeg', ['ffmpeg'], () => {
    it('test.mp3: every raw value equals fpcalc 1.5.1 -raw, and the compressed string round-trips', async () => {
      const expected = readFileSync(path.join(dir, 'chromaprint/test.mp3.fpcalc.out'), 'utf8');
      const raw = expected.match(/FINGERPRINT=(.*)/)![1]!.split(',').map(Number);
      const { print } = await fingerprinter.compute(path.join(dir, 'chromaprint/test.mp3'), 'audio');
      expect(print.error).toBeUndefined();
      expect(print.chromaprint!.raw).toEqual(raw);
      expect(print.chromaprint!.duration).toBe(Number(expected.match(/DURATION=(\d+)/)![1]));
      expect(decompressFingerprint(print.chromaprint!.fingerprint).raw).toEqual(Uint32Array.from(raw));
    });
  });
});

describeWithTools('Chromaprint against Debian fpcalc on generated music', ['ffmpeg', 'fpcalc'], () => {
  const song = path.join(tmp, 'song.mp3');
  beforeAll(() => {
    // 45 s of changing chords with a beat: enough structure for a meaningful fingerprint.
    ff(['-f', 'lavfi', '-i', "aevalsrc='0.3*sin(2*PI*(220+55*mod(floor(t*2),5))*t)+0.2*sin(2*PI*(330+41*mod(floor(t),7))*t)+0.2*sin(2*PI*(660+20*mod(floor(t*4),3))*t)*exp(-8*mod(t,0.5))':s=44100:d=45", '-ac', '2', '-b:a', '192k', song]);
  });

  it('raw values and the compressed string equal fpcalc exactly', async () => {
    const { print } = await fingerprinter.compute(song, 'audio');
    expect(print.chromaprint!.raw).toEqual(fpcalcRaw(song));
    const fp = run('fpcalc', [song]).match(/FINGERPRINT=(.*)/)![1]!;
    expect(print.chromaprint!.fingerprint).toBe(fp);
    expect(compressFingerprint(Uint32Array.from(print.chromaprint!.raw))).toBe(fp);
  });

  it('aligns a re-encoded excerpt that starts 7 s in, with a low bit error rate; unrelated audio does not align', async () => {
    const cut = path.join(tmp, 'cut.mp3');
    ff(['-ss', '7', '-i', song, '-t', '25', '-ac', '1', '-b:a', '64k', cut]);
    const a = await fingerprinter.compute(cut, 'audio');
    const b = await fingerprinter.compute(song, 'audio');
    const al = alignFingerprints(Uint32Array.from(a.print.chromaprint!.raw), Uint32Array.from(b.print.chromaprint!.raw))!;
    expect(al.offsetSeconds).toBeGreaterThan(6.5);
    expect(al.offsetSeconds).toBeLessThan(7.5);
    expect(al.bitErrorRate).toBeLessThan(0.15);
    expect(al.segments.reduce((s, g) => s + g.endA - g.startA, 0)).toBeGreaterThan(15);
    const noise = path.join(tmp, 'noise.wav');
    ff(['-f', 'lavfi', '-i', 'anoisesrc=d=30:c=pink:a=0.3', noise]);
    const n = await fingerprinter.compute(noise, 'audio');
    const un = alignFingerprints(Uint32Array.from(n.print.chromaprint!.raw), Uint32Array.from(b.print.chromaprint!.raw));
    expect(un === null || un.bitErrorRate > 0.3).toBe(true);
  });

  it('the pure function needs ~3 s: shorter PCM gives no values', () => {
    expect(chromaprintRaw(new Int16Array(11025 * 2)).length).toBe(0);
  });
});

describeWithTools('video (vPDQ-style)', ['ffmpeg'], () => {
  const video = path.join(tmp, 'v.mp4');
  beforeAll(() => {
    ff(['-f', 'lavfi', '-i', 'testsrc2=size=320x180:rate=25:duration=12', '-f', 'lavfi', '-i', 'mandelbrot=size=320x180:rate=25', '-filter_complex', '[0:v][1:v]blend=all_mode=average:shortest=1', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', video]);
  });

  it('matches a re-encoded, resized copy and not a different video', async () => {
    const copy = path.join(tmp, 'copy.webm');
    ff(['-i', video, '-vf', 'scale=200:112', '-c:v', 'libvpx', '-b:v', '150k', '-deadline', 'realtime', copy]);
    const other = path.join(tmp, 'other.mp4');
    ff(['-f', 'lavfi', '-i', 'life=size=320x240:rate=25:mold=10:ratio=0.2:death_color=#203040:life_color=#e0c080', '-t', '12', '-pix_fmt', 'yuv420p', '-c:v', 'libx264', '-preset', 'ultrafast', other]);
    const [a, b, c] = await Promise.all([video, copy, other].map((f) => fingerprinter.compute(f, 'video')));
    expect(a!.print.video!.frames.length).toBeGreaterThan(5);
    const same = compareVideos(b!.print.video!.frames, a!.print.video!.frames);
    expect(same.matchA).toBeGreaterThan(0.8);
    const diff = compareVideos(c!.print.video!.frames, a!.print.video!.frames);
    expect(diff.matchA).toBeLessThan(0.2);
  });
});

describe('bad input gives a clear "could not fingerprint" and never hangs', () => {
  it('truncated JPEG', async () => {
    const jpeg = await sharp({ create: { width: 400, height: 300, channels: 3, background: '#3366aa' } }).jpeg().toBuffer();
    const f = path.join(tmp, 'cut.jpg');
    writeFileSync(f, jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    const { print } = await fingerprinter.compute(f, 'image');
    expect(print.error).toMatch(/^could not fingerprint: corrupt or truncated image/);
    expect(print.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('decompression bomb: an image over the pixel limit is refused before decoding', async () => {
    const f = path.join(tmp, 'big.png');
    writeFileSync(f, await sharp({ create: { width: 3000, height: 3000, channels: 3, background: '#000' } }).png().toBuffer());
    const small = new Fingerprinter(new MediaDecoder({ ...decoder.limits, maxPixels: 1_000_000 }));
    const { print } = await small.compute(f, 'image');
    expect(print.error).toMatch(/could not fingerprint: .*(pixel|exceeds)/);
  });

  it('not an image at all', async () => {
    const f = path.join(tmp, 'fake.png');
    writeFileSync(f, Buffer.from('\x89PNG\r\n\x1a\n this is not a png'));
    expect((await fingerprinter.compute(f, 'image')).print.error).toMatch(/^could not fingerprint: /);
  });

  it('malformed and password-protected PDFs', async () => {
    const bad = path.join(tmp, 'bad.pdf');
    writeFileSync(bad, '%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF');
    expect((await fingerprinter.compute(bad, 'pdf')).print.error).toMatch(/^could not fingerprint: /);
    const enc = path.join(tmp, 'enc.pdf');
    writeFileSync(enc, encryptedPdf());
    expect((await fingerprinter.compute(enc, 'pdf')).print.error).toBe('could not fingerprint: the PDF is password-protected');
  });

  it('extracts text from a real PDF', async () => {
    const f = path.join(tmp, 'hello.pdf');
    writeFileSync(f, textPdf('Copyright workstation test document about campus registration'));
    const c = await fingerprinter.compute(f, 'pdf');
    expect(c.print.error).toBeUndefined();
    expect(c.text).toContain('campus registration');
  });

  it('DOCX: text from a real document; a ZIP bomb and a non-Word ZIP are refused', async () => {
    const docXml = (t: string) => Buffer.from(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>${t}</w:t></w:r></w:p></w:body></w:document>`);
    const parts = (xml: Buffer, declared?: number) => [
      { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>') },
      { name: '_rels/.rels', data: Buffer.from('<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>') },
      { name: 'word/document.xml', data: xml, ...(declared ? { declaredSize: declared } : {}) },
    ];
    const good = path.join(tmp, 'good.docx');
    writeFileSync(good, makeZip(parts(docXml('高校版权工作站测试文档'))));
    const g = await fingerprinter.compute(good, 'document');
    expect(g.print.error).toBeUndefined();
    expect(g.text).toContain('高校版权工作站测试文档');
    const bomb = path.join(tmp, 'bomb.docx');
    writeFileSync(bomb, makeZip(parts(docXml('x'), 3 * 1024 ** 3)));
    expect((await fingerprinter.compute(bomb, 'document')).print.error).toMatch(/could not fingerprint: .*(expands|DOCX)/);
    const notWord = path.join(tmp, 'plain.docx');
    writeFileSync(notWord, makeZip([{ name: 'a.txt', data: Buffer.from('hi') }]));
    expect((await fingerprinter.compute(notWord, 'document')).print.error).toMatch(/^could not fingerprint: not a Word document/);
  });

  it('GB18030 text files are decoded', async () => {
    const f = path.join(tmp, 'gbk.txt');
    writeFileSync(f, Buffer.from([0xb0, 0xe6, 0xc8, 0xa8, 0xb1, 0xa3, 0xbb, 0xa4])); // 版权保护
    expect((await fingerprinter.compute(f, 'text')).text).toBe('版权保护');
  });

  describeWithTools('media through ffmpeg', ['ffmpeg'], () => {
    it('truncated audio is fingerprinted as far as it goes; garbage is refused with a reason', async () => {
      const song = path.join(tmp, 'tone.mp3');
      ff(['-f', 'lavfi', '-i', "aevalsrc='0.4*sin(2*PI*(300+100*mod(floor(t*3),4))*t)':s=44100:d=20", song]);
      const whole = readFileSync(song);
      const cut = path.join(tmp, 'tone-cut.mp3');
      writeFileSync(cut, whole.subarray(0, Math.floor(whole.length * 0.6)));
      const c = await fingerprinter.compute(cut, 'audio');
      expect(c.print.error).toBeUndefined();
      expect(c.print.chromaprint!.raw.length).toBeGreaterThan(50);
      const junk = path.join(tmp, 'junk.mp3');
      writeFileSync(junk, Buffer.concat([Buffer.from('ID3'), Buffer.alloc(5000, 7)]));
      expect((await fingerprinter.compute(junk, 'audio')).print.error).toMatch(/^could not fingerprint: /);
      const junkVideo = path.join(tmp, 'junk.mp4');
      writeFileSync(junkVideo, Buffer.concat([Buffer.from([0, 0, 0, 0x18]), Buffer.from('ftypisom'), Buffer.alloc(4000, 3)]));
      expect((await fingerprinter.compute(junkVideo, 'video')).print.error).toMatch(/^could not fingerprint: /);
    });

    it('a decode that exceeds the time limit is killed', async () => {
      const long = path.join(tmp, 'long.wav');
      ff(['-f', 'lavfi', '-i', 'anoisesrc=d=600:c=white', '-ar', '44100', long]);
      const hasty = new Fingerprinter(new MediaDecoder({ ...decoder.limits, audioSeconds: 600, timeoutMs: 50 }));
      const t0 = Date.now();
      const r = await hasty.compute(long, 'audio');
      expect(r.print.error).toMatch(/could not fingerprint: ffmpeg took longer than/);
      expect(Date.now() - t0).toBeLessThan(5000);
    });
  });

  it('the decoder reports failures as FingerprintFailure', async () => {
    await expect(decoder.image(path.join(tmp, 'missing.png'))).rejects.toBeInstanceOf(FingerprintFailure);
  });
});

/** A one-page PDF with a Helvetica text line (hand-built, offsets computed). */
function textPdf(text: string): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    null,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  const stream = `BT /F1 12 Tf 72 720 Td (${text}) Tj ET`;
  objs[3] = `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`;
  return assemblePdf(objs as string[], '<< /Size 6 /Root 1 0 R >>');
}

/** A PDF whose trailer names a standard security handler with an unknown user password. */
function encryptedPdf(): Buffer {
  const objs = ['<< /Type /Catalog /Pages 2 0 R >>', '<< /Type /Pages /Kids [] /Count 0 >>', `<< /Filter /Standard /V 1 /R 2 /Length 40 /P -4 /O <${'11'.repeat(32)}> /U <${'22'.repeat(32)}> >>`];
  return assemblePdf(objs, `<< /Size 4 /Root 1 0 R /Encrypt 3 0 R /ID [<${'ab'.repeat(16)}> <${'ab'.repeat(16)}>] >>`);
}

function assemblePdf(objs: string[], trailer: string): Buffer {
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}trailer\n${trailer}\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}
