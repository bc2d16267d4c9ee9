import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import { MAX_CSV_BYTES } from '../documents/import-csv.js';
import { pickLocale } from '../i18n/messages.js';
import type { Platform } from '../platform.js';
import type { StagedBlob } from '../repositories/blob.store.js';
import { batchView } from '../services/import.service.js';
import { actorOf } from './context.js';
import { readMultipart } from './multipart.js';

export function importsRoutes(app: FastifyInstance, p: Platform): void {
  app.post('/api/imports', { schema: { tags: ['imports'], summary: 'Batch import: a `csv` part and a `archive` ZIP part; field `submit=true|false`', consumes: ['multipart/form-data'] } }, async (req, reply) => {
    const actor = actorOf(req);
    const { fields, files } = await readMultipart<{ field: string; staged: StagedBlob }>(
      req,
      async (field, filename, stream) => {
        if (field === 'csv') return { field, staged: await p.blobs.stage(stream, MAX_CSV_BYTES, filename) };
        if (field === 'archive') {
          const staged = await p.blobs.stage(stream, p.config.maxImportBytes, filename);
          return { field, staged };
        }
        stream.resume();
        throw new AppError('MULTIPART', `unexpected file field ${field}`, { reason: `unexpected file field "${field}" (use "csv" and "archive")` });
      },
      async (staged) => {
        await Promise.all(staged.map((s) => p.blobs.discard(s.staged)));
      },
    );
    const csv = files.find((f) => f.field === 'csv');
    const archive = files.find((f) => f.field === 'archive');
    if (!csv || files.filter((f) => f.field === 'csv').length > 1 || files.filter((f) => f.field === 'archive').length > 1) {
      await Promise.all(files.map((f) => p.blobs.discard(f.staged)));
      throw new AppError('VALIDATION', 'one csv file (and at most one archive) expected', { field: 'csv', rule: 'required' });
    }
    const batch = await p.imports.createBatch(actor, csv.staged, archive?.staged ?? null, fields.submit === 'true');
    return reply.status(202).send(batchView(batch, pickLocale(req.headers['accept-language'])));
  });
  app.get('/api/imports', { schema: { tags: ['imports'], summary: 'My import batches' } }, async (req) => p.imports.list(actorOf(req), pickLocale(req.headers['accept-language'])));
  app.get<{ Params: { id: string } }>('/api/imports/:id', { schema: { tags: ['imports'], summary: 'An import batch with progress and per-row results' } }, async (req) => p.imports.get(actorOf(req), req.params.id, pickLocale(req.headers['accept-language'])));
}
