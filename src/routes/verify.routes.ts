import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AppError } from '../domain/errors.js';
import type { Platform } from '../platform.js';
import { PublicRecordCache } from '../services/public-record-cache.js';
import { PUBLIC_IMAGE_MAX_BYTES } from '../services/similarity.service.js';
import { actorOf } from './context.js';
import { readMultipart } from './multipart.js';
import { tapUpload } from './upload-tap.js';

const UPLOAD_LIMIT = { rateLimit: { max: 30, timeWindow: '1 minute' } };

/**
 * Public verification (查证) by registration number or content hash: read-only routes on the
 * hot path, registered outside the upload plugin's per-request hooks (verifyUploadRoutes has
 * the file drop).
 */
export function verifyRoutes(app: FastifyInstance, p: Platform): void {
  const ev = p.evidence;
  // Public, no account: generous for people and scripts (CWS_PUBLIC_RATE_LIMIT per minute
  // and address, default 600), a wall for scrapers. 0 switches it off, for benchmarks.
  const PUBLIC_LIMIT = { rateLimit: p.config.publicRateLimit > 0 ? { max: p.config.publicRateLimit, timeWindow: '1 minute' } : (false as const) };
  const records = new PublicRecordCache(p.store, async (n) => withoutSummary(await ev.publicRecord(n)), { ttlMs: p.config.verifyCacheMs, max: 10_000 });

  app.get<{ Params: { number: string } }>(
    '/api/verify/:number',
    { config: PUBLIC_LIMIT, schema: { tags: ['verify'], summary: 'Public record, status and evidence package of a registration number (no account)', params: { type: 'object', properties: { number: { type: 'string', maxLength: 200 } } } } },
    (req, reply) => {
      reply.header('content-type', 'application/json; charset=utf-8');
      const hit = records.fresh(req.params.number);
      if (hit) return reply.send(hit);
      return records.json(req.params.number).then((body) => reply.send(body));
    },
  );

  app.get<{ Params: { number: string } }>(
    '/api/verify/:number/evidence',
    { config: PUBLIC_LIMIT, schema: { tags: ['verify'], summary: 'The evidence package of a registration as a file (docs/evidence-package.md)', params: { type: 'object', properties: { number: { type: 'string', maxLength: 200 } } } } },
    async (req, reply) => {
      const pkg = await ev.packageByNumber(req.params.number);
      const name = `evidence-${pkg.record.registrationNumber.replace(/[^A-Za-z0-9-]/g, '_')}.json`;
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}"; filename*=UTF-8''${encodeURIComponent(`evidence-${pkg.record.registrationNumber}.json`)}`)
        .send(`${JSON.stringify(pkg, null, 2)}\n`);
    },
  );

  app.get<{ Params: { sha256: string } }>(
    '/api/verify/sha256/:sha256',
    { config: PUBLIC_LIMIT, schema: { tags: ['verify'], summary: 'Registrations holding exactly this content (SHA-256, hex)', params: { type: 'object', properties: { sha256: { type: 'string', maxLength: 128 } } } } },
    async (req) => ev.bySha256(req.params.sha256),
  );

}

/**
 * The verify page checks the package in the browser and shows the record itself; the
 * package's bilingual `summary` (text for a person reading the file, no part of any check)
 * only made every answer ~1 KB longer. The file from `/evidence` keeps it.
 */
function withoutSummary<T extends { evidence: object | null }>(record: T): T {
  if (!record.evidence) return record;
  const { summary: _summary, ...evidence } = record.evidence as { summary?: unknown };
  return { ...record, evidence };
}

