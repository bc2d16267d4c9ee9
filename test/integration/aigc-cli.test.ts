import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, describe, expect, it } from 'vitest';
import { docxSample } from '../unit/provenance/support.js';

/** `cws aigc …` as a user runs it: a child process, no database. */
function cws(args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'aigc', ...args], { env: { ...process.env, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, out, err }));
  });
}

const dir = mkdtempSync(path.join(tmpdir(), 'cws-aigc-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const AI_EN = (JSON.parse(readFileSync('test/fixtures/aigc/eval/ai-en.jsonl', 'utf8').split('\n')[1]!) as { text: string }).text;

describe('cws aigc inspect --json on documents', () => {
  it('a PDF: the report has a text score from the built-in detector', async () => {
    const doc = await PDFDocument.create();
    const font = await doc.embedFont(StandardFonts.Helvetica);
    const page = doc.addPage([595, 842]);
    const words = AI_EN.split(' ');
    for (let i = 0; i * 12 < words.length; i++) page.drawText(words.slice(i * 12, i * 12 + 12).join(' '), { x: 40, y: 800 - i * 14, size: 10, font });
    const file = path.join(dir, 'essay.pdf');
    (await import('node:fs')).writeFileSync(file, await doc.save());
    const r = await cws(['inspect', file, '--json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { format: string; text?: { detector: string; score: number; language: string; chars: number } };
    expect(report.format).toBe('pdf');
    expect(report.text).toMatchObject({ detector: 'cws-stat-v1', language: 'en' });
    expect(report.text!.score).toBeGreaterThanOrEqual(0);
    expect(report.text!.score).toBeLessThanOrEqual(1);
    expect(Math.abs(report.text!.chars - AI_EN.length)).toBeLessThan(AI_EN.length * 0.05);
  });

  it('a DOCX: the same', async () => {
    const file = path.join(dir, 'essay.docx');
    (await import('node:fs')).writeFileSync(file, docxSample(AI_EN));
    const r = await cws(['inspect', file, '--json']);
    expect(r.code, r.err).toBe(0);
    expect((JSON.parse(r.out) as { text?: { detector: string } }).text?.detector).toBe('cws-stat-v1');
  });
});

const haveFfmpeg = spawnSync('ffmpeg', ['-version']).status === 0;
describe.skipIf(!haveFfmpeg)('cws aigc label on video and compressed audio', () => {
  it('--video-text and --audio-cue write a labelled copy and say what they did', async () => {
    const mp4 = path.join(dir, 'clip.mp4');
    expect(spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc=size=320x180:rate=10:duration=3', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', mp4]).status).toBe(0);
    const v = await cws(['label', mp4, '-o', path.join(dir, 'clip-ai.mp4'), '--producer', 'CAMPUS-AI', '--video-text', 'top-right', '--seconds', '2', '--json']);
    expect(v.code, v.err).toBe(0);
    expect(JSON.parse(v.out)).toMatchObject({ format: 'mp4', explicit: expect.stringMatching(/top-right corner for the first 2 s/) as unknown });
    const mp3 = path.join(dir, 'voice.mp3');
    expect(spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'sine=duration=1', '-c:a', 'libmp3lame', '-y', mp3]).status).toBe(0);
    const a = await cws(['label', mp3, '-o', path.join(dir, 'voice-ai.mp3'), '--producer', 'CAMPUS-TTS', '--audio-cue']);
    expect(a.code, a.err).toBe(0);
    expect(a.out).toMatch(/short long short short/);
    const bad = await cws(['label', mp3, '-o', path.join(dir, 'x.mp3'), '--producer', 'CAMPUS-TTS', '--video-text']);
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/unsupported_format: a visible video label can be drawn on MP4 and MOV videos, not mp3/);
  });
});
