import type { FastifyInstance } from 'fastify';
import type { Platform } from '../platform.js';
import { actorOf, pageParams } from './context.js';

export function notificationsRoutes(app: FastifyInstance, p: Platform): void {
  app.get<{ Querystring: { unread?: string; page?: number; pageSize?: number } }>(
    '/api/notifications',
    { schema: { tags: ['notifications'], summary: 'My notifications and unread count', querystring: { type: 'object', properties: { unread: { type: 'string' }, page: { type: 'integer', minimum: 1 }, pageSize: { type: 'integer', minimum: 1, maximum: 100 } } } } },
    async (req) => {
      const { page, pageSize } = pageParams(req.query);
      return p.notifications.list(actorOf(req), req.query.unread === '1' || req.query.unread === 'true', page, pageSize);
    },
  );
  app.post<{ Params: { id: string } }>('/api/notifications/:id/read', { schema: { tags: ['notifications'], summary: 'Mark one read' } }, async (req, reply) => {
    await p.notifications.markRead(actorOf(req), req.params.id);
    return reply.status(204).send();
  });
  app.post('/api/notifications/read-all', { schema: { tags: ['notifications'], summary: 'Mark all read' } }, async (req, reply) => {
    await p.notifications.markAllRead(actorOf(req));
    return reply.status(204).send();
  });
}
