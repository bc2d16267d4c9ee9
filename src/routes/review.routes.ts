import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.js';
import { actorOf, pageParams } from './context.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const reasonBody = { type: 'object', properties: { reason: { type: 'string', maxLength: 2000 } }, required: ['reason'] } as const;

export function reviewRoutes(app: FastifyInstance, p: Platform): void {
  app.get<{ Querystring: { status?: string; category?: string; q?: string; reviewer?: string; sort?: string; order?: string; page?: number; pageSize?: number } }>(
    '/api/review/works',
    {
      schema: {
        tags: ['review'],
        summary: 'Review queue (the seed\u2019s table): filter, sort, search, paginate',
        querystring: {
          type: 'object',
          properties: {
            status: { type: 'string' }, category: { type: 'string' }, q: { type: 'string', maxLength: 200 }, reviewer: { type: 'string', enum: ['me'] },
            sort: { type: 'string', enum: ['submittedAt', 'reviewedAt', 'title', 'registrationNumber'] }, order: { type: 'string', enum: ['asc', 'desc'] },
            page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: 100 },
          },
        },
      },
    },
    async (req) => p.review.queue(actorOf(req), { ...req.query, ...pageParams(req.query) }),
  );

  app.post<{ Params: { id: string } }>('/api/review/works/:id/claim', { schema: { tags: ['review'], summary: 'Claim a work for review', params: idParams } }, async (req) => p.review.decide(actorOf(req), req.params.id, 'claim'));
  app.post<{ Params: { id: string } }>('/api/review/works/:id/approve', { schema: { tags: ['review'], summary: 'Approve; assigns the registration number', params: idParams } }, async (req) => p.review.decide(actorOf(req), req.params.id, 'approve'));
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/review/works/:id/reject', { schema: { tags: ['review'], summary: 'Reject with a reason', params: idParams, body: reasonBody } }, async (req) =>
    p.review.decide(actorOf(req), req.params.id, 'reject', req.body.reason),
  );
  app.post<{ Params: { id: string }; Body: { reason: string } }>('/api/review/works/:id/request-changes', { schema: { tags: ['review'], summary: 'Ask the creator for changes', params: idParams, body: reasonBody } }, async (req) =>
    p.review.decide(actorOf(req), req.params.id, 'request_changes', req.body.reason),
  );
}
