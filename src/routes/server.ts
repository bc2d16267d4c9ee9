import cookie from '@fastify/cookie';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { packageRoot, packageVersion } from '../paths.js';
import type { Platform } from '../platform.js';
import { adminRoutes } from './admin.routes.js';
import { aigcRoutes } from './aigc.routes.js';
import { authRoutes } from './auth.routes.js';
import { certificateRoutes } from './certificate.routes.js';
import { installAuth } from './context.js';
import { installErrorHandler } from './errors.js';
import { installSecurityHeaders } from './security-headers.js';
import { importsRoutes } from './imports.routes.js';
import { logApiRoutes, logRoutes } from './log.routes.js';
import { metaRoutes } from './meta.routes.js';
import { notificationsRoutes } from './notifications.routes.js';
import { reviewRoutes } from './review.routes.js';
import { similarityRoutes } from './similarity.routes.js';
import { witnessRoutes } from './witness.routes.js';
import { judicialRoutes, verifyRoutes, verifyUploadRoutes } from './verify.routes.js';
import { registryEventsRoutes } from './registry-events.routes.js';
import { worksRoutes } from './works.routes.js';

export interface ServerOptions {
  logger?: boolean;
}

/** The HTTP face of the platform: API, OpenAPI docs and the web app, in one Fastify instance. */
export async function buildServer(p: Platform, opts: ServerOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: (opts.logger === false ? undefined : p.log) as FastifyBaseLogger | undefined,
    bodyLimit: 1024 * 1024,
    // On shutdown, idle keep-alive connections are closed instead of waited for.
    forceCloseConnections: 'idle',
    trustProxy: true,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', allErrors: false } },
  });
  const version = packageVersion();
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: { title: 'Copyright Workstation API (版权工作站)', version, description: 'Registration, review and registry of campus works. Errors: `{error: {code, message, details}}`. Writes need the `x-csrf-token` header (see docs/api.md).' },
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'cws_session' } } },
      security: [{ session: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  installSecurityHeaders(app);
  await app.register(rateLimit, { global: false, hook: 'preHandler', errorResponseBuilder: (_req, ctx) => Object.assign(new Error(`rate limited, retry in ${ctx.after}`), { statusCode: 429 }) });
  installErrorHandler(app);

  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', { schema: { tags: ['platform'], summary: 'Liveness and readiness' } }, async () => ({ status: 'ok' }));
  // The public, read-only hot paths (the verify page, C2SP log clients) need no session and
  // no uploads: they stay outside the context of cookies, sessions/CSRF and the upload
  // plugin, whose hooks would otherwise run on each of their requests.
  verifyRoutes(app, p);
  logRoutes(app, p);
  await app.register(async (api) => {
    await api.register(cookie);
    installAuth(api, p.auth);
    await api.register(multipart, {
      // Keep the client's file name as sent, so a hostile one is refused rather than silently cut.
      preservePath: true,
      limits: {
        fileSize: Math.max(p.config.maxFileBytes, p.config.maxImportBytes),
        files: p.config.maxFilesPerWork + 2,
        fields: 20,
        fieldSize: 256 * 1024,
        parts: p.config.maxFilesPerWork + 30,
        headerPairs: 200,
      },
    });
    authRoutes(api, p);
    metaRoutes(api, p, version);
    worksRoutes(api, p);
    certificateRoutes(api, p);
    reviewRoutes(api, p);
    similarityRoutes(api, p);
    aigcRoutes(api, p);
    notificationsRoutes(api, p);
    importsRoutes(api, p);
    adminRoutes(api, p);
    witnessRoutes(api, p);
    verifyUploadRoutes(api, p);
    logApiRoutes(api, p);
    judicialRoutes(api, p);
    registryEventsRoutes(api, p);
  });

  const webRoot = path.join(packageRoot(), 'dist', 'web');
  if (existsSync(path.join(webRoot, 'index.html'))) {
    await app.register(fastifyStatic, { root: webRoot, wildcard: false, index: ['index.html'], maxAge: '1h', setHeaders: (res, file) => {
      // Vite fingerprints assets: they never change under the same name.
      if (file.includes(`${path.sep}assets${path.sep}`)) res.header('cache-control', 'public, max-age=31536000, immutable');
      // The offline evidence verifier is one self-contained file with its script inline (docs/evidence-package.md).
      if (path.basename(file) === 'verifier.html') res.header('content-security-policy', "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'");
    } });
    // Client-side routes (/works/…, /review, …) all load the app shell.
    app.get('/*', { schema: { hide: true } }, (req, reply) => {
      if (req.url.startsWith('/api/')) return reply.callNotFound();
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    });
  } else {
    app.get('/', { schema: { hide: true } }, async () => ({ message: 'web app not built: run `npm run build`', api: '/docs' }));
  }
  return app;
}
