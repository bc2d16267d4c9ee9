import { createHash } from 'node:crypto';
import { closeSync, createReadStream, fdatasync as fdatasyncCb, fsync as fsyncCb, open as openCb, openSync, renameSync, writev as writevCb, type ReadStream } from 'node:fs';
import { mkdir, readdir, rm, stat, unlink } from 'node:fs/promises';
import { promisify } from 'node:util';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { AppError } from '../domain/errors.js';
import { MAGIC_HEAD_BYTES } from '../domain/files.js';
import { newId } from '../domain/ids.js';

export interface StagedBlob {
  tmpPath: string;
  sha256: string;
  size: number;
  /** The first bytes, for the magic-number check. */
  head: Buffer;
  /** Set once moved into the store: there is no temporary file left to discard. */
  committed?: boolean;
}

/** Chunks are gathered up to this size and written with one call (one trip through libuv's pool). */
const WRITE_BATCH_BYTES = 256 * 1024;

const SHA_RE = /^[0-9a-f]{64}$/;

const openFd = promisify(openCb);
const writev = promisify(writevCb);
const fdatasync = promisify(fdatasyncCb);
const fsync = promisify(fsyncCb);

/** Writes every byte of `chunks` at the current position (writev may write fewer). */
async function writeAll(fd: number, chunks: Buffer[]): Promise<void> {
  let rest = chunks;
  for (;;) {
    const total = rest.reduce((n, c) => n + c.length, 0);
    const { bytesWritten: written } = await writev(fd, rest);
    if (written >= total) return;
    let skip = written;
    const next: Buffer[] = [];
    for (const c of rest) {
      if (skip >= c.length) skip -= c.length;
      else {
        next.push(skip ? c.subarray(skip) : c);
        skip = 0;
      }
    }
    rest = next;
  }
}

/**
 * Closing a descriptor, opening a folder and renaming are metadata operations of microseconds
 * on a local disk; through libuv's thread pool each was a hand-off to another thread and back,
 * which on a busy 2-core machine cost more than the call itself, so they run synchronously.
 * Creating a file or a folder stays in the pool: on ext4 it can wait for the journal while
 * other uploads' fsyncs commit it (measured: synchronous creates took ~0.4 ms each under load).
 */
async function fsyncFolder(p: string): Promise<void> {
  // Opening a folder to read creates nothing: no journal to wait for.
  const fd = openSync(p, 'r');
  try {
    await fsync(fd);
  } finally {
    closeSync(fd);
  }
}

/**
 * Content-addressed files under <dataDir>/blobs/ab/cd/<sha256>. Uploads stream into
 * <dataDir>/tmp while being hashed (never held whole in memory), are fsynced, and only
 * then renamed into place, so a blob that a database row points to is always complete.
 */
