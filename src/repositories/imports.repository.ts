import type { Kysely, Selectable } from 'kysely';
import type { DB, ImportBatchesTable } from '../db/schema.js';

export type ImportBatchRow = Selectable<ImportBatchesTable>;

export class ImportsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  async insert(row: ImportBatchRow): Promise<void> {
    await this.db.insertInto('import_batches').values(row).execute();
  }

  byId(id: string): Promise<ImportBatchRow | undefined> {
    return this.db.selectFrom('import_batches').selectAll().where('id', '=', id).executeTakeFirst();
  }

  listForUser(userId: string, limit: number): Promise<ImportBatchRow[]> {
    return this.db.selectFrom('import_batches').selectAll().where('user_id', '=', userId).orderBy('created_at', 'desc').limit(limit).execute();
  }

  async update(id: string, patch: Partial<Omit<ImportBatchRow, 'id'>>): Promise<void> {
    await this.db.updateTable('import_batches').set(patch).where('id', '=', id).execute();
  }
}
