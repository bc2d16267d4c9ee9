/** Every job kind and its payload. Start-up refuses a kind without exactly one handler. */
export interface JobPayloads {
  'import.batch': { batchId: string };
  'blobs.gc': { graceMs?: number };
}
export type JobKind = keyof JobPayloads;
export const JOB_KINDS: readonly JobKind[] = ['import.batch', 'blobs.gc'];

export type JobHandler<K extends JobKind> = (payload: JobPayloads[K], ctx: { jobId: string; attempt: number; heartbeat: () => Promise<void> }) => Promise<void>;
export type JobHandlers = { [K in JobKind]: JobHandler<K> };
