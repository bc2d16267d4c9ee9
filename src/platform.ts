import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import pino, { type Logger } from 'pino';
import type { Config } from './config.js';
import { connect, migrate, type Database_ } from './db/connect.js';
import { JobRunner } from './jobs/runner.js';
import { BlobStore } from './repositories/blob.store.js';
import { CertificateRasterizer } from './repositories/certificate.rasterizer.js';
import { FontStore } from './repositories/fonts.store.js';
import { StatisticalDetector } from './provenance/detector/builtin.js';
import { MediaDecoder } from './repositories/media.decoder.js';
import { Store } from './repositories/store.js';
import { AigcService } from './services/aigc.service.js';
import { AuthService } from './services/auth.service.js';
import { CertificateService } from './services/certificate.service.js';
import { BlobGcService } from './services/blob-gc.service.js';
import { EvidenceService } from './services/evidence.service.js';
import { fingerprintBackfillJob } from './services/fingerprint-backfill.js';
import { JudicialService } from './services/judicial.service.js';
import { ImportService } from './services/import.service.js';
import type { CosigningService } from './services/cosigning.service.js';
import type { LogAuditService } from './services/log-audit.service.js';
import type { LogService } from './services/log.service.js';
import { NotificationsService } from './services/notifications.service.js';
import { RegistrationService } from './services/registration.service.js';
import { RegistryEventsService } from './services/registry-events.service.js';
import { openRegistryLog, registryJobHandlers } from './services/registry-log.js';
import { ReviewService } from './services/review.service.js';
import { Fingerprinter, SimilarityService } from './services/similarity.service.js';
import type { TimestampService } from './services/timestamp.service.js';
import type { WitnessService } from './services/witness.service.js';
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
  /** The registry's transparency log (docs/log-operations.md). */
  registryLog: LogService;
  logAudit: LogAuditService;
  /** Our C2SP tlog-witness for other institutions' logs. */
  witness: WitnessService;
  /** Asks the configured witnesses to cosign our checkpoints. */
  cosigning: CosigningService;
  /** RFC 3161 timestamps of checkpoints. */
  timestamps: TimestampService;
  /** The copyright-protection check (docs/fingerprint.md). */
  similarity: SimilarityService;
  /** AIGC labels, traces and text detection (docs/aigc.md). */
  aigc: AigcService;
  /** Evidence packages and public verification (docs/evidence-package.md). */
  evidence: EvidenceService;
  /** Judicial API keys and their audited lookups. */
  judicial: JudicialService;
  /** Registration certificates, PDF and PNG (docs/certificate.md). */
  certificates: CertificateService;
  /** Corrections and revocations of registrations (docs/leaf-format.md). */
  registryEvents: RegistryEventsService;
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
  const database = connect({ databaseUrl: config.databaseUrl, sqlitePath: path.join(config.dataDir, 'cws.sqlite'), schema: pgSchema, sqliteWriterThread: config.sqliteWriterThread });
  await migrate(database, pgSchema);
  const store = new Store(database);
  const blobs = new BlobStore(config.dataDir);
  await blobs.init();
  const registry = await openRegistryLog(store, config, log);
  const { registryLog } = registry;
  const workflow = new Workflow(store, { prefix: config.numberPrefix, codes: config.categoryCodes, timeZone: config.timeZone }, registryLog);
  const registration = new RegistrationService(store, blobs, workflow, { maxFileBytes: config.maxFileBytes, maxFilesPerWork: config.maxFilesPerWork, timeZone: config.timeZone });
  const review = new ReviewService(store, workflow, registration);
  const auth = new AuthService(store, { allowSignup: config.allowSignup });
  const notifications = new NotificationsService(store);
  const blobGc = new BlobGcService(store, blobs);
  // The import service queues jobs and the job runner calls the import service: tie the knot late.
  const late: { jobs?: JobRunner } = {};
  const imports = new ImportService(store, blobs, registration, { maxImportBytes: config.maxImportBytes, enqueue: (batchId) => late.jobs!.enqueue('import.batch', { batchId }) });
  const similarity = new SimilarityService(store, blobs, new Fingerprinter(new MediaDecoder()), { enqueue: (workId) => late.jobs!.enqueue('similarity.report', { workId }) });
  const aigc = new AigcService(store, blobs, new StatisticalDetector(), { enqueue: (workId) => late.jobs!.enqueue('aigc.report', { workId }), maxInspectBytes: 256 * 1024 * 1024 });
  const certificates = new CertificateService(store, blobs, new FontStore(), new CertificateRasterizer(), {
    institution: config.institution,
    timeZone: config.timeZone,
    verifyUrl: (n) => evidence.verifyUrl(n),
    sealImage: config.sealImage ?? null,
  });
  const jobs = new JobRunner(store, {
    'import.batch': (p, ctx) => imports.process(p.batchId, ctx.heartbeat).then(() => undefined),
    'blobs.gc': (p) => blobGc.sweep(p.graceMs).then(() => undefined),
    'similarity.report': (p, ctx) => similarity.runReport(p.workId, ctx.heartbeat).then(() => undefined),
    'aigc.report': (p, ctx) => aigc.runReport(p.workId, ctx.heartbeat).then(() => undefined),
    'certificate.render': (p) => certificates.renderJob(p.workId),
    'fingerprints.backfill': (p, ctx) => fingerprintBackfillJob({ store, similarity, log }, p, ctx, (next) => late.jobs!.enqueue('fingerprints.backfill', next)),
    ...registryJobHandlers(registry),
  }, log);
  late.jobs = jobs;
  const evidence = new EvidenceService(store, registryLog, { publicUrl: config.publicUrl });
  const judicial = new JudicialService(store, evidence);
  const registryEvents = new RegistryEventsService(store, config.timeZone);
  return {
    config, log, database, store, blobs, jobs, auth, registration, review, notifications, imports, blobGc, ...registry, similarity, aigc, evidence, judicial, registryEvents, certificates,
    async close() {
      await jobs.stop();
      await registryLog.integrator.stop();
      await store.close();
    },
  };
}
