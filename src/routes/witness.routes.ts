import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';

/**
 * Our C2SP tlog-witness (docs/log-operations.md, "Witnessing other logs"). The protocol
 * fixes the status codes and bodies, so answers go out as the service shapes them rather
 * than through the JSON error handler.
 */
export function witnessRoutes(app: FastifyInstance, p: Platform): void {
  void app.register(async (scope) => {
    // The body is the protocol's own text format, whatever content type the client sends.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_req, body, done) => done(null, body));
    scope.post('/witness/add-checkpoint', { schema: { tags: ['witness'], summary: 'Cosign a checkpoint of a log we witness (C2SP tlog-witness add-checkpoint)' } }, async (req, reply) => {
      const answer = await p.witness.addCheckpoint((req.body as Buffer | undefined) ?? Buffer.alloc(0));
      return reply.status(answer.status).header('content-type', answer.contentType).send(answer.body);
    });
  });

  app.get('/witness/key', { schema: { tags: ['witness'], summary: 'Our witness\u2019s cosignature verifier key' } }, async (_req, reply) =>
    reply.header('content-type', 'text/plain; charset=utf-8').send(`${p.witness.vkey}\n`),
  );

  app.get<{ Params: { hash: string } }>('/witness/:hash/checkpoint', { schema: { tags: ['witness'], summary: 'Latest checkpoint we cosigned for a log (monitoring API)' } }, async (req, reply) => {
    const note = /^[0-9a-f]{64}$/.test(req.params.hash) ? await p.witness.latestCosigned(req.params.hash) : undefined;
    if (!note) throw new AppError('NOT_FOUND', 'no checkpoint cosigned for this log');
    return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=60').send(note);
  });
}