/** The public file drop (multipart): registered where the upload plugin is. */
export function verifyUploadRoutes(app: FastifyInstance, p: Platform): void {
  const ev = p.evidence;
  app.post(
    '/api/verify/file',
    {
      config: UPLOAD_LIMIT,
      schema: {
        tags: ['verify'],
        summary: 'Drop a file (multipart field "file"): exact SHA-256 match against the registry, and for images up to 32 MB the registered images similar to it (`similar`: PDQ distance ≤ 31, not identical); the file is never stored',
      },
    },
    async (req) => {
      const parsed = await readMultipart(req, async (field, _name, stream) => {
        if (field !== 'file') {
          stream.resume();
          throw new AppError('MULTIPART', `unexpected file field ${field}`, { reason: 'only one field "file"' });
        }
        const tap = tapUpload(stream, PUBLIC_IMAGE_MAX_BYTES);
        const exact = await ev.byContent(tap.stream);
        return { exact, upload: { head: tap.head(), bytes: tap.bytes() } };
      }, async () => undefined);
      if (parsed.files.length !== 1) throw new AppError('FILE_MISSING', 'send exactly one file in the field "file"', { field: 'file' });
      const { exact, upload } = parsed.files[0]!;
      return { ...exact, similar: await p.similarity.similarRegisteredImages(upload, exact.sha256) };
    },
  );
}

const keyOf = (req: FastifyRequest): string => String(req.headers.authorization ?? req.ip).slice(0, 120);
const JUDICIAL_LIMIT = { rateLimit: { max: 120, timeWindow: '1 minute', keyGenerator: keyOf } };

/**
 * Courts and copyright offices: `Authorization: Bearer cwsj_…` lookups (one query
 * parameter: number, sha256 or owner), and the admin's key management.
 */
export function judicialRoutes(app: FastifyInstance, p: Platform): void {
  const j = p.judicial;
  app.get<{ Querystring: { number?: string; sha256?: string; owner?: string } }>(
    '/api/judicial/registrations',
    {
      config: JUDICIAL_LIMIT,
      schema: {
        tags: ['judicial'],
        summary: 'One-step retrieval of registrations with their evidence packages (judicial API key; every use is audited and shown to the owner)',
        querystring: { type: 'object', additionalProperties: false, properties: { number: { type: 'string' }, sha256: { type: 'string' }, owner: { type: 'string' } } },
      },
    },
    async (req) => {
      const key = await j.authenticate(req.headers.authorization);
      const given = (['number', 'sha256', 'owner'] as const).filter((k) => req.query[k] !== undefined);
      if (given.length !== 1) throw new AppError('VALIDATION', 'give exactly one of number, sha256, owner', { field: 'query', rule: 'one-of' });
      const by = given[0]!;
      return j.lookup(key, `lookup:${by}`, req.query[by]!, req.ip);
    },
  );

  app.post<{ Body: { userId: string; name: string; scopes: string[]; expiresAt: string } }>(
    '/api/admin/api-keys',
    {
      schema: {
        tags: ['admin'],
        summary: 'Create a judicial API key (the secret is returned once)',
        body: { type: 'object', required: ['userId', 'name', 'scopes', 'expiresAt'], additionalProperties: false, properties: { userId: { type: 'string' }, name: { type: 'string' }, scopes: { type: 'array', items: { type: 'string' } }, expiresAt: { type: 'string' } } },
      },
    },
    async (req, reply) => reply.code(201).send(await j.createKey(actorOf(req), req.body)),
  );
  app.get('/api/admin/api-keys', { schema: { tags: ['admin'], summary: 'Judicial API keys' } }, async (req) => j.listKeys(actorOf(req)));
  app.delete<{ Params: { id: string } }>('/api/admin/api-keys/:id', { schema: { tags: ['admin'], summary: 'Revoke a judicial API key' } }, async (req, reply) => {
    await j.revokeKey(actorOf(req), req.params.id);
    return reply.code(204).send();
  });
  app.get<{ Params: { id: string } }>('/api/works/:id/judicial-access', { schema: { tags: ['works'], summary: 'Judicial lookups of this work (its owner and admins)' } }, async (req) => j.accessLog(actorOf(req), req.params.id));
}
