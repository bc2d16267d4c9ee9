import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.js';
import type { CorrectionInput } from '../services/registry-events.service.js';
import { actorOf } from './context.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const str = { type: 'string' } as const;
// Reasons are checked by the service so that a non-admin hears 403 before anything about the body.
const reason = { type: 'string', maxLength: 2000 } as const;
const eventSchema = {
  type: 'object',
  properties: {
    id: str, kind: { type: 'string', enum: ['correction', 'revocation'] }, createdAt: str, reason: str,
    corrected: { type: 'object', additionalProperties: true },
    log: { type: ['object', 'null'], properties: { index: { type: 'integer' }, leafHash: { type: ['string', 'null'] } } },
  },
} as const;
const resultSchema = { type: 'object', properties: { status: { type: 'string', enum: ['corrected', 'revoked'] }, event: eventSchema } } as const;

/** Corrections and revocations of registrations by administrators, and a registration's event history. */
export function registryEventsRoutes(app: FastifyInstance, p: Platform): void {
  app.post<{ Params: { id: string }; Body: CorrectionInput }>(
    '/api/admin/works/:id/corrections',
    {
      schema: {
        tags: ['admin'],
        summary: 'Correct registered public fields, with a reason; logged as a `correction` entry of the registry log',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: {
            reason, title: str, description: str, completedOn: str,
            authors: { type: 'array', items: { type: 'object' } }, owners: { type: 'array', items: { type: 'object' } },
            publication: { type: 'object' }, aiDisclosure: { type: 'object' },
          },
        },
        response: { 201: resultSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await p.registryEvents.correct(actorOf(req), req.params.id, req.body ?? {})),
  );
  app.post<{ Params: { id: string }; Body: { reason?: string } }>(
    '/api/admin/works/:id/revocation',
    {
      schema: {
        tags: ['admin'],
        summary: 'Revoke a registration, with a reason; logged as a `revocation` entry of the registry log (final)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { reason } },
        response: { 201: resultSchema },
      },
    },
    async (req, reply) => reply.code(201).send(await p.registryEvents.revoke(actorOf(req), req.params.id, req.body?.reason)),
  );
  app.get<{ Params: { id: string } }>(
    '/api/works/:id/registry-events',
    { schema: { tags: ['works'], summary: 'Corrections and revocations of a registration with their log indexes (owner, reviewers, admins)', params: idParams, response: { 200: { type: 'array', items: eventSchema } } } },
    async (req) => p.registryEvents.historyFor(actorOf(req), req.params.id),
  );
}
