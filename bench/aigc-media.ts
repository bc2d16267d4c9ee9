/**
 * AIGC figures for the paths that leave the metadata: PDF text extraction for the detector,
 * the explicit video label and the compressed-audio cue (ffmpeg re-encoding). Part of
 * `npx tsx bench/aigc.ts`; inputs are synthesised here (pdf-lib, ffmpeg lavfi sources).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { StatisticalDetector } from '../src/provenance/detector/builtin.js';
import { round } from '../src/provenance/detector/evaluate.js';
import { inspect } from '../src/provenance/inspect.js';
import { writeLabel } from '../src/provenance/label.js';
import { FfmpegTool } from '../src/repositories/ffmpeg.tool.js';
import { ffmpegPath } from '../src/repositories/media.decoder.js';

const LABEL = { Label: '1', ContentProducer: 'BENCH-AI', ProduceID: 'bench' };

async function textPdf(paragraphs: string[]): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (const p of paragraphs) {
    const page = doc.addPage([595, 842]);
    // Helvetica's WinAnsi encoding has no arrows or CJK: those characters become spaces
    const words = p.replace(/[^\x20-\x7e\u00a0-\u00ff]/g, ' ').split(/\s+/);
    for (let i = 0; i * 14 < words.length; i++) page.drawText(words.slice(i * 14, i * 14 + 14).join(' '), { x: 40, y: 800 - i * 14, size: 10, font });
  }
  return Buffer.from(await doc.save());
}

function lavfi(args: string[], ext: string): Buffer {
  const bin = ffmpegPath();
  if (!bin) throw new Error('ffmpeg is needed for the media figures');
  const dir = mkdtempSync(path.join(tmpdir(), 'cws-bench-'));
  try {
    const out = path.join(dir, `in.${ext}`);
    const r = spawnSync(bin, ['-v', 'error', ...args, '-y', out]);
    if (r.status !== 0) throw new Error(r.stderr.toString());
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function mediaThroughput(englishPassages: string[], quick: boolean): Promise<Record<string, unknown>> {
  const out: Record<string, unknown> = {};
  // A 40-page PDF, one evaluation passage a page, inspected with the detector (text extraction + scoring).
  const pages = englishPassages.slice(0, 40);
  const pdf = await textPdf(pages);
  const detector = new StatisticalDetector();
  await inspect(pdf, { filename: 'a.pdf', detector });
  const runs = quick ? 2 : 5;
  let t0 = performance.now();
  for (let i = 0; i < runs; i++) await inspect(pdf, { filename: 'a.pdf', detector });
  let s = (performance.now() - t0) / 1000;
  const kb = pages.join('\n').length / 1024;
  out.inspect_pdf_text = { pages: pages.length, sizeKB: round(pdf.length / 1024, 1), textKB: round(kb, 1), pdfsPerSecond: round(runs / s, 2), pagesPerSecond: round((runs * pages.length) / s, 1), textKbPerSecond: round((runs * kb) / s, 1) };

  const media = new FfmpegTool();
  const seconds = quick ? 4 : 10;
  const mp4 = lavfi(['-f', 'lavfi', '-i', `testsrc2=size=1280x720:rate=25:duration=${seconds}`, '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${seconds}`, '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest'], 'mp4');
  t0 = performance.now();
  await writeLabel(mp4, LABEL, { filename: 'a.mp4', videoText: {}, media });
  s = (performance.now() - t0) / 1000;
  out.label_video_720p = { videoSeconds: seconds, sizeMB: round(mp4.length / 1e6, 2), wallSeconds: round(s, 2), timesRealtime: round(seconds / s, 2) };

  const audioSeconds = quick ? 20 : 60;
  const mp3 = lavfi(['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=44100:duration=${audioSeconds}`, '-ac', '2', '-c:a', 'libmp3lame', '-b:a', '192k'], 'mp3');
  t0 = performance.now();
  await writeLabel(mp3, LABEL, { filename: 'a.mp3', audioCue: true, media });
  s = (performance.now() - t0) / 1000;
  out.label_mp3_cue = { audioSeconds, wallSeconds: round(s, 2), timesRealtime: round(audioSeconds / s, 1) };
  return out;
}