export class BlobStore {
  readonly root: string;
  readonly tmp: string;
  /** Shard folders known to exist (created once, never removed while running). */
  private readonly dirs = new Set<string>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, 'blobs');
    this.tmp = path.join(dataDir, 'tmp');
  }

  async init(): Promise<void> {
    await mkdir(this.root, { recursive: true });
    // Anything in tmp belongs to an upload that never finished (crash, kill -9).
    await rm(this.tmp, { recursive: true, force: true });
    await mkdir(this.tmp, { recursive: true });
  }

  pathOf(sha256: string): string {
    if (!SHA_RE.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Streams `source` to a temporary file; FILE_TOO_LARGE (and nothing left behind) past maxBytes. */
  async stage(source: Readable, maxBytes: number, filename = ''): Promise<StagedBlob> {
    const tmpPath = path.join(this.tmp, newId());
    const hash = createHash('sha256');
    let size = 0;
    const headParts: Buffer[] = [];
    let headLen = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > maxBytes) {
          cb(new AppError('FILE_TOO_LARGE', `${filename || 'file'} is larger than ${maxBytes} bytes`, { filename, maxBytes }));
          return;
        }
        hash.update(chunk);
        if (headLen < MAGIC_HEAD_BYTES) {
          headParts.push(chunk.subarray(0, MAGIC_HEAD_BYTES - headLen));
          headLen += Math.min(chunk.length, MAGIC_HEAD_BYTES - headLen);
        }
        cb(null, chunk);
      },
    });
    // One descriptor for writes and fsync (see fsyncFolder for what runs synchronously).
    const fd = await openFd(tmpPath, 'wx');
    let fdOpen = true;
    try {
      await pipeline(source, meter, async (chunks: AsyncIterable<Buffer>) => {
        // A multipart file arrives in socket-sized chunks (16–64 KB); each write is a trip
        // through libuv's thread pool, so they are gathered and written together.
        let pending: Buffer[] = [];
        let pendingBytes = 0;
        for await (const chunk of chunks) {
          pending.push(chunk);
          pendingBytes += chunk.length;
          if (pendingBytes >= WRITE_BATCH_BYTES) {
            await writeAll(fd, pending);
            pending = [];
            pendingBytes = 0;
          }
        }
        if (pending.length) await writeAll(fd, pending);
      });
      // @fastify/multipart marks a part cut by its own size limit instead of erroring.
      if ((source as Readable & { truncated?: boolean }).truncated) {
        throw new AppError('FILE_TOO_LARGE', `${filename || 'file'} is larger than ${maxBytes} bytes`, { filename, maxBytes });
      }
      await fdatasync(fd);
      fdOpen = false;
      closeSync(fd);
    } catch (e) {
      if (fdOpen) closeSync(fd);
      await rm(tmpPath, { force: true });
      throw e;
    }
    return { tmpPath, sha256: hash.digest('hex'), size, head: Buffer.concat(headParts) };
  }

  /**
   * Moves a staged file into the store, durably. Renaming over an existing blob is safe (same
   * content, same name) and gives it a fresh mtime, which keeps the orphan sweep away from a
   * blob about to be referenced again.
   */
  async commit(staged: StagedBlob): Promise<void> {
    const dest = this.pathOf(staged.sha256);
    const dir = path.dirname(dest);
    if (!this.dirs.has(dir)) {
      await mkdir(dir, { recursive: true });
      this.dirs.add(dir);
    }
    renameSync(staged.tmpPath, dest);
    staged.committed = true;
    // The rename is only durable once the directory entry is.
    await fsyncFolder(dir);
  }

  async discard(staged: StagedBlob): Promise<void> {
    if (!staged.committed) await rm(staged.tmpPath, { force: true });
  }

  async exists(sha256: string): Promise<boolean> {
    return stat(this.pathOf(sha256)).then(() => true, () => false);
  }

  async remove(sha256: string): Promise<void> {
    await unlink(this.pathOf(sha256)).catch((e: NodeJS.ErrnoException) => {
      if (e.code !== 'ENOENT') throw e;
    });
  }

  read(sha256: string, range?: { start: number; end: number }): ReadStream {
    return createReadStream(this.pathOf(sha256), range);
  }

  readStaged(staged: StagedBlob): ReadStream {
    return createReadStream(staged.tmpPath);
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.pathOf(sha256))).size;
  }

  /** Every stored blob with its modification time (for garbage collection of orphans). */
  async *list(): AsyncGenerator<{ sha256: string; mtimeMs: number }> {
    const l1 = await readdir(this.root).catch(() => [] as string[]);
    for (const a of l1) {
      const l2 = await readdir(path.join(this.root, a)).catch(() => [] as string[]);
      for (const b of l2) {
        const files = await readdir(path.join(this.root, a, b)).catch(() => [] as string[]);
        for (const f of files) {
          if (!SHA_RE.test(f)) continue;
          const st = await stat(path.join(this.root, a, b, f)).catch(() => null);
          if (st) yield { sha256: f, mtimeMs: st.mtimeMs };
        }
      }
    }
  }
}
