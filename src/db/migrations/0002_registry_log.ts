import { PostgresAdapter, sql, type Kysely } from 'kysely';

/**
 * The registry's transparency log (docs/log-operations.md): sequenced entries, the tree as
 * tlog-tiles, signed checkpoints with their cosignatures and timestamps, and the state of
 * the witness we run for other logs. Forward-only: never edit once landed.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  // Hashes and leaves are bytes: bytea on PostgreSQL, blob on SQLite.
  const bytes = db.getExecutor().adapter instanceof PostgresAdapter ? sql`bytea` : sql`blob`;

  await db.schema
    .createTable('log_entries')
    .addColumn('idx', 'bigint', (c) => c.primaryKey())
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('work_id', 'text')
    .addColumn('event_id', 'text', (c) => c.notNull().unique())
    .addColumn('entry', bytes, (c) => c.notNull())
    // RFC 6962 leaf hash of `entry`, computed when sequenced: integration reads 32 bytes, not the entry.
    .addColumn('leaf_hash', bytes, (c) => c.notNull())
    // Null once the personal data behind the commitments has been erased.
    .addColumn('salt', bytes)
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('log_entries_work').on('log_entries').columns(['work_id', 'idx']).execute();

  await db.schema
    .createTable('log_tiles')
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('idx', 'bigint', (c) => c.notNull())
    .addColumn('width', 'integer', (c) => c.notNull())
    .addColumn('hashes', bytes, (c) => c.notNull())
    .addPrimaryKeyConstraint('log_tiles_pk', ['level', 'idx'])
    .execute();

  await db.schema
    .createTable('log_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('origin', 'text', (c) => c.notNull())
    .addColumn('vkey', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('log_checkpoints')
    .addColumn('size', 'bigint', (c) => c.primaryKey())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('log_cosignatures')
    .addColumn('checkpoint_size', 'bigint', (c) => c.notNull())
    .addColumn('witness_key', 'text', (c) => c.notNull())
    .addColumn('line', 'text', (c) => c.notNull())
    .addColumn('timestamp', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_cosignatures_pk', ['checkpoint_size', 'witness_key'])
    .execute();

  await db.schema
    .createTable('log_timestamps')
    .addColumn('checkpoint_size', 'bigint', (c) => c.notNull())
    .addColumn('tsa_url', 'text', (c) => c.notNull())
    .addColumn('token', bytes, (c) => c.notNull())
    .addColumn('gen_time', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('log_timestamps_pk', ['checkpoint_size', 'tsa_url'])
    .execute();

  // What each configured witness last cosigned for us, so requests carry the right old size.
  await db.schema
    .createTable('log_witnesses')
    .addColumn('witness_key', 'text', (c) => c.primaryKey())
    .addColumn('cosigned_size', 'bigint', (c) => c.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  // Our witness: the latest checkpoint we cosigned per log origin (tlog-witness).
  await db.schema
    .createTable('witness_checkpoints')
    .addColumn('origin', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('root', bytes, (c) => c.notNull())
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
}
