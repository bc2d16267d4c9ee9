/** Every job kind and its payload. Start-up refuses a kind without exactly one handler. */
export interface JobPayloads {
  'import.batch': { batchId: string };
  'blobs.gc': { graceMs?: number };
  /** The copyright-protection check of a submitted work (src/services/similarity.service.ts). */
  'similarity.report': { workId: string };
  /** Ask the configured witnesses to cosign the latest checkpoint (src/services/cosigning.service.ts). */
  'log.witness': Record<string, never>;
  /** Timestamp the latest checkpoint with the configured TSA (src/services/timestamp.service.ts). */
  'log.timestamp': Record<string, never>;
  /** The AIGC check of a submitted work: labels, generator traces, text detector (src/services/aigc.service.ts). */
  'aigc.report': { workId: string };
  /** The registration certificate (PDF + PNG preview) of an approved work (src/services/certificate.service.ts). */
  'certificate.render': { workId: string };
  /**
   * Recomputes image fingerprints of an older version from the stored blobs, a slice at a time;
   * each slice queues the next from its cursor (`version`, `after`) (src/services/fingerprint-backfill.ts).
   */
  'fingerprints.backfill': { version?: number; after?: string; done?: number; total?: number };
}
export type JobKind = keyof JobPayloads;
export const JOB_KINDS: readonly JobKind[] = ['import.batch', 'blobs.gc', 'similarity.report', 'log.witness', 'log.timestamp', 'aigc.report', 'certificate.render', 'fingerprints.backfill'];

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], ctx: { jobId: string; attempt: number; heartbeat: () => Promise<void> }) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };
