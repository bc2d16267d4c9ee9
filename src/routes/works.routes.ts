import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';
import type { StagedFile } from '../services/registration.service.js';
import { actorOf, pageParams } from './context.js';
import { jsonField, readMultipart } from './multipart.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const multipartDoc = 'multipart/form-data: a `metadata` field (JSON) first, then one or more `files` parts; optional field `submit=true`. See docs/api.md.';

export function worksRoutes(app: FastifyInstance, p: Platform): void {
  const reg = p.registration;

  const readUpload = (req: FastifyRequest) =>
    readMultipart<StagedFile>(
      req,
      async (field, filename, stream) => {
        if (field !== 'files') {
          stream.resume();
          throw new AppError('MULTIPART', `unexpected file field ${field}`, { reason: `unexpected file field "${field}" (use "files")` });
        }
        return reg.stage(stream, filename);
      },
      (staged) => reg.discard(staged),
    );

  app.get<{ Querystring: { status?: string; page?: number; pageSize?: number } }>(
    '/api/works',
    { schema: { tags: ['works'], summary: 'My works', querystring: { type: 'object', properties: { status: { type: 'string' }, page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: 100 } } } } },
    async (req) => {
      const { page, pageSize } = pageParams(req.query);
      return reg.listMine(actorOf(req), req.query.status, page, pageSize);
    },
  );

  app.post('/api/works', { schema: { tags: ['works'], summary: 'Register a work (draft, or submit at once)', description: multipartDoc, consumes: ['multipart/form-data'] } }, async (req, reply) => {
    const actor = actorOf(req);
    const { fields, files } = await readUpload(req);
    let metadata: unknown;
    try {
      metadata = jsonField(fields, 'metadata');
      if (metadata === undefined) throw new AppError('VALIDATION', 'metadata missing', { field: 'metadata', rule: 'required' });
    } catch (e) {
      await reg.discard(files);
      throw e;
    }
    const work = await reg.create(actor, metadata, files, fields.submit === 'true');
    return reply.status(201).send(work);
  });

  app.get<{ Params: { id: string } }>('/api/works/:id', { schema: { tags: ['works'], summary: 'A work with its files and audit trail', params: idParams } }, async (req) => reg.get(actorOf(req), req.params.id));

  app.patch<{ Params: { id: string } }>('/api/works/:id', { schema: { tags: ['works'], summary: 'Edit a draft, a rejected or a returned work', description: `${multipartDoc} Or JSON of the fields to change; \`removeFileIds\` removes files.`, params: idParams } }, async (req) => {
    const actor = actorOf(req);
    let metadata: unknown;
    let files: StagedFile[] = [];
    if (req.isMultipart()) {
      const parsed = await readUpload(req);
      files = parsed.files;
      try {
        metadata = jsonField(parsed.fields, 'metadata');
      } catch (e) {
        await reg.discard(files);
        throw e;
      }
    } else {
      metadata = req.body;
    }
    let remove: string[] = [];
    if (metadata !== undefined && metadata !== null && typeof metadata === 'object') {
      const { removeFileIds, ...rest } = metadata as { removeFileIds?: unknown };
      if (removeFileIds !== undefined) {
        if (!Array.isArray(removeFileIds) || !removeFileIds.every((x) => typeof x === 'string')) {
          await reg.discard(files);
          throw new AppError('VALIDATION', 'removeFileIds', { field: 'removeFileIds', rule: 'type' });
        }
        remove = removeFileIds as string[];
      }
      metadata = Object.keys(rest).length ? rest : undefined;
    }
    return reg.update(actor, req.params.id, metadata, remove, files);
  });

  app.post<{ Params: { id: string } }>('/api/works/:id/submit', { schema: { tags: ['works'], summary: 'Submit for review', params: idParams } }, async (req) => reg.submit(actorOf(req), req.params.id));
  app.post<{ Params: { id: string } }>('/api/works/:id/withdraw', { schema: { tags: ['works'], summary: 'Withdraw from review', params: idParams } }, async (req) => reg.withdraw(actorOf(req), req.params.id));
  app.delete<{ Params: { id: string } }>('/api/works/:id', { schema: { tags: ['works'], summary: 'Delete a draft never submitted', params: idParams } }, async (req, reply) => {
    await reg.remove(actorOf(req), req.params.id);
    return reply.status(204).send();
  });

  app.get<{ Params: { id: string; fileId: string } }>(
    '/api/works/:id/files/:fileId/content',
    { schema: { tags: ['works'], summary: 'A file of a work (Range supported)', params: { type: 'object', properties: { id: { type: 'string' }, fileId: { type: 'string' } }, required: ['id', 'fileId'] } } },
    async (req, reply) => {
      const { file, open } = await reg.file(actorOf(req), req.params.id, req.params.fileId);
      const size = Number(file.size);
      reply.header('content-type', file.media_type);
      reply.header('accept-ranges', 'bytes');
      reply.header('x-content-type-options', 'nosniff');
      reply.header('content-disposition', `inline; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
      reply.header('etag', `"${file.sha256}"`);
      reply.header('cache-control', 'private, max-age=3600');
      const range = /^bytes=(\d*)-(\d*)$/.exec(req.headers.range ?? '');
      if (range && (range[1] || range[2])) {
        const start = range[1] ? Number(range[1]) : Math.max(0, size - Number(range[2]));
        const end = range[1] && range[2] ? Math.min(Number(range[2]), size - 1) : size - 1;
        if (start > end || start >= size) return reply.status(416).header('content-range', `bytes */${size}`).send();
        reply.status(206).header('content-range', `bytes ${start}-${end}/${size}`).header('content-length', end - start + 1);
        return reply.send(open({ start, end }));
      }
      reply.header('content-length', size);
      return reply.send(open());
    },
  );
}
