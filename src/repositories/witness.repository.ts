import type { Kysely, Selectable } from 'kysely';
import type { DB, WitnessCheckpointsTable } from '../db/schema.js';
import { toBuffer } from './log.repository.js';

export type WitnessCheckpointRow = Selectable<WitnessCheckpointsTable>;

/** Our tlog-witness: the latest checkpoint we cosigned, per log origin. */
export class WitnessRepository {
  constructor(private readonly db: Kysely<DB>) {}

  latest(origin: string): Promise<WitnessCheckpointRow | undefined> {
    return this.db.selectFrom('witness_checkpoints').selectAll().where('origin', '=', origin).executeTakeFirst();
  }

  /**
   * Stores a newly cosigned checkpoint only if the stored size is still `previousSize`
   * (0 = nothing stored). Check and write are one statement, so two concurrent requests
   * can never roll the stored size back (the race described in c2sp.org/tlog-witness).
   */
  async compareAndSwap(origin: string, previousSize: number, next: { size: number; root: Uint8Array; note: string }, now: string): Promise<boolean> {
    const values = { size: next.size, root: toBuffer(next.root), note: next.note, updated_at: now };
    if (previousSize === 0) {
      const inserted = await this.db.insertInto('witness_checkpoints').values({ origin, ...values }).onConflict((oc) => oc.column('origin').doNothing()).executeTakeFirst();
      if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 1) return true;
    }
    const r = await this.db.updateTable('witness_checkpoints').set(values).where('origin', '=', origin).where('size', '=', previousSize).executeTakeFirst();
    return Number(r.numUpdatedRows) === 1;
  }
}
