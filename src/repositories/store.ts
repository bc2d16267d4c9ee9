import { sql, type Kysely } from 'kysely';
import type { Database_, Dialect } from '../db/connect.js';
import type { DB } from '../db/schema.js';
import { AigcRepository } from './aigc.repository.js';
import { AuditRepository } from './audit.repository.js';
import { CountersRepository } from './counters.repository.js';
import { EvidenceRepository } from './evidence.repository.js';
import { FingerprintsRepository } from './fingerprints.repository.js';
import { ImportsRepository } from './imports.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { JudicialRepository } from './judicial.repository.js';
import { LogRepository } from './log.repository.js';
import { NotificationsRepository } from './notifications.repository.js';
import { SessionsRepository } from './sessions.repository.js';
import { UsersRepository } from './users.repository.js';
import { WitnessRepository } from './witness.repository.js';
import { WorksRepository } from './works.repository.js';

export interface Repos {
  aigc: AigcRepository;
  users: UsersRepository;
  sessions: SessionsRepository;
  works: WorksRepository;
  counters: CountersRepository;
  jobs: JobsRepository;
  notifications: NotificationsRepository;
  imports: ImportsRepository;
  audit: AuditRepository;
  log: LogRepository;
  witness: WitnessRepository;
  fingerprints: FingerprintsRepository;
  evidence: EvidenceRepository;
  judicial: JudicialRepository;
}

function bind(db: Kysely<DB>, dialect: Dialect): Repos {
  return {
    aigc: new AigcRepository(db),
    users: new UsersRepository(db, dialect),
    sessions: new SessionsRepository(db),
    works: new WorksRepository(db, dialect),
    counters: new CountersRepository(db),
    jobs: new JobsRepository(db, dialect),
    notifications: new NotificationsRepository(db),
    imports: new ImportsRepository(db),
    audit: new AuditRepository(db),
    log: new LogRepository(db, dialect),
    witness: new WitnessRepository(db),
    fingerprints: new FingerprintsRepository(db),
    evidence: new EvidenceRepository(db),
    judicial: new JudicialRepository(db, dialect),
  };
}

/** The repositories over the database, and transactions that hand out repositories bound to them. */
export class Store {
  readonly repos: Repos;
  readonly dialect: Dialect;

  constructor(private readonly database: Database_) {
    this.dialect = database.dialect;
    this.repos = bind(database.db, database.dialect);
  }

  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.database.db.transaction().execute((trx) => fn(bind(trx, this.dialect)));
    // SQLite: take the write lock up front (BEGIN IMMEDIATE). A deferred transaction that
    // reads and then writes can fail with SQLITE_BUSY at once when another process (the
    // CLI beside the server) writes meanwhile; an immediate one just waits (busy_timeout).
    return this.database.db.connection().execute(async (conn) => {
      await sql`begin immediate`.execute(conn);
      try {
        const result = await fn(bind(conn, this.dialect));
        await sql`commit`.execute(conn);
        return result;
      } catch (e) {
        await sql`rollback`.execute(conn);
        throw e;
      }
    });
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
