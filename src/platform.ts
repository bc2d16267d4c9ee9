import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { connect, migrate, type Database_ } from './db/connect.js';
import { JobRunner } from './jobs/runner.js';
import { BlobStore } from './repositories/blob.store.js';
import { Store } from './repositories/store.js';
import { AuthService } from './services/auth.service.js';
import { BlobGcService } from './services/blob-gc.service.js';
import { ImportService } from './services/import.service.js';
import { NotificationsService } from './services/notifications.service.js';
import { RegistrationService } from './services/registration.service.js';
import { ReviewService } from './services/review.service.js';
import { Workflow } from './services/workflow.js';

export interface Platform {
  config: Config;
  log: Logger;
  database: Database_;
  store: Store;
  blobs: BlobStore;
  jobs: JobRunner;
  auth: AuthService;
  registration: RegistrationService;
  review: ReviewService;
  notifications: NotificationsService;
  imports: ImportService;
  blobGc: BlobGcService;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** PostgreSQL schema to use (tests); default: the connection's search_path. */
  pgSchema?: string;
  logger?: Logger;
}

/** The composition root: builds every part from the configuration, once. */
export async function createPlatform(config: Config, opts: PlatformOptions = {}): Promise<Platform> {
  const log = opts.logger ?? pino({ level: config.logLevel });
  await mkdir(config.dataDir, { recursive: true });
  const pgSchema = opts.pgSchema ?? config.pgSchema;
  if (pgSchema && !/^[a-z_][a-z0-9_]{0,62}$/.test(pgSchema)) throw new Error(`CWS_PG_SCHEMA must be a plain lower-case identifier, got ${pgSchema}`);
  const database = connect({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'cws.sqlite'), schema: pgSchema });
  await migrate(database, pgSchema);
  const store = new Store(database);
  const blobs = new BlobStore(config.dataDir);
  await blobs.init();
  const workflow = new Workflow(store, { prefix: config.numberPrefix, codes: config.categoryCodes, timeZone: config.timeZone });
  const registration = new RegistrationService(store, blobs, workflow, { maxFileBytes: config.maxFileBytes, maxFilesPerWork: config.maxFilesPerWork, timeZone: config.timeZone });
  const review = new ReviewService(store, workflow, registration);
  const auth = new AuthService(store, { allowSignup: config.allowSignup });
  const notifications = new NotificationsService(store);
  const blobGc = new BlobGcService(store, blobs);
  // The import service queues jobs and the job runner calls the import service: tie the knot late.
  const late: { jobs?: JobRunner } = {};
  const imports = new ImportService(store, blobs, registration, { maxImportBytes: config.maxImportBytes, enqueue: (batchId) => late.jobs!.enqueue('import.batch', { batchId }) });
  const jobs = new JobRunner(store, {
    'import.batch': (p, ctx) => imports.process(p.batchId, ctx.heartbeat).then(() => undefined),
    'blobs.gc': (p) => blobGc.sweep(p.graceMs).then(() => undefined),
  }, log);
  late.jobs = jobs;
  return {
    config, log, database, store, blobs, jobs, auth, registration, review, notifications, imports, blobGc,
    async close() {
      await jobs.stop();
      await store.close();
    },
  };
}
