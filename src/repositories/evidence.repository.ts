import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.js';

/** Reads behind evidence packages and public verification: a registration by number or content, and its log entry. */
export class EvidenceRepository {
  constructor(private readonly db: Kysely<DB>) {}

  workByNumber(number: string) {
    return this.db.selectFrom('works').selectAll().where('registration_number', '=', number).executeTakeFirst();
  }

  /** Registered works holding a file with this SHA-256 (approved or once approved), newest first. */
  registeredBySha256(sha256: string) {
    return this.db
      .selectFrom('work_files')
      .innerJoin('works', 'works.id', 'work_files.work_id')
      .select(['works.id as work_id', 'works.registration_number', 'work_files.id as file_id'])
      .where('work_files.sha256', '=', sha256)
      .where('works.registration_number', 'is not', null)
      .orderBy('works.registered_at', 'desc')
      .limit(50)
      .execute();
  }

  /** The approval entry of a work with its salt (null once personal data was erased). */
  approvalEntry(workId: string) {
    return this.db
      .selectFrom('log_entries')
      .select(['idx', 'kind', 'entry', 'salt', 'event_id'])
      .where('work_id', '=', workId)
      .where('kind', '=', 'approval')
      .orderBy('idx', 'desc')
      .limit(1)
      .executeTakeFirst();
  }
}
