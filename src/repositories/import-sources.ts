import { createReadStream } from 'node:fs';
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import yauzl from 'yauzl';
import { AppError } from '../domain/errors.js';

/** Where the files named by an import CSV come from: a ZIP archive or a local folder. */
export interface FileSource {
  open(relPath: string): Promise<Readable | null>;
  close(): Promise<void>;
}

export interface ZipLimits {
  maxEntries: number;
  maxTotalBytes: number;
  maxEntryBytes: number;
  /** Uncompressed/compressed ratio above which a large entry is treated as a bomb. */
  maxRatio: number;
}

/** Archive member names that could escape a folder or confuse a reader are refused, not rewritten. */
export function safeMemberName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  if (!name || /[\u0000-\u001f\u007f\\]/.test(name) || name.startsWith('/') || /^[a-zA-Z]:/.test(name)) return false;
  return !name.split('/').some((seg) => seg === '..' || seg === '.');
}

const archiveError = (reason: string): AppError => new AppError('ARCHIVE', reason, { reason });

export class ZipSource implements FileSource {
  private constructor(
    private readonly zip: yauzl.ZipFile,
    private readonly entries: Map<string, yauzl.Entry>,
  ) {}

  /** Reads the central directory and refuses the whole archive if any entry breaks a limit. */
  static async open(file: string, limits: ZipLimits): Promise<ZipSource> {
    const zip = await new Promise<yauzl.ZipFile>((res, rej) =>
      yauzl.open(file, { lazyEntries: true, autoClose: false, validateEntrySizes: true, strictFileNames: false }, (err, z) => (err ? rej(archiveError(`not a readable ZIP file (${err.message})`)) : res(z))),
    );
    const entries = new Map<string, yauzl.Entry>();
    let total = 0;
    try {
      await new Promise<void>((res, rej) => {
        zip.on('entry', (e: yauzl.Entry) => {
          if (entries.size >= limits.maxEntries) return rej(archiveError(`more than ${limits.maxEntries} entries`));
          if (!safeMemberName(e.fileName)) return rej(archiveError(`unsafe path in archive: ${JSON.stringify(e.fileName.slice(0, 100))}`));
          if (!e.fileName.endsWith('/')) {
            if (e.uncompressedSize > limits.maxEntryBytes) return rej(archiveError(`${e.fileName} is larger than ${limits.maxEntryBytes} bytes`));
            total += e.uncompressedSize;
            if (total > limits.maxTotalBytes) return rej(archiveError(`archive expands to more than ${limits.maxTotalBytes} bytes`));
            if (e.uncompressedSize > 1_000_000 && e.uncompressedSize / Math.max(1, e.compressedSize) > limits.maxRatio) {
              return rej(archiveError(`${e.fileName} is compressed more than ${limits.maxRatio}:1 (zip bomb?)`));
            }
            if (entries.has(e.fileName)) return rej(archiveError(`duplicate entry ${e.fileName}`));
            entries.set(e.fileName.normalize('NFC'), e);
          }
          zip.readEntry();
        });
        zip.on('end', () => res());
        zip.on('error', (err: Error) => rej(archiveError(err.message)));
        zip.readEntry();
      });
    } catch (e) {
      zip.close();
      throw e;
    }
    return new ZipSource(zip, entries);
  }

  async open(relPath: string): Promise<Readable | null> {
    const e = this.entries.get(relPath.normalize('NFC'));
    if (!e) return null;
    return new Promise((res, rej) => this.zip.openReadStream(e, (err, s) => (err ? rej(archiveError(err.message)) : res(s))));
  }

  async close(): Promise<void> {
    this.zip.close();
  }
}

export class FolderSource implements FileSource {
  constructor(private readonly root: string) {}

  async open(relPath: string): Promise<Readable | null> {
    if (!safeMemberName(relPath)) throw archiveError(`unsafe path: ${JSON.stringify(relPath.slice(0, 100))}`);
    const full = path.resolve(this.root, relPath);
    const st = await lstat(full).catch(() => null);
    if (!st || !st.isFile()) return null;
    // A symlink inside the folder must not lead outside it.
    const real = await realpath(full);
    const rootReal = await realpath(this.root);
    if (!real.startsWith(rootReal + path.sep)) throw archiveError(`path leaves the folder: ${relPath}`);
    return createReadStream(real);
  }

  async close(): Promise<void> {}
}
