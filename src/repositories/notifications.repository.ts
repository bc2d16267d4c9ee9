import type { Kysely, Selectable } from 'kysely';
import type { DB, NotificationsTable } from '../db/schema.js';

export type NotificationRow = Selectable<NotificationsTable>;

export class NotificationsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(rows: NotificationRow[]): Promise<void> {
    if (rows.length) await this.db.insertInto('notifications').values(rows).execute();
  }

  async list(userId: string, unreadOnly: boolean, limit: number, offset: number) {
    let base = this.db.selectFrom('notifications').where('user_id', '=', userId);
    if (unreadOnly) base = base.where('read_at', 'is', null);
    const items = await base
      .leftJoin('works', 'works.id', 'notifications.work_id')
      .selectAll('notifications')
      .select(['works.title as work_title', 'works.status as work_status'])
      .orderBy('notifications.created_at', 'desc')
      .orderBy('notifications.id', 'desc')
      .limit(limit)
      .offset(offset)
      .execute();
    const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
    return { items, total: Number(total.n) };
  }

  async owns(userId: string, id: string): Promise<boolean> {
    const r = await this.db.selectFrom('notifications').select('id').where('id', '=', id).where('user_id', '=', userId).executeTakeFirst();
    return r !== undefined;
  }

  async unreadCount(userId: string): Promise<number> {
    const r = await this.db.selectFrom('notifications').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async markRead(userId: string, id: string | null, now: string): Promise<number> {
    let q = this.db.updateTable('notifications').set({ read_at: now }).where('user_id', '=', userId).where('read_at', 'is', null);
    if (id) q = q.where('id', '=', id);
    const r = await q.executeTakeFirst();
    return Number(r.numUpdatedRows);
  }
}
