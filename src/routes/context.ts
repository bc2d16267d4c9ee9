import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { timingSafeEqual } from 'node:crypto';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/review.js';
import type { UserRow } from '../repositories/users.repository.js';
import type { AuthService } from '../services/auth.service.js';

export const SESSION_COOKIE = 'cws_session';

declare module 'fastify' {
  interface FastifyRequest {
    auth: { user: UserRow; csrfToken: string } | null;
  }
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

const same = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/**
 * Reads the session cookie and enforces CSRF on /api writes: with a session, the header must
 * equal the session's token; without one, the header must at least be present, which a
 * cross-site form cannot do (a custom header forces a CORS preflight we never grant).
 */
export function installAuth(app: FastifyInstance, auth: AuthService): void {
  app.decorateRequest('auth', null);
  const csrf = (req: FastifyRequest): void => {
    if (SAFE.has(req.method)) return;
    const header = req.headers['x-csrf-token'];
    if (typeof header !== 'string' || !header) throw new AppError('CSRF', 'missing x-csrf-token header');
    if (req.auth && !same(header, req.auth.csrfToken)) throw new AppError('CSRF', 'x-csrf-token does not match the session');
  };
  // A callback hook, not an async one: requests without a session (the public verify page,
  // scripts) pass without a database read or a promise.
  app.addHook('onRequest', (req, _reply, done) => {
    if (!req.url.startsWith('/api/')) return done();
    const token = req.cookies[SESSION_COOKIE];
    if (!token) {
      try {
        csrf(req);
      } catch (e) {
        return done(e as Error);
      }
      return done();
    }
    auth
      .authenticate(token)
      .then((a) => {
        req.auth = a;
        csrf(req);
      })
      .then(
        () => done(),
        (e: unknown) => done(e as Error),
      );
  });
}

export function requireUser(req: FastifyRequest): UserRow {
  if (!req.auth) throw new AppError('UNAUTHENTICATED', 'sign in first');
  return req.auth.user;
}

export function actorOf(req: FastifyRequest): Actor & { user: UserRow } {
  const user = requireUser(req);
  return { id: user.id, role: user.role as Actor['role'], user };
}

export function setSessionCookie(reply: FastifyReply, token: string, expiresAt: string, secure: boolean): void {
  reply.setCookie(SESSION_COOKIE, token, { path: '/', httpOnly: true, sameSite: 'lax', secure, expires: new Date(expiresAt) });
}

export const pageParams = (q: { page?: number; pageSize?: number }): { page: number; pageSize: number } => ({
  page: Math.max(1, q.page ?? 1),
  pageSize: Math.min(100, Math.max(1, q.pageSize ?? 20)),
});
