import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../platform.js';
import type { CertificateFormat } from '../services/certificate.service.js';
import { actorOf } from './context.js';

const idParams = { type: 'object', properties: { id: { type: 'string', maxLength: 64 } }, required: ['id'] } as const;
const errorSchema = { type: 'object', properties: { error: { type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' }, details: { type: 'object', additionalProperties: true } } } } } as const;
const description =
  'Owner, reviewers and admins. Rendered by the `certificate.render` job queued at approval; a request before that job ran renders it at once (about 0.1 s) and caches it. ' +
  '403 for other accounts; 409 `CONFLICT` with `details.rule` = `not_registered` when the work is not approved, or `not_yet_published` in the second after approval before a checkpoint covers it. docs/certificate.md.';

/** Registration certificates: GET /api/works/:id/certificate.pdf and .png. */
export function certificateRoutes(app: FastifyInstance, p: Platform): void {
  const send = async (req: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, format: CertificateFormat) => {
    const c = await p.certificates.open(actorOf(req), req.params.id, format);
    const etag = `"${c.sha256}"`;
    reply.header('etag', etag);
    reply.header('cache-control', 'private, no-cache');
    reply.header('x-content-type-options', 'nosniff');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    const name = `certificate-${c.number}.${format}`;
    reply.header('content-type', format === 'pdf' ? 'application/pdf' : 'image/png');
    reply.header('content-length', c.size);
    reply.header('content-disposition', `${format === 'pdf' ? 'attachment' : 'inline'}; filename="certificate.${format}"; filename*=UTF-8''${encodeURIComponent(name)}`);
    return reply.send(c.stream());
  };
  const binary = (mime: string) => ({ 200: { description: mime, content: { [mime]: { schema: { type: 'string', format: 'binary' } } } }, 403: errorSchema, 404: errorSchema, 409: errorSchema });

  app.get<{ Params: { id: string } }>(
    '/api/works/:id/certificate.pdf',
    { schema: { tags: ['works'], summary: 'The registration certificate (作品登记证书) as PDF', description, params: idParams, response: binary('application/pdf') } },
    (req, reply) => send(req, reply, 'pdf'),
  );
  app.get<{ Params: { id: string } }>(
    '/api/works/:id/certificate.png',
    { schema: { tags: ['works'], summary: 'A PNG preview of the certificate\u2019s first page (1000 px wide)', description, params: idParams, response: binary('image/png') } },
    (req, reply) => send(req, reply, 'png'),
  );
}
