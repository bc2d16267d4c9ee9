import type { Kysely } from 'kysely';

// Forward-only. The review queue sorts by one column with the id as tie-breaker; an index
// on exactly (column, id) lets both databases read a page in order instead of sorting
// every registration, and lets OFFSET skip through the index alone.
export async function up(db: Kysely<unknown>): Promise<void> {
  for (const col of ['submitted_at', 'reviewed_at', 'title', 'registration_number', 'updated_at']) {
    await db.schema.createIndex(`works_${col}_id`).on('works').columns([col, 'id', 'status']).execute();
  }
  await db.schema.dropIndex('works_submitted').execute();
  await db.schema.dropIndex('works_reviewed').execute();
}
