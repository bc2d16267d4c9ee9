import type { Kysely } from 'kysely';

// Forward-only. One row per log entry whose personal data was erased (privacy law): the
// entry's salt is gone, and this row is what tells the audit that a missing salt is an
// erasure on record rather than an edit.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('log_erasures')
    .addColumn('idx', 'bigint', (c) => c.primaryKey())
    .addColumn('work_id', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('erased_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_erasures_work').on('log_erasures').column('work_id').execute();
}
