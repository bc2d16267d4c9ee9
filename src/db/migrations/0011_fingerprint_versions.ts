import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// Finds the fingerprints made by an older algorithm version (the check at start whether there is
// any) without reading every row: on SQLite `version` sits after the extracted text in each record,
// so a scan would page through every document's text. With sha256 last, the backfill walks one
// version's rows in SHA-256 order from its cursor straight off the index, with no sort.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.createIndex('fingerprints_kind_version').on('fingerprints').columns(['kind', 'version', 'sha256']).execute();
}
