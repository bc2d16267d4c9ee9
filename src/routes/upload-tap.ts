import { Readable } from 'node:stream';

/**
 * Passes an upload through unchanged while keeping its bytes in memory up to `max`: the
 * public file check hashes every upload as a stream, and also decodes the small ones (images)
 * without writing them anywhere. `bytes()` is null when the upload was larger than `max`;
 * `head()` is its first 64 bytes (what the file says it is) either way.
 */
export function tapUpload(source: Readable, max: number): { stream: Readable; bytes: () => Buffer | null; head: () => Buffer } {
  const chunks: Buffer[] = [];
  let size = 0;
  let over = false;
  let head = Buffer.alloc(0);
  async function* pass() {
    for await (const chunk of source as AsyncIterable<Buffer>) {
      if (head.length < 64) head = Buffer.concat([head, chunk.subarray(0, 64 - head.length)]);
      size += chunk.length;
      if (size > max) {
        over = true;
        chunks.length = 0;
      } else chunks.push(chunk);
      yield chunk;
    }
  }
  return { stream: Readable.from(pass(), { objectMode: false }), bytes: () => (over ? null : Buffer.concat(chunks)), head: () => head };
}
