import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';
import { newId, nowIso } from '../domain/ids.js';

/** Platform audit log (accounts, roles, sign-ins); work state changes live in work_events. */
export class AuditRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async record(actorId: string | null, action: string, target: string, data: Record<string, unknown> = {}): Promise<void> {
    await this.db.insertInto('audit_log').values({ id: newId(), actor_id: actorId, action, target, data: JSON.stringify(data), created_at: nowIso() }).execute();
  }

  list(limit: number, offset: number) {
    return this.db.selectFrom('audit_log').selectAll().orderBy('id', 'desc').limit(limit).offset(offset).execute();
  }
}
