import type { Kysely, Selectable } from 'kysely';
import type { DB, SessionsTable, SetupTokensTable } from '../db/schema.js';

export type SessionRow = Selectable<SessionsTable>;

export class SessionsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: SessionRow): Promise<void> {
    await this.db.insertInto('sessions').values(row).execute();
  }

  byId(id: string): Promise<SessionRow | undefined> {
    return this.db.selectFrom('sessions').selectAll().where('id', '=', id).executeTakeFirst();
  }

  async delete(id: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('id', '=', id).execute();
  }

  async deleteForUser(userId: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('user_id', '=', userId).execute();
  }

  async deleteExpired(now: string): Promise<void> {
    await this.db.deleteFrom('sessions').where('expires_at', '<', now).execute();
  }

  async insertSetupToken(row: Selectable<SetupTokensTable>): Promise<void> {
    await this.db.insertInto('setup_tokens').values(row).execute();
  }

  async unusedSetupTokens(): Promise<number> {
    const r = await this.db.selectFrom('setup_tokens').select((eb) => eb.fn.countAll<number>().as('n')).where('used_at', 'is', null).executeTakeFirstOrThrow();
    return Number(r.n);
  }

  /** Marks the token used; false when it is unknown or already used (one-time link). */
  async useSetupToken(hash: string, now: string): Promise<boolean> {
    const r = await this.db.updateTable('setup_tokens').set({ used_at: now }).where('token_hash', '=', hash).where('used_at', 'is', null).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }

  async invalidateSetupTokens(now: string): Promise<void> {
    await this.db.updateTable('setup_tokens').set({ used_at: now }).where('used_at', 'is', null).execute();
  }
}
