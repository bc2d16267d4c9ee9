import type { Kysely, Selectable } from 'kysely';
import type { DB, FingerprintsTable, SimilarityReportsTable } from '../db/schema.js';

export type FingerprintRow = Selectable<FingerprintsTable>;
export type SimilarityReportRow = Selectable<SimilarityReportsTable>;

/** A work that holds a given blob, as the similarity report shows it. */
export interface BlobHolder {
  sha256: string;
  file_id: string;
  filename: string;
  work_id: string;
  title: string;
  status: string;
  owner_id: string;
  owner_name: string | null;
  registration_number: string | null;
  registered_at: string | null;
  submitted_at: string | null;
}

export class FingerprintsRepository {
  constructor(private readonly db: Kysely<DB>) {}

  bySha(sha256: string): Promise<FingerprintRow | undefined> {
    return this.db.selectFrom('fingerprints').selectAll().where('sha256', '=', sha256).executeTakeFirst();
  }

  byShas(shas: string[]): Promise<FingerprintRow[]> {
    if (shas.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('fingerprints').selectAll().where('sha256', 'in', shas).execute();
  }

  /** Stores a fingerprint; a concurrent worker that got there first wins (fingerprints of the same bytes are equal). */
  async upsert(row: FingerprintRow): Promise<void> {
    await this.db
      .insertInto('fingerprints')
      .values(row)
      .onConflict((oc) => oc.column('sha256').doUpdateSet({ kind: row.kind, status: row.status, error: row.error, pdq: row.pdq, quality: row.quality, data: row.data, content: row.content, version: row.version, created_at: row.created_at }))
      .execute();
  }

  /** Successful fingerprints created at or after `since` (ISO), oldest first, without the extracted text. */
  async *since(since: string, batch = 5000): AsyncGenerator<Omit<FingerprintRow, 'content'>[]> {
    let after = since;
    let afterSha = '';
    for (;;) {
      const rows = await this.db
        .selectFrom('fingerprints')
        .select(['sha256', 'kind', 'status', 'error', 'pdq', 'quality', 'data', 'version', 'created_at'])
        .where('status', '=', 'ok')
        .where((eb) => eb.or([eb('created_at', '>', after), eb.and([eb('created_at', '=', after), eb('sha256', '>', afterSha)])]))
        .orderBy('created_at')
        .orderBy('sha256')
        .limit(batch)
        .execute();
      if (rows.length === 0) return;
      yield rows;
      const last = rows[rows.length - 1]!;
      after = last.created_at;
      afterSha = last.sha256;
      if (rows.length < batch) return;
    }
  }

  /** Submitted (or registered) works holding any of these blobs, except `exceptWorkId`. Drafts never submitted stay private. */
  holders(shas: string[], exceptWorkId: string | null): Promise<BlobHolder[]> {
    if (shas.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .leftJoin('users', 'users.id', 'works.owner_id')
      .select([
        'work_files.sha256', 'work_files.id as file_id', 'work_files.filename', 'works.id as work_id', 'works.title', 'works.status', 'works.owner_id',
        'users.display_name as owner_name', 'works.registration_number', 'works.registered_at', 'works.submitted_at',
      ])
      .where('work_files.sha256', 'in', shas)
      .where('works.ever_submitted', '=', 1)
      .$if(exceptWorkId !== null, (q) => q.where('works.id', '!=', exceptWorkId!))
      .execute();
  }

  report(workId: string): Promise<SimilarityReportRow | undefined> {
    return this.db.selectFrom('similarity_reports').selectAll().where('work_id', '=', workId).executeTakeFirst();
  }

  async saveReport(row: SimilarityReportRow): Promise<void> {
    await this.db
      .insertInto('similarity_reports')
      .values(row)
      .onConflict((oc) => oc.column('work_id').doUpdateSet({ status: row.status, report: row.report, flagged: row.flagged, updated_at: row.updated_at }))
      .execute();
  }

  /**
   * Fingerprints of `kind` made by algorithm `version` that decoded (status ok), by SHA-256 after
   * `afterSha`: the backfill's work list, read in order off index 0011.
   */
  async ofVersion(kind: string, version: number, afterSha: string, limit: number): Promise<{ sha256: string }[]> {
    return this.db
      .selectFrom('fingerprints')
      .select(['sha256'])
      .where('kind', '=', kind)
      .where('version', '=', version)
      .where('sha256', '>', afterSha)
      .where('status', '=', 'ok')
      .orderBy('sha256')
      .limit(limit)
      .execute();
  }

  /** How many fingerprints of `kind` that decoded are older than `version`. */
  async countStale(kind: string, version: number): Promise<number> {
    const r = await this.db
      .selectFrom('fingerprints')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('kind', '=', kind)
      .where('version', '<', version)
      .where('status', '=', 'ok')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  async countByKind(): Promise<Record<string, number>> {
    const rows = await this.db.selectFrom('fingerprints').select(['kind', (eb) => eb.fn.countAll<number>().as('n')]).where('status', '=', 'ok').groupBy('kind').execute();
    return Object.fromEntries(rows.map((r) => [r.kind, Number(r.n)]));
  }
}
