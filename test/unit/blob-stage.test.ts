import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BlobStore } from '../../src/repositories/blob.store.js';

describe('BlobStore staging', () => {
  let dir: string;
  let store: BlobStore;
  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'cws-blob-'));
    store = new BlobStore(dir);
    await store.init();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes chunks of every size, gathered into few writes, byte for byte', async () => {
    // Odd sizes around the 256 KB write batch: 1 MB + 1 byte in all.
    const sizes = [1, 4095, 65536, 200_000, 300_000, 7, 478_938];
    const chunks = sizes.map((n, i) => Buffer.alloc(n, (i * 37 + 11) & 0xff));
    const all = Buffer.concat(chunks);
    expect(all.length).toBe(1024 * 1024 + 1);
    const staged = await store.stage(Readable.from(chunks), 2 * 1024 * 1024, 'big.bin');
    expect(staged.size).toBe(all.length);
    expect(staged.sha256).toBe(createHash('sha256').update(all).digest('hex'));
    expect(readFileSync(staged.tmpPath).equals(all)).toBe(true);
    await store.commit(staged);
    expect(readFileSync(store.pathOf(staged.sha256)).equals(all)).toBe(true);
    // Discarding a committed blob removes nothing (the temporary file is gone already).
    await store.discard(staged);
    expect(await store.exists(staged.sha256)).toBe(true);
    expect(readdirSync(store.tmp)).toEqual([]);
  });

  it('removes the temporary file of a discarded, uncommitted upload', async () => {
    const staged = await store.stage(Readable.from([Buffer.from('draft')]), 1024, 'a.txt');
    expect(readdirSync(store.tmp)).toEqual([path.basename(staged.tmpPath)]);
    await store.discard(staged);
    expect(readdirSync(store.tmp)).toEqual([]);
  });
});
