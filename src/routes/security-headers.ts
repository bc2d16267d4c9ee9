import type { FastifyInstance } from 'fastify';
import helmet, { type HelmetOptions } from 'helmet';
import type { IncomingMessage, ServerResponse } from 'node:http';

/** The Content-Security-Policy of the web app and the API: same-origin only, inline styles for antd. */
export const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    directives: {
      defaultSrc: ["'self'"],
      styleSrc: ["'self'", "'unsafe-inline'"],
      imgSrc: ["'self'", 'data:', 'blob:'],
      mediaSrc: ["'self'", 'blob:'],
      objectSrc: ["'self'"],
      frameSrc: ["'self'"],
      scriptSrc: ["'self'"],
    },
  },
  crossOriginEmbedderPolicy: false,
};

/**
 * The headers helmet sets for these options, computed once. Our options have no part that
 * varies per request (no CSP nonces), so running helmet's middleware on every request only
 * re-parsed the same directives: about a tenth of the server's time on the public verify route.
 */
export function securityHeaders(opts: HelmetOptions = HELMET_OPTIONS): ReadonlyArray<readonly [string, string]> {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => void headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => void headers.delete(name.toLowerCase()),
    getHeader: (name: string) => headers.get(name.toLowerCase()),
  };
  let done = false;
  helmet(opts)({} as IncomingMessage, res as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err instanceof Error ? err : new Error(String(err));
    done = true;
  });
  // helmet's middleware is synchronous; if a future version were not, the headers would be incomplete.
  if (!done) throw new Error('helmet did not finish synchronously: security headers cannot be precomputed');
  return Object.freeze([...headers].map(([k, v]) => Object.freeze([k, v] as const)));
}

/**
 * The headers of an API answer (JSON, files): OWASP's REST set. A browser applies CSP,
 * framing and similar policies to documents, not to what a page fetches; if an answer is
 * opened as a document anyway, `default-src 'none'` lets it load nothing and it cannot be
 * framed. Half as many headers as a page gets, which matters on the public verify route.
 */
export const API_SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = Object.freeze([
  ['content-security-policy', "default-src 'none'; frame-ancestors 'none'"],
  ['x-content-type-options', 'nosniff'],
  ['x-frame-options', 'DENY'],
  ['strict-transport-security', 'max-age=31536000; includeSubDomains'],
  ['referrer-policy', 'no-referrer'],
  ['cross-origin-resource-policy', 'same-origin'],
] as const);

/**
 * Sets the security headers on every answer, as Fastify reply headers: a route that sets one
 * itself later wins (the offline verifier's own CSP does), and Node writes them with the
 * answer's own headers in one pass. Pages and documents get helmet's full set; /api/ answers
 * the REST set.
 */
export function installSecurityHeaders(app: FastifyInstance, opts?: HelmetOptions): void {
  const page = securityHeaders(opts);
  app.addHook('onRequest', (req, reply, done) => {
    for (const [name, value] of req.url.startsWith('/api/') ? API_SECURITY_HEADERS : page) reply.header(name, value);
    done();
  });
}
