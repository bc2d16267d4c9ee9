import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Platform } from '../platform.js';
import { userView } from '../services/user-view.js';
import { requireUser, SESSION_COOKIE, setSessionCookie } from './context.js';

const str = { type: 'string' } as const;
const obj = (properties: Record<string, unknown>, required: string[] = []) => ({ type: 'object', properties, required, additionalProperties: false }) as const;
const profileProps = { displayName: str, realName: str, campusId: str, unit: str, email: str, locale: { type: 'string', enum: ['zh-CN', 'en'] } };

export function authRoutes(app: FastifyInstance, p: Platform): void {
  const secure = p.config.publicUrl.startsWith('https://');
  const signedIn = (reply: FastifyReply, s: { user: unknown; sessionToken: string; csrfToken: string; expiresAt: string }) => {
    setSessionCookie(reply, s.sessionToken, s.expiresAt, secure);
    return { user: s.user, csrfToken: s.csrfToken };
  };

  app.get('/api/session', { schema: { tags: ['auth'], summary: 'Current user, CSRF token and platform state' } }, async (req) => ({
    user: req.auth ? userView(req.auth.user) : null,
    csrfToken: req.auth?.csrfToken ?? 'anonymous',
    setupRequired: await p.auth.setupRequired(),
    signupAllowed: p.config.allowSignup,
    institution: p.config.institution,
  }));

  app.post<{ Body: { token: string; username: string; password: string; displayName: string } }>(
    '/api/setup',
    { schema: { tags: ['auth'], summary: 'Create the first admin with the one-time link printed at first start', body: obj({ token: str, username: str, password: str, displayName: str }, ['token', 'username', 'password', 'displayName']) } },
    async (req, reply) => signedIn(reply, await p.auth.setup(req.body.token, req.body)),
  );

  app.post<{ Body: Record<string, unknown> & { username: string; password: string } }>(
    '/api/auth/signup',
    { schema: { tags: ['auth'], summary: 'Sign up as a creator', body: obj({ username: str, password: str, ...profileProps }, ['username', 'password', 'displayName']) } },
    async (req, reply) => {
      reply.status(201);
      return signedIn(reply, await p.auth.signup(req.body));
    },
  );

  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      schema: { tags: ['auth'], summary: 'Sign in (rate-limited per address and username)', body: obj({ username: str, password: str }, ['username', 'password']) },
      config: { rateLimit: { max: 10, timeWindow: '1 minute', keyGenerator: (req: FastifyRequest) => `${req.ip}|${String((req.body as { username?: unknown } | undefined)?.username ?? '').toLowerCase()}` } },
    },
    async (req, reply) => signedIn(reply, await p.auth.login(req.body.username, req.body.password)),
  );

  app.post('/api/auth/logout', { schema: { tags: ['auth'], summary: 'Sign out' } }, async (req, reply) => {
    const t = req.cookies[SESSION_COOKIE];
    if (t) await p.auth.logout(t);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.status(204).send();
  });

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/auth/password',
    { schema: { tags: ['auth'], summary: 'Change own password', body: obj({ currentPassword: str, newPassword: str }, ['currentPassword', 'newPassword']) } },
    async (req, reply) => {
      await p.auth.changePassword(requireUser(req), req.body.currentPassword, req.body.newPassword);
      return reply.status(204).send();
    },
  );

  app.get('/api/profile', { schema: { tags: ['auth'], summary: 'Own profile (real-name fields)' } }, async (req) => userView(requireUser(req)));
  app.patch<{ Body: Record<string, unknown> }>('/api/profile', { schema: { tags: ['auth'], summary: 'Update own profile', body: obj(profileProps) } }, async (req) => p.auth.updateProfile(requireUser(req), req.body));
}
