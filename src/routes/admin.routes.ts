import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.js';
import { pageParams, requireUser } from './context.js';

const str = { type: 'string' } as const;

export function adminRoutes(app: FastifyInstance, p: Platform): void {
  app.get<{ Querystring: { q?: string; page?: number; pageSize?: number } }>(
    '/api/admin/users',
    { schema: { tags: ['admin'], summary: 'Users', querystring: { type: 'object', properties: { q: str, page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: 100 } } } } },
    async (req) => {
      const { page, pageSize } = pageParams(req.query);
      return p.auth.listUsers(requireUser(req), req.query.q ?? '', page, pageSize);
    },
  );
  app.post<{ Body: { username: string; password: string; role: string; displayName: string } }>(
    '/api/admin/users',
    { schema: { tags: ['admin'], summary: 'Create a user (must change password at first sign-in)', body: { type: 'object', properties: { username: str, password: str, role: { type: 'string', enum: ['creator', 'reviewer', 'admin', 'judicial'] }, displayName: str, realName: str, campusId: str, unit: str, email: str }, required: ['username', 'password', 'role', 'displayName'], additionalProperties: false } } },
    async (req, reply) => reply.status(201).send(await p.auth.createUser(requireUser(req), req.body)),
  );
  app.patch<{ Params: { id: string }; Body: { role?: string; disabled?: boolean } }>(
    '/api/admin/users/:id',
    { schema: { tags: ['admin'], summary: 'Change role or disable', body: { type: 'object', properties: { role: { type: 'string', enum: ['creator', 'reviewer', 'admin', 'judicial'] }, disabled: { type: 'boolean' } }, additionalProperties: false } } },
    async (req) => p.auth.updateUser(requireUser(req), req.params.id, req.body),
  );
  app.post<{ Params: { id: string } }>('/api/admin/users/:id/reset-password', { schema: { tags: ['admin'], summary: 'Reset a password; returns a temporary one' } }, async (req) => p.auth.resetPassword(requireUser(req), req.params.id));
}
