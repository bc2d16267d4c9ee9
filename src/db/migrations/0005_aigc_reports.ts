import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// The AIGC report of each submitted work (labels found, text detector scores, disclosure check).
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('aigc_reports')
    .addColumn('work_id', 'text', (c) => c.primaryKey().references('works.id'))
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('report', 'text', (c) => c.notNull())
    .addColumn('flagged', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
