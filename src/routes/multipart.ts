import type { FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AppError } from '../domain/errors.js';

export interface Parsed<F> {
  fields: Record<string, string>;
  files: F[];
}

/**
 * Walks a multipart body in order, handing each file part to `onFile` as a stream (it is
 * never buffered whole). If anything fails, `cleanup` receives what was staged so far,
 * so a bad request leaves nothing behind.
 */
export async function readMultipart<F>(
  req: FastifyRequest,
  onFile: (field: string, filename: string, stream: Readable) => Promise<F>,
  cleanup: (staged: F[]) => Promise<void>,
): Promise<Parsed<F>> {
  if (!req.isMultipart()) throw new AppError('MULTIPART', 'expected multipart/form-data', { reason: 'expected multipart/form-data' });
  const fields: Record<string, string> = {};
  const files: F[] = [];
  // After the first failure the rest of the body is still read and dropped: a request left
  // half-read keeps its connection (and a graceful shutdown) waiting forever.
  let failure: unknown;
  try {
    for await (const part of req.parts()) {
      if (failure !== undefined) {
        if (part.type === 'file') part.file.resume();
        continue;
      }
      try {
        if (part.type === 'file' && part.fieldname === 'metadata') {
          // Clients that append the metadata as a Blob send it as a file part: read it as text.
          fields.metadata = await readText(part.file, MAX_FIELD_BYTES);
        } else if (part.type === 'file') {
          files.push(await onFile(part.fieldname, part.filename, part.file));
        } else {
          if (part.valueTruncated) throw new AppError('MULTIPART', `field ${part.fieldname} is too long`, { reason: `field ${part.fieldname} is too long` });
          // A field sent as application/json arrives already parsed; keep one text form.
          fields[part.fieldname] = typeof part.value === 'string' ? part.value : JSON.stringify(part.value);
        }
      } catch (e) {
        if (part.type === 'file') part.file.resume();
        failure = e;
      }
    }
  } catch (e) {
    failure ??= e; // the body itself is malformed or over a limit
  }
  if (failure !== undefined) {
    await cleanup(files);
    throw failure;
  }
  return { fields, files };
}

const MAX_FIELD_BYTES = 256 * 1024;

async function readText(stream: Readable, max: number): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of stream as AsyncIterable<Buffer>) {
    n += c.length;
    if (n > max) throw new AppError('MULTIPART', 'metadata is too long', { reason: `metadata is longer than ${max} bytes` });
    chunks.push(c);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export function jsonField(fields: Record<string, string>, name: string): unknown {
  const raw = fields[name];
  if (raw === undefined) return undefined;
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    throw new AppError('VALIDATION', `${name} is not JSON`, { field: name, rule: 'json' });
  }
}
