import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type SharpType from 'sharp';

// sharp (libvips) adds ~28 MB to the resident size; load it with the first image, not at start.
// Each file is decoded once, so libvips' operation cache (up to 50 MB by default) would only
// keep decoded pixels of past uploads resident.
let sharpModule: Promise<typeof SharpType> | undefined;
const loadSharp = (): Promise<typeof SharpType> =>
  (sharpModule ??= import('sharp').then((m) => {
    m.default.cache(false);
    return m.default;
  }));
import yauzl from 'yauzl';

/** Why a file could not be fingerprinted; the message is shown to reviewers as "could not fingerprint: …". */
export class FingerprintFailure extends Error {
  constructor(
    readonly reason: 'corrupt' | 'too_large' | 'timeout' | 'unsupported' | 'encrypted' | 'empty' | 'tool_missing',
    message: string,
  ) {
    super(message);
    this.name = 'FingerprintFailure';
  }
}

export interface DecodeLimits {
  /** Largest image (width × height) decoded; larger ones are refused as decompression bombs. */
  maxPixels: number;
  /** Wall-clock limit for one decode. */
  timeoutMs: number;
  /** Audio fingerprinted (fpcalc's default: 120 s). */
  audioSeconds: number;
  /** Video sampled at most this long. */
  videoSeconds: number;
  /** Text kept after extraction (characters). */
  maxTextChars: number;
  maxPdfPages: number;
  /** Largest declared uncompressed size of a DOCX member. */
  maxDocxXmlBytes: number;
}

export const DEFAULT_DECODE_LIMITS: DecodeLimits = {
  maxPixels: 100_000_000,
  timeoutMs: 120_000,
  audioSeconds: 120,
  videoSeconds: 3600,
  maxTextChars: 2_000_000,
  maxPdfPages: 2000,
  maxDocxXmlBytes: 200 * 1024 * 1024,
};

/** Pixels as hashed: at most PDQ_DECODE_SIDE a side, 1 (grey) or 3 (RGB) channels. */
export interface DecodedImage {
  pixels: Uint8Array;
  width: number;
  height: number;
  channels: number;
}

/** Composites grey+alpha or RGBA pixels over white (what a viewer shows), dropping the alpha channel. */
function flattenOnWhite(px: Uint8Array, channels: number): Uint8Array {
  const colour = channels - 1;
  const n = px.length / channels;
  const out = new Uint8Array(n * colour);
  for (let i = 0, p = 0, o = 0; i < n; i++, p += channels, o += colour) {
    const a = px[p + colour]! / 255;
    for (let c = 0; c < colour; c++) out[o + c] = Math.round(px[p + c]! * a + 255 * (1 - a));
  }
  return out;
}

/** Side of the box images are shrunk into before PDQ: PDQ only keeps 64×64, and shrink-on-load makes JPEG decoding several times faster. */
export const PDQ_DECODE_SIDE = 512;

/** The resampler settings `fpcalc` uses, so our PCM is the PCM it fingerprints. */
const FPCALC_RESAMPLE = 'aresample=11025:resampler=swr:filter_size=16:phase_shift=8:linear_interp=1:cutoff=0.8:ocl=mono:osf=s16';

