import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';
import { actorOf } from './context.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;

/** The copyright-protection check: a work's similarity report, a rerun, and index figures. */
export function similarityRoutes(app: FastifyInstance, p: Platform): void {
  app.get<{ Params: { id: string } }>(
    '/api/works/:id/similarity',
    {
      schema: {
        tags: ['similarity'],
        summary: 'Similarity report of a work (版权保护校验)',
        description: 'Reviewers see every match (exact duplicates, then near matches with scores: PDQ distance, audio offset and bit error rate, video frame shares, matched text passages). The owner sees only links to their own earlier registrations. `status`: queued | pending | done | not_submitted.',
        params: idParams,
      },
    },
    async (req) => p.similarity.getReport(actorOf(req), req.params.id),
  );

  app.post<{ Params: { id: string } }>(
    '/api/works/:id/similarity',
    { schema: { tags: ['similarity'], summary: 'Run the similarity check again (reviewers)', params: idParams } },
    async (req, reply) => reply.status(202).send(await p.similarity.requestReport(actorOf(req), req.params.id)),
  );

  app.get('/api/similarity/index', { schema: { tags: ['similarity'], summary: 'Size and memory of the near-duplicate indexes (reviewers, admins)' } }, async (req) => {
    const actor = actorOf(req);
    if (actor.role !== 'reviewer' && actor.role !== 'admin') throw new AppError('FORBIDDEN', 'reviewers and admins only');
    await p.similarity.refresh();
    return p.similarity.indexStats();
  });
}
