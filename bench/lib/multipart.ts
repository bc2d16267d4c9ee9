import { randomBytes, randomFillSync } from 'node:crypto';

/** PNG signature: the platform checks magic bytes, so every generated file starts with it. */
export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export const newBoundary = (): string => `----cwsbench${randomBytes(16).toString('hex')}`;

/** The editable fields of a complete work (valid for submission). */
export function metadata(title: string) {
  return {
    title,
    category: 'fine_art',
    authors: [{ name: '压测作者' }],
    owners: [{ name: '压测作者', kind: 'person', share: 100 }],
    completedOn: '2026-01-01',
    publication: { status: 'unpublished' },
    aiDisclosure: { used: false },
  };
}

/**
 * Everything before the file content: the `metadata` field (first, as the API requires),
 * `submit=true`, then the headers of the `files` part.
 */
export function multipartHead(boundary: string, title: string, filename = 'x.png', submit = true): Buffer {
  const parts = [
    `--${boundary}\r\nContent-Disposition: form-data; name="metadata"\r\n\r\n${JSON.stringify(metadata(title))}\r\n`,
    submit ? `--${boundary}\r\nContent-Disposition: form-data; name="submit"\r\n\r\ntrue\r\n` : '',
    `--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${filename}"\r\nContent-Type: image/png\r\n\r\n`,
  ];
  return Buffer.from(parts.join(''), 'utf8');
}

export const multipartTail = (boundary: string): Buffer => Buffer.from(`\r\n--${boundary}--\r\n`, 'utf8');

/**
 * Distinct small PNG-signature files, cheaply: a slice of a random pool at a random offset,
 * with a sequence number stamped after the signature so no two files are ever equal.
 */
export class SmallFiles {
  private readonly pool = randomBytes(8 * 1024 * 1024);
  private seq = 0;
  constructor(
    private readonly size: number,
    private readonly salt = randomBytes(8),
  ) {
    if (size < 32 || size > this.pool.length) throw new Error(`file size ${size} out of range`);
  }

  next(): Buffer {
    const buf = Buffer.allocUnsafe(this.size);
    const off = Math.floor(Math.random() * (this.pool.length - this.size));
    this.pool.copy(buf, 0, off, off + this.size);
    PNG_SIGNATURE.copy(buf, 0);
    this.salt.copy(buf, 8);
    buf.writeBigUInt64BE(BigInt(++this.seq), 16);
    return buf;
  }
}

/** A whole multipart body for one submission with a fresh file; the boundary never occurs in the file. */
export function submissionBody(boundary: string, files: SmallFiles, title: string): Buffer {
  const delimiter = Buffer.from(`--${boundary}`);
  let file = files.next();
  while (file.includes(delimiter)) file = files.next();
  return Buffer.concat([multipartHead(boundary, title), file, multipartTail(boundary)]);
}

/**
 * A huge multipart body generated on the fly: PNG signature, then pseudo-random chunks
 * (a fresh buffer each time, never the whole file in memory).
 */
export function hugeBody(boundary: string, title: string, fileBytes: number, chunkBytes = 256 * 1024) {
  const head = multipartHead(boundary, title, 'huge.png');
  const tail = multipartTail(boundary);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  async function* generate(): AsyncGenerator<Buffer> {
    yield head;
    let left = fileBytes;
    let first = true;
    while (left > 0) {
      const n = Math.min(chunkBytes, left);
      const chunk = randomFillSync(Buffer.allocUnsafe(n));
      if (first) {
        PNG_SIGNATURE.copy(chunk, 0, 0, Math.min(8, n));
        first = false;
      }
      // Astronomically unlikely, but a delimiter inside the file would cut the part short.
      if (chunk.includes(delimiter)) chunk.fill(0x41, chunk.indexOf(delimiter), chunk.indexOf(delimiter) + delimiter.length);
      left -= n;
      yield chunk;
    }
    yield tail;
  }
  return { contentLength: head.length + fileBytes + tail.length, generate };
}
