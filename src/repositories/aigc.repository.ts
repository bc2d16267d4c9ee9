import type { Kysely, Selectable } from 'kysely';
import type { AigcReportsTable, DB } from '../db/schema.js';

export type AigcReportRow = Selectable<AigcReportsTable>;

/** The AIGC report of each work (one row per work, replaced on every run). */
export class AigcRepository {
  constructor(private readonly db: Kysely<DB>) {}

  report(workId: string): Promise<AigcReportRow | undefined> {
    return this.db.selectFrom('aigc_reports').selectAll().where('work_id', '=', workId).executeTakeFirst();
  }

  async saveReport(row: AigcReportRow): Promise<void> {
    await this.db
      .insertInto('aigc_reports')
      .values(row)
      .onConflict((oc) => oc.column('work_id').doUpdateSet({ status: row.status, report: row.report, flagged: row.flagged, updated_at: row.updated_at }))
      .execute();
  }
}
