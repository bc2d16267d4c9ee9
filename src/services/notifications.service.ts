import { AppError } from '../domain/errors.js';
import { nowIso } from '../domain/ids.js';
import type { Actor } from '../domain/review.js';
import type { Store } from '../repositories/store.js';

export class NotificationsService {
  constructor(private readonly store: Store) {}

  async list(actor: Actor, unreadOnly: boolean, page: number, pageSize: number) {
    const repo = this.store.repos.notifications;
    const [{ items, total }, unreadCount] = await Promise.all([repo.list(actor.id, unreadOnly, pageSize, (page - 1) * pageSize), repo.unreadCount(actor.id)]);
    return {
      items: items.map((n) => {
        const data = JSON.parse(n.data) as { status?: string; reason?: string | null; registrationNumber?: string | null };
        return { id: n.id, kind: n.kind, workId: n.work_id, workTitle: n.work_title, status: data.status ?? n.work_status, reason: data.reason ?? null, registrationNumber: data.registrationNumber ?? null, readAt: n.read_at, createdAt: n.created_at };
      }),
      unreadCount,
      total,
    };
  }

  /** Marking an already read notification again is fine; someone else's is not found. */
  async markRead(actor: Actor, id: string): Promise<void> {
    if (!(await this.store.repos.notifications.owns(actor.id, id))) throw new AppError('NOT_FOUND', 'notification not found');
    await this.store.repos.notifications.markRead(actor.id, id, nowIso());
  }

  async markAllRead(actor: Actor): Promise<void> {
    await this.store.repos.notifications.markRead(actor.id, null, nowIso());
  }
}