/** The ffmpeg binary: the one shipped by @ffmpeg-installer, else the system's (Debian's ffmpeg), else CWS_FFMPEG. */
export function ffmpegPath(): string | null {
  if (process.env.CWS_FFMPEG) return process.env.CWS_FFMPEG;
  try {
    const req = createRequire(import.meta.url);
    const p = (req('@ffmpeg-installer/ffmpeg') as { path: string }).path;
    if (p && executable(p)) return p;
  } catch {
    /* not installed for this platform */
  }
  for (const p of ['/usr/bin/ffmpeg', '/usr/local/bin/ffmpeg']) if (executable(p)) return p;
  return null;
}

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let t: NodeJS.Timeout | undefined;
  const timer = new Promise<never>((_, rej) => {
    t = setTimeout(() => rej(new FingerprintFailure('timeout', `${what} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([p, timer]).finally(() => clearTimeout(t));
}

/**
 * Decodes media for fingerprinting: images with sharp (libvips), audio and video with an
 * ffmpeg child process, PDF text with pdf.js (unpdf), DOCX text with mammoth. Every path
 * has a size limit and a time limit, and every failure is a FingerprintFailure.
 */
export class MediaDecoder {
  constructor(readonly limits: DecodeLimits = DEFAULT_DECODE_LIMITS) {}

  /** A file path, or the bytes of an upload that is never written to disk (the public verify page). */
  async image(file: string | Buffer): Promise<DecodedImage> {
    const sharp = await loadSharp();
    try {
      // No separate metadata read: libvips checks the pixel limit from the header, and JPEG shrink-on-load
      // decodes at 1/2, 1/4 or 1/8 size when the target allows it.
      const { data, info } = await sharp(file, { limitInputPixels: this.limits.maxPixels, failOn: 'error' })
        .timeout({ seconds: Math.ceil(this.limits.timeoutMs / 1000) })
        .resize(PDQ_DECODE_SIDE, PDQ_DECODE_SIDE, { fit: 'inside', withoutEnlargement: true, kernel: 'linear' })
        .raw()
        .toBuffer({ resolveWithObject: true });
      const hasAlpha = info.channels === 2 || info.channels === 4;
      return { pixels: hasAlpha ? flattenOnWhite(data, info.channels) : data, width: info.width, height: info.height, channels: hasAlpha ? info.channels - 1 : info.channels };
    } catch (e) {
      const msg = (e as Error).message;
      if (/pixel limit/i.test(msg)) throw new FingerprintFailure('too_large', `image exceeds the limit of ${this.limits.maxPixels} pixels (decompression bomb?)`);
      if (/timeout/i.test(msg)) throw new FingerprintFailure('timeout', 'image decoding timed out');
      if (/unsupported image format/i.test(msg)) throw new FingerprintFailure('unsupported', 'not an image format we can decode');
      if (/missing|no such file/i.test(msg)) throw new FingerprintFailure('corrupt', 'file not found');
      throw new FingerprintFailure('corrupt', `corrupt or truncated image (${msg.split('\n')[0]})`);
    }
  }

  /** 11025 Hz mono 16-bit PCM of the first `audioSeconds`, resampled as fpcalc does, and the full duration. */
  async audioPcm(file: string): Promise<{ pcm: Int16Array; duration: number }> {
    const args = ['-hide_banner', '-nostdin', '-v', 'info', '-i', file, '-map', '0:a:0', '-t', String(this.limits.audioSeconds), '-af', FPCALC_RESAMPLE, '-ac', '1', '-ar', '11025', '-f', 's16le', 'pipe:1'];
    const { stdout, stderr } = await this.runFfmpeg(args, this.limits.audioSeconds * 11025 * 2 + 65536);
    const pcm = new Int16Array(stdout.buffer, stdout.byteOffset, stdout.length >> 1).slice();
    if (pcm.length === 0) throw new FingerprintFailure('empty', `no decodable audio (${lastLine(stderr)})`);
    const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
    const full = d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : pcm.length / 11025;
    return { pcm, duration: Math.max(full, pcm.length / 11025) };
  }

  /**
   * Frames sampled once a second, scaled to `side`×`side` RGB, handed to `onFrame` as they
   * arrive (a long video is never held in memory). Returns the duration seen.
   */
  async videoFrames(file: string, onFrame: (rgb: Uint8Array, index: number) => void, side = 128): Promise<{ frames: number; duration: number }> {
    const frameBytes = side * side * 3;
    let pending: Buffer = Buffer.alloc(0);
    let frames = 0;
    const args = ['-hide_banner', '-nostdin', '-v', 'info', '-i', file, '-map', '0:v:0', '-t', String(this.limits.videoSeconds), '-vf', `fps=1,scale=${side}:${side}:flags=area`, '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
    const { stderr } = await this.runFfmpeg(args, Infinity, (chunk) => {
      pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
      while (pending.length >= frameBytes) {
        onFrame(new Uint8Array(pending.subarray(0, frameBytes)), frames++);
        pending = pending.subarray(frameBytes);
      }
    });
    if (frames === 0) throw new FingerprintFailure('empty', `no decodable video frames (${lastLine(stderr)})`);
    const d = /Duration: (\d+):(\d+):(\d+(?:\.\d+)?)/.exec(stderr);
    return { frames, duration: d ? Number(d[1]) * 3600 + Number(d[2]) * 60 + Number(d[3]) : frames };
  }

  /** Plain text of a TXT/Markdown (UTF-8, else GB18030), PDF or DOCX file, cut at maxTextChars. */
  async text(file: string, kind: 'text' | 'pdf' | 'document'): Promise<{ text: string; truncated: boolean }> {
    let text: string;
    if (kind === 'text') text = decodeText(await readFile(file));
    else if (kind === 'pdf') text = await withTimeout(this.pdfText(file), this.limits.timeoutMs, 'PDF text extraction');
    else text = await withTimeout(this.docxText(file), this.limits.timeoutMs, 'DOCX text extraction');
    const truncated = text.length > this.limits.maxTextChars;
    return { text: truncated ? text.slice(0, this.limits.maxTextChars) : text, truncated };
  }

  private async pdfText(file: string): Promise<string> {
    const { getDocumentProxy } = await import('unpdf');
    let doc;
    try {
      doc = await getDocumentProxy(new Uint8Array(await readFile(file)), { isEvalSupported: false, useSystemFonts: false, stopAtErrors: false } as never);
    } catch (e) {
      const err = e as Error & { name?: string };
      if (err.name === 'PasswordException' || /password/i.test(err.message)) throw new FingerprintFailure('encrypted', 'the PDF is password-protected');
      throw new FingerprintFailure('corrupt', `malformed PDF (${err.message})`);
    }
    try {
      const pages = Math.min(doc.numPages, this.limits.maxPdfPages);
      const parts: string[] = [];
      let chars = 0;
      for (let i = 1; i <= pages && chars <= this.limits.maxTextChars; i++) {
        const page = await doc.getPage(i);
        const content = await page.getTextContent();
        const items = content.items as { str?: string; hasEOL?: boolean }[];
        const t = items.map((it) => (it.str ?? '') + (it.hasEOL ? '\n' : '')).join('');
        parts.push(t);
        chars += t.length;
        page.cleanup();
      }
      return parts.join('\n\n');
    } catch (e) {
      throw new FingerprintFailure('corrupt', `malformed PDF (${(e as Error).message})`);
    } finally {
      await doc.destroy().catch(() => undefined);
    }
  }

  private async docxText(file: string): Promise<string> {
    await this.checkZip(file);
    const mammoth = (await import('mammoth')).default;
    try {
      const r = await mammoth.extractRawText({ path: file });
      return r.value;
    } catch (e) {
      throw new FingerprintFailure('corrupt', `malformed DOCX (${(e as Error).message})`);
    }
  }

  /** Refuses DOCX files whose members declare more than maxDocxXmlBytes (ZIP bombs) or are encrypted. */
  private checkZip(file: string): Promise<void> {
    const max = this.limits.maxDocxXmlBytes;
    return new Promise((resolve, reject) => {
      yauzl.open(file, { lazyEntries: true, autoClose: true, validateEntrySizes: true }, (err, zip) => {
        if (err || !zip) {
          reject(new FingerprintFailure(/encrypt/i.test(err?.message ?? '') ? 'encrypted' : 'corrupt', `not a readable DOCX (ZIP) file (${err?.message ?? 'unknown'})`));
          return;
        }
        let total = 0;
        let hasDocument = false;
        zip.on('entry', (e: yauzl.Entry) => {
          total += e.uncompressedSize;
          if (e.fileName === 'word/document.xml') hasDocument = true;
          if ((e.generalPurposeBitFlag & 1) !== 0) {
            zip.close();
            reject(new FingerprintFailure('encrypted', 'the DOCX is encrypted'));
            return;
          }
          if (total > max) {
            zip.close();
            reject(new FingerprintFailure('too_large', `the DOCX expands to more than ${Math.round(max / 1048576)} MB`));
            return;
          }
          zip.readEntry();
        });
        zip.on('end', () => (hasDocument ? resolve() : reject(new FingerprintFailure('corrupt', 'not a Word document (no word/document.xml); an encrypted DOCX looks like this too'))));
        zip.on('error', (e: Error) => reject(new FingerprintFailure('corrupt', `not a readable DOCX (ZIP) file (${e.message})`)));
        zip.readEntry();
      });
    });
  }

  private async runFfmpeg(args: string[], maxBytes: number, onData?: (chunk: Buffer) => void): Promise<{ stdout: Buffer; stderr: string }> {
    const bin = ffmpegPath();
    if (!bin) throw new FingerprintFailure('tool_missing', 'ffmpeg is not available (install @ffmpeg-installer/ffmpeg or Debian ffmpeg, or set CWS_FFMPEG)');
    await stat(args[args.indexOf('-i') + 1]!).catch(() => {
      throw new FingerprintFailure('corrupt', 'file not found');
    });
    return new Promise((resolve, reject) => {
      const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      let size = 0;
      let stderr = '';
      let settled = false;
      const finish = (fn: () => void) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        fn();
      };
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        finish(() => reject(new FingerprintFailure('timeout', `ffmpeg took longer than ${Math.round(this.limits.timeoutMs / 1000)} s`)));
      }, this.limits.timeoutMs);
      child.stdout.on('data', (c: Buffer) => {
        if (onData) {
          try {
            onData(c);
          } catch (e) {
            child.kill('SIGKILL');
            finish(() => reject(e as Error));
          }
          return;
        }
        size += c.length;
        if (size > maxBytes) {
          child.kill('SIGKILL');
          finish(() => reject(new FingerprintFailure('too_large', 'decoded media exceeds the limit')));
          return;
        }
        chunks.push(c);
      });
      child.stderr.on('data', (c: Buffer) => {
        if (stderr.length < 64 * 1024) stderr += c.toString('utf8');
      });
      child.on('error', (e) => finish(() => reject(new FingerprintFailure('tool_missing', `ffmpeg could not start (${e.message})`))));
      child.on('close', (code) =>
        finish(() => {
          const out = Buffer.concat(chunks);
          // ffmpeg exits non-zero on a cut file after decoding what it could; only "nothing decoded" is a failure.
          if (code !== 0 && out.length === 0 && !onData) reject(new FingerprintFailure('corrupt', `ffmpeg could not read the file (${lastLine(stderr)})`));
          else if (code !== 0 && onData && !/frame=/.test(stderr) && !/Output #0/.test(stderr)) reject(new FingerprintFailure('corrupt', `ffmpeg could not read the file (${lastLine(stderr)})`));
          else resolve({ stdout: out, stderr });
        }),
      );
    });
  }
}

const lastLine = (s: string): string => s.trim().split('\n').filter(Boolean).pop()?.slice(0, 300) ?? 'no output';

/** UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (common for Chinese .txt files). */
export function decodeText(b: Buffer): string {
  if (b[0] === 0xff && b[1] === 0xfe) return new TextDecoder('utf-16le').decode(b.subarray(2));
  if (b[0] === 0xfe && b[1] === 0xff) return new TextDecoder('utf-16be').decode(b.subarray(2));
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(b);
  } catch {
    return new TextDecoder('gb18030').decode(b);
  }
}
