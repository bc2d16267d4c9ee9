import { gzipSync } from 'node:zlib';
import type { FastifyInstance } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';
import { ErasureService } from '../services/erasure.service.js';
import { actorOf } from './context.js';

const IMMUTABLE = 'public, max-age=31536000, immutable';

/**
 * The registry log, read-only, as a C2SP tlog-tiles log under /log/ (docs/log-operations.md):
 * any tlog client can fetch the checkpoint, verify it with /log/key, and prove entries
 * from the tiles without trusting this server.
 */
export function logRoutes(app: FastifyInstance, p: Platform): void {
  // Public, immutable data: let verifiers on any origin (the offline page, other logs) read it.
  // (Its own context, so other routes do not run this hook.)
  void app.register(async (app) => {
    app.addHook('onSend', (_req, reply, payload, done) => {
      reply.header('access-control-allow-origin', '*').header('cross-origin-resource-policy', 'cross-origin');
      done(null, payload);
    });
    logReadRoutes(app, p);
  });
}

function logReadRoutes(app: FastifyInstance, p: Platform): void {
  const log = p.registryLog;

  app.get('/log/checkpoint', { schema: { tags: ['log'], summary: 'Latest signed checkpoint with its cosignatures (C2SP tlog-checkpoint)' } }, async (_req, reply) => {
    const cp = await log.checkpoint();
    if (!cp) throw new AppError('NOT_FOUND', 'no checkpoint published yet');
    // Mutable: caches may keep it only briefly (tlog-tiles "Checkpoints").
    return reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=2').send(cp.note);
  });

  app.get('/log/key', { schema: { tags: ['log'], summary: 'The log\u2019s signed-note verifier key' } }, async (_req, reply) =>
    reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=300').send(`${log.identity.vkey}\n`),
  );

  // Current key first, then the keys retired by rotations (still valid for the checkpoints they signed).
  app.get('/log/keys', { schema: { tags: ['log'], summary: 'The log\u2019s verifier keys: current, then retired' } }, async (_req, reply) =>
    reply.header('content-type', 'text/plain; charset=utf-8').header('cache-control', 'public, max-age=300').send([...new Set(log.identity.verifierKeys)].map((k) => `${k}\n`).join('')),
  );

  app.get('/log/tile/*', { schema: { tags: ['log'], summary: 'Merkle tree tile or entry bundle (C2SP tlog-tiles)' } }, async (req, reply) => {
    const rest = (req.params as { '*': string })['*'];
    const file = await log.file(`tile/${rest}`);
    if (!file) throw new AppError('NOT_FOUND', 'no such tile');
    reply.header('content-type', file.contentType).header('cache-control', IMMUTABLE);
    // Entry bundles SHOULD be compressed; tiles of hashes would not shrink.
    if (rest.startsWith('entries/') && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').header('vary', 'accept-encoding').send(gzipSync(file.body));
    }
    return reply.send(file.body);
  });

}

/** The log's JSON API and its administration (sessions: registered where the auth hook is). */
export function logApiRoutes(app: FastifyInstance, p: Platform): void {
  const log = p.registryLog;
  app.get<{ Params: { size: string } }>(
    '/api/log/checkpoints/:size',
    { schema: { tags: ['log'], summary: 'A checkpoint (or "latest") with its cosignatures and RFC 3161 timestamp tokens', params: { type: 'object', properties: { size: { type: 'string', pattern: '^(latest|0|[1-9][0-9]{0,15})$' } } } } },
    async (req) => log.checkpointDetails(req.params.size === 'latest' ? undefined : Number(req.params.size)),
  );

  app.get('/api/admin/log/audit', { schema: { tags: ['admin'], summary: 'Run the registry audit (administrators)' } }, async (req) => p.logAudit.runAs(actorOf(req)));

  const erasure = new ErasureService(p.store);
  app.post<{ Body: { workId: string; reason: string } }>(
    '/api/admin/log/erasures',
    {
      schema: {
        tags: ['admin'],
        summary: 'Erase the personal data of a registered work (administrators); the log still verifies',
        body: { type: 'object', properties: { workId: { type: 'string', minLength: 1, maxLength: 100 }, reason: { type: 'string' } }, required: ['workId', 'reason'], additionalProperties: false },
      },
    },
    async (req, reply) => reply.status(201).send(await erasure.erase(actorOf(req), req.body.workId, req.body.reason)),
  );
}
