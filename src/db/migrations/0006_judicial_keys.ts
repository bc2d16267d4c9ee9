import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// API keys for courts and copyright offices (role `judicial`), and every use of them.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('api_keys')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('name', 'text', (c) => c.notNull())
    // JSON array of scopes: lookup:number, lookup:sha256, lookup:owner.
    .addColumn('scopes', 'text', (c) => c.notNull())
    // SHA-256 (hex) of the secret; the secret itself is shown once and never stored.
    .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_by', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('last_used_at', 'text')
    .execute();
  await db.schema
    .createTable('api_key_uses')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id'))
    // Null when the lookup found nothing: the query is still recorded.
    .addColumn('work_id', 'text', (c) => c.references('works.id'))
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('query', 'text', (c) => c.notNull())
    .addColumn('ip', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('api_key_uses_work').on('api_key_uses').columns(['work_id', 'created_at']).execute();
  await db.schema.createIndex('api_key_uses_key').on('api_key_uses').columns(['key_id', 'created_at']).execute();
}
