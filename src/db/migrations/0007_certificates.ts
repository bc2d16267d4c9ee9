import type { Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// Rendered registration certificates (PDF and PNG preview, both in the blob store), one row per
// work and content version: a correction or a new layout is a new version, rendered afresh.
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('certificates')
    .addColumn('work_id', 'text', (c) => c.notNull().references('works.id'))
    // SHA-256 (hex) of everything printed except the checkpoint, plus the layout version and seal.
    .addColumn('version', 'text', (c) => c.notNull())
    .addColumn('pdf_sha256', 'text', (c) => c.notNull())
    .addColumn('pdf_size', 'integer', (c) => c.notNull())
    .addColumn('png_sha256', 'text', (c) => c.notNull())
    .addColumn('png_size', 'integer', (c) => c.notNull())
    .addColumn('pages', 'integer', (c) => c.notNull())
    // The checkpoint printed on the certificate (the newest covering the entry when rendered).
    .addColumn('log_index', 'integer', (c) => c.notNull())
    .addColumn('checkpoint_size', 'integer', (c) => c.notNull())
    .addColumn('root_hash', 'text', (c) => c.notNull())
    // How the preview was drawn: pdftoppm (poppler) or svg (sharp, no poppler on the machine).
    .addColumn('preview', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('certificates_pk', ['work_id', 'version'])
    .execute();
}
