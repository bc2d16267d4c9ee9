import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// Corrections and revocations of registrations (docs/leaf-format.md, kinds `correction` and
// `revocation`). The works row keeps the registration as approved; each later event is a
// row here and a log entry of its own, so the approval's leaf stays checkable for ever.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('registry_events')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id'))
    // correction | revocation
    .addColumn('kind', 'text', (c) => c.notNull())
    // The corrected columns of works, space-separated in leaf order ('' for a revocation): public.
    .addColumn('columns', 'text', (c) => c.notNull())
    // JSON object column → new stored text of that column ({} for a revocation): personal data.
    .addColumn('fields', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('actor_id', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('registry_events_work').on('registry_events').columns(['work_id', 'created_at']).execute();
}
