import type { Kysely, Selectable } from 'kysely';
import type { CertificatesTable, DB } from '../db/schema.js';

export type CertificateRow = Selectable<CertificatesTable>;

/** Rendered certificates, one row per work and content version (older versions are kept). */
export class CertificatesRepository {
  constructor(private readonly db: Kysely<DB>) {}

  get(workId: string, version: string): Promise<CertificateRow | undefined> {
    return this.db.selectFrom('certificates').selectAll().where('work_id', '=', workId).where('version', '=', version).executeTakeFirst();
  }

  /**
   * Same version, same content: a second render (another process, or files found missing) only
   * refreshes where the files are; the PDF bytes are deterministic, the preview may differ.
   */
  async save(row: CertificateRow): Promise<void> {
    const { pdf_sha256, pdf_size, png_sha256, png_size, preview } = row;
    await this.db
      .insertInto('certificates')
      .values(row)
      .onConflict((oc) => oc.columns(['work_id', 'version']).doUpdateSet({ pdf_sha256, pdf_size, png_sha256, png_size, preview }))
      .execute();
  }
  /**
   * Erasure: certificates print names, so a work's rendered ones are forgotten. Their files,
   * once no row names them, are removed by the orphan sweep (blob-gc); a new request renders
   * the certificate again from the erased row.
   */
  async removeOfWork(workId: string): Promise<number> {
    const rows = await this.db.selectFrom('certificates').select(['pdf_sha256', 'png_sha256']).where('work_id', '=', workId).execute();
    if (rows.length === 0) return 0;
    await this.db.deleteFrom('certificates').where('work_id', '=', workId).execute();
    const hashes = [...new Set(rows.flatMap((r) => [r.pdf_sha256, r.png_sha256]))];
    await this.db
      .deleteFrom('blobs')
      .where('sha256', 'in', hashes)
      .where(({ not, exists, selectFrom }) => not(exists(selectFrom('work_files').select('work_files.id').whereRef('work_files.sha256', '=', 'blobs.sha256'))))
      .where(({ not, exists, selectFrom }) =>
        not(exists(selectFrom('certificates').select('certificates.work_id').where((eb) => eb.or([eb('certificates.pdf_sha256', '=', eb.ref('blobs.sha256')), eb('certificates.png_sha256', '=', eb.ref('blobs.sha256'))])))),
      )
      .execute();
    return rows.length;
  }
}
