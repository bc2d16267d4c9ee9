import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { describe, expect, it } from 'vitest';
import { StatisticalDetector } from '../../../src/provenance/detector/builtin.js';
import { inspect } from '../../../src/provenance/inspect.js';
import { pdfText, PDF_TEXT_LIMITS, reflow } from '../../../src/provenance/pdf-text.js';
import { pdfSample } from './support.js';

const fixture = (file: string) =>
  readFileSync(path.join('test/fixtures/aigc/eval', file), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as { id: string; text: string });
const AI_EN = fixture('ai-en.jsonl')[0]!.text;

/** A PDF with `paragraphs` typeset in Helvetica, wrapped at ~80 characters, one page per paragraph. */
async function textPdf(paragraphs: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const p of paragraphs) {
    const page = doc.addPage([595, 842]);
    const lines: string[] = [];
    let line = '';
    for (const w of p.split(/\s+/)) {
      if ((line + ' ' + w).length > 80) {
        lines.push(line);
        line = w;
      } else line = line ? `${line} ${w}` : w;
    }
    lines.push(line);
    lines.forEach((l, i) => page.drawText(l, { x: 40, y: 800 - i * 14, size: 10, font }));
  }
  return Buffer.from(await doc.save());
}

const norm = (s: string) => s.replace(/\s+/g, ' ').trim();
const detector = new StatisticalDetector();

describe('PDF text for the detector', () => {
  it('scores the text layer of a PDF as it scores the same text given directly; pdftotext reads the same words', async () => {
    const pdf = await textPdf(['AI-generated content', AI_EN]);
    const report = await inspect(pdf, { filename: 'essay.pdf', detector });
    expect(report.format).toBe('pdf');
    expect(report.text).toBeDefined();
    expect(report.text!.detector).toBe(detector.name);
    expect(report.text!.language).toBe('en');
    const direct = await detector.detect(`AI-generated content\n\n${AI_EN}`);
    expect(Math.abs(report.text!.score - direct.score)).toBeLessThan(0.05);
    // the explicit marker on the first page is found too
    expect(report.labels.some((t) => t.kind === 'text-marker')).toBe(true);
    // an independent extractor (poppler) reads the same words
    const dir = mkdtempSync(path.join(tmpdir(), 'cws-pdftext-'));
    try {
      writeFileSync(path.join(dir, 'a.pdf'), pdf);
      const poppler = spawnSync('pdftotext', ['-enc', 'UTF-8', path.join(dir, 'a.pdf'), '-'], { encoding: 'utf8' });
      expect(poppler.status).toBe(0);
      const ours = await pdfText(pdf);
      expect(ours.ok && norm(ours.text)).toBe(norm(poppler.stdout));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('without a detector the text layer is not read (metadata-only inspection stays cheap)', async () => {
    const report = await inspect(await textPdf([AI_EN]), { filename: 'a.pdf' });
    expect(report.text).toBeUndefined();
    expect(report.problems).toEqual([]);
  });

  it('reports a PDF without text, a damaged one, and the limits, instead of failing', async () => {
    const scanned = await inspect(pdfSample(), { detector });
    expect(scanned.text).toBeUndefined();
    expect(scanned.problems.map((p) => p.code)).toContain('pdf_no_text');
    const broken = await inspect(Buffer.from('%PDF-1.7\n1 0 obj << /Type /Catalog >> garbage garbage\n%%EOF'), { detector });
    expect(broken.text).toBeUndefined();
    expect(broken.problems.map((p) => p.code).some((c) => c === 'pdf_text_malformed' || c === 'pdf_no_text')).toBe(true);
    const three = await textPdf(['First page words.', 'Second page words.', 'Third page words.']);
    const cut = await pdfText(three, { ...PDF_TEXT_LIMITS, maxPages: 1 });
    expect(cut).toMatchObject({ ok: true, pages: 3, pagesRead: 1, truncated: true });
    expect(cut.ok && norm(cut.text)).toBe('First page words.');
    expect(await pdfText(three, { ...PDF_TEXT_LIMITS, maxBytes: 100 })).toMatchObject({ ok: false, reason: 'too_large' });
    const inBytes = Buffer.from(three);
    await pdfText(inBytes);
    expect(inBytes.equals(three)).toBe(true); // the caller's buffer is not handed over to pdf.js
  });

  it('joins wrapped lines into paragraphs: a space between words, nothing between Chinese characters, a break at a wide gap', () => {
    const line = (str: string, y: number) => [{ str, transform: [10, 0, 0, 10, 40, y], height: 10 }, { str: '', hasEOL: true }];
    const items = [...line('人工智能生成的内容需要', 800), ...line('显式标识。', 786), ...line('A second', 750), ...line('paragraph.', 736)];
    expect(reflow(items)).toBe('人工智能生成的内容需要显式标识。\n\nA second paragraph.');
  });

  it('every truncation of a text PDF, and random bytes behind its header, give a report, never a throw', async () => {
    const pdf = await textPdf([AI_EN, AI_EN]);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const inputs = Array.from({ length: 24 }, (_, i) => pdf.subarray(0, Math.floor(((i + 1) * pdf.length) / 25)));
    for (let i = 0; i < 12; i++) inputs.push(Buffer.concat([pdf.subarray(0, 9), Buffer.from(Array.from({ length: 4000 }, () => Math.floor(rnd() * 256)))]));
    for (const b of inputs) {
      const r = await inspect(b, { detector });
      expect(r.format).toBe('pdf');
      expect(r.text === undefined || (r.text.score >= 0 && r.text.score <= 1)).toBe(true);
    }
  });
});
