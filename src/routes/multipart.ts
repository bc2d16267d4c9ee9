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
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        files.push(await onFile(part.fieldname, part.filename, part.file));
      } else {
        if (typeof part.value !== 'string') throw new AppError('MULTIPART', `field ${part.fieldname} is not text`, { reason: `field ${part.fieldname} is not text` });
        if (part.valueTruncated) throw new AppError('MULTIPART', `field ${part.fieldname} is too long`, { reason: `field ${part.fieldname} is too long` });
        fields[part.fieldname] = part.value;
      }
    }
  } catch (e) {
    await cleanup(files);
    throw e;
  }
  return { fields, files };
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
