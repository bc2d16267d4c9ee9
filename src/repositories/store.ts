import type { Kysely } from 'kysely';
import type { Database_, Dialect } from '../db/connect.js';
import type { DB } from '../db/schema.js';
import { AigcRepository } from './aigc.repository.js';
import { AuditRepository } from './audit.repository.js';
import { CertificatesRepository } from './certificates.repository.js';
import { CountersRepository } from './counters.repository.js';
import { EvidenceRepository } from './evidence.repository.js';
import { FingerprintsRepository } from './fingerprints.repository.js';
import { GroupCommit } from './group-commit.js';
import { ImportsRepository } from './imports.repository.js';
import { JobsRepository } from './jobs.repository.js';
import { JudicialRepository } from './judicial.repository.js';
import { LogRepository } from './log.repository.js';
import { NotificationsRepository } from './notifications.repository.js';
import { RegistryEventsRepository } from './registry-events.repository.js';
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
  certificates: CertificatesRepository;
  registryEvents: RegistryEventsRepository;
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
    certificates: new CertificatesRepository(db),
    registryEvents: new RegistryEventsRepository(db),
  };
}

/** The repositories over the database, and transactions that hand out repositories bound to them. */
export class Store {
  readonly repos: Repos;
  readonly dialect: Dialect;
  private readonly groupCommit: GroupCommit;

  constructor(private readonly database: Database_) {
    this.dialect = database.dialect;
    this.repos = bind(database.db, database.dialect);
    this.groupCommit = new GroupCommit(database.db);
  }

  /** SQLite: how transactions were grouped into commits so far (group-commit.ts); null on PostgreSQL. */
  get commitStats(): Readonly<GroupCommit['stats']> | null {
    return this.dialect === 'postgres' ? null : this.groupCommit.stats;
  }

  tx<T>(fn: (r: Repos) => Promise<T>): Promise<T> {
    if (this.dialect === 'postgres') return this.database.db.transaction().execute((trx) => fn(bind(trx, this.dialect)));
    // SQLite: concurrent transactions share one BEGIN IMMEDIATE … COMMIT (group-commit.ts).
    return this.groupCommit.run((conn) => fn(bind(conn, this.dialect)));
  }

  close(): Promise<void> {
    return this.database.close();
  }
}
