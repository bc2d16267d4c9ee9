import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { MediaToolError, type MediaJob, type MediaTool } from '../provenance/media-tool.js';
import { ffmpegPath } from './media.decoder.js';

const SAFE_NAME = /^[\w-]+\.[a-z0-9]{1,5}$/;

/**
 * ffmpeg as a child process over files in a private temporary directory (MP4 with the
 * index at the end cannot be read from a pipe). Each run has a wall-clock limit and the
 * directory is removed whatever happens.
 */
export class FfmpegTool implements MediaTool {
  constructor(
    private readonly timeoutMs = 600_000,
    private readonly bin: string | null = ffmpegPath(),
  ) {}

  async probe(bytes: Uint8Array, name: string): Promise<string> {
    // `ffmpeg -i FILE` with no output describes the input on stderr and exits 1 by design.
    return this.inDir([{ name, bytes }], async (file) => (await this.exec(['-hide_banner', '-nostdin', '-i', file(name)], true)).stderr);
  }

  run(job: MediaJob): Promise<Buffer> {
    return this.inDir(job.inputs, async (file) => {
      const { code, stderr } = await this.exec(['-hide_banner', '-nostdin', '-v', 'error', '-y', ...job.args(file)], false);
      if (code !== 0) throw new MediaToolError('failed', `ffmpeg failed: ${lastLines(stderr)}`);
      return readFile(file(job.output)).catch(() => {
        throw new MediaToolError('failed', `ffmpeg wrote no output (${lastLines(stderr)})`);
      });
    });
  }

  private async inDir<T>(inputs: MediaJob['inputs'], fn: (file: (name: string) => string) => Promise<T>): Promise<T> {
    if (!this.bin) throw new MediaToolError('tool_missing', 'ffmpeg is not available (install @ffmpeg-installer/ffmpeg or Debian ffmpeg, or set CWS_FFMPEG)');
    const dir = await mkdtemp(path.join(tmpdir(), 'cws-media-'));
    const file = (name: string) => {
      if (!SAFE_NAME.test(name)) throw new Error(`unsafe temporary file name ${JSON.stringify(name)}`);
      return path.join(dir, name);
    };
    try {
      for (const i of inputs) await writeFile(file(i.name), i.bytes);
      return await fn(file);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  private exec(args: string[], probe: boolean): Promise<{ code: number | null; stderr: string }> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.bin!, args, { stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new MediaToolError('timeout', `ffmpeg took longer than ${Math.round(this.timeoutMs / 1000)} s`));
      }, probe ? Math.min(this.timeoutMs, 30_000) : this.timeoutMs);
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < 256 * 1024) stderr += c.toString('utf8');
      });
      child.on('error', (e) => {
        clearTimeout(timer);
        reject(new MediaToolError('tool_missing', `ffmpeg could not start (${e.message})`));
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        resolve({ code, stderr });
      });
    });
  }
}

const lastLines = (s: string): string => s.trim().split('\n').filter(Boolean).slice(-3).join(' | ').slice(0, 500) || 'no output';
