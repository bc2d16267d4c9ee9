import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// Fingerprints of stored files (one row per blob) and the similarity report of each work.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('fingerprints')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('pdq', 'text')
    .addColumn('quality', 'integer')
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('content', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('fingerprints_created').on('fingerprints').column('created_at').execute();
  await db.schema.createIndex('fingerprints_pdq').on('fingerprints').column('pdq').execute();

  await db.schema
    .createTable('similarity_reports')
    .addColumn('work_id', 'text', (c) => c.primaryKey().references('works.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
