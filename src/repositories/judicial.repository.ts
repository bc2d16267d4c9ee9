import type { Insertable, Kysely, Selectable } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { ApiKeysTable, ApiKeyUsesTable, DB } from '../db/schema.js';
import { contains } from './sql.js';

export type ApiKeyRow = Selectable<ApiKeysTable>;

/** Judicial API keys and the record of every lookup made with them. */
export class JudicialRepository {
  constructor(
    private readonly db: Kysely<DB>,
    private readonly dialect: Dialect,
  ) {}

  async insertKey(row: ApiKeyRow): Promise<void> {
    await this.db.insertInto('api_keys').values(row).execute();
  }

  keyBySecretHash(hash: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('secret_hash', '=', hash).executeTakeFirst();
  }

  keyById(id: string): Promise<ApiKeyRow | undefined> {
    return this.db.selectFrom('api_keys').selectAll().where('id', '=', id).executeTakeFirst();
  }

  keys() {
    return this.db
      .selectFrom('api_keys')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_keys.id', 'api_keys.name', 'api_keys.scopes', 'api_keys.user_id', 'users.username', 'api_keys.created_at', 'api_keys.expires_at', 'api_keys.revoked_at', 'api_keys.last_used_at'])
      .orderBy('api_keys.created_at', 'desc')
      .execute();
  }

  async revoke(id: string, now: string): Promise<void> {
    await this.db.updateTable('api_keys').set({ revoked_at: now }).where('id', '=', id).where('revoked_at', 'is', null).execute();
  }

  async recordUses(keyId: string, rows: Insertable<ApiKeyUsesTable>[], now: string): Promise<void> {
    if (rows.length > 0) await this.db.insertInto('api_key_uses').values(rows).execute();
    await this.db.updateTable('api_keys').set({ last_used_at: now }).where('id', '=', keyId).execute();
  }

  /** Who looked this work up with a judicial key: shown to the work's owner. */
  usesOfWork(workId: string) {
    return this.db
      .selectFrom('api_key_uses')
      .innerJoin('api_keys', 'api_keys.id', 'api_key_uses.key_id')
      .innerJoin('users', 'users.id', 'api_keys.user_id')
      .select(['api_key_uses.id', 'api_key_uses.scope', 'api_key_uses.created_at', 'api_keys.name as key_name', 'users.display_name as holder'])
      .where('api_key_uses.work_id', '=', workId)
      .orderBy('api_key_uses.created_at', 'desc')
      .limit(500)
      .execute();
  }

  /** Registered works whose copyright owners' text contains `name`. */
  registeredByOwner(name: string) {
    return this.db
      .selectFrom('works')
      .select(['id', 'registration_number'])
      .where('registration_number', 'is not', null)
      .where(contains(this.dialect, 'works.owners', name))
      .orderBy('registered_at', 'desc')
      .limit(50)
      .execute();
  }
}
