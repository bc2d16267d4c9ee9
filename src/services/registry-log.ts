import { availableParallelism } from 'node:os';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { JobHandlers } from '../jobs/kinds.js';
import { certificatesFromPem } from '../log/rfc3161.js';
import { KeyStore } from '../repositories/keys.store.js';
import type { Repos, Store } from '../repositories/store.js';
import { TsaClient } from '../repositories/tsa.client.js';
import { WitnessClient } from '../repositories/witness.client.js';
import { CosigningService } from './cosigning.service.js';
import { LogAuditService } from './log-audit.service.js';
import { LogService, openLogIdentity } from './log.service.js';
import { TimestampService } from './timestamp.service.js';
import { WitnessService } from './witness.service.js';

/** The parts of the tamper-evident registry, built together from the configuration. */
export interface RegistryLog {
  registryLog: LogService;
  logAudit: LogAuditService;
  witness: WitnessService;
  cosigning: CosigningService;
  timestamps: TimestampService;
}

export async function openRegistryLog(store: Store, config: Config, logger: Logger): Promise<RegistryLog> {
  const cfg = config.log;
  const keys = new KeyStore(config.dataDir);
  const parts: Partial<RegistryLog> = {};
  // A new checkpoint queues its witnessing and timestamping in the same transaction, so
  // neither is forgotten if the process dies right after publishing.
  const onPublished = async (r: Repos) => {
    if (parts.cosigning?.configured && (await r.jobs.pendingOfKind('log.witness')) === 0) await r.jobs.enqueue('log.witness', {});
    if (parts.timestamps?.configured && (await r.jobs.pendingOfKind('log.timestamp')) === 0) await r.jobs.enqueue('log.timestamp', {});
  };
  const registryLog = new LogService(store, await openLogIdentity(store, keys, cfg, logger), cfg, logger, onPublished);
  const anchors = cfg.tsaCaFile ? certificatesFromPem(await TsaClient.readAnchors(cfg.tsaCaFile)) : undefined;
  const timestamps = new TimestampService(store, cfg.tsaUrl ? new TsaClient(cfg.tsaUrl, cfg.witnessTimeoutMs) : undefined, anchors);
  Object.assign(parts, {
    registryLog,
    timestamps,
    logAudit: new LogAuditService(store, registryLog.identity, (token, note, genTime) => timestamps.check(token, note, genTime), {
      threads: cfg.auditThreads || availableParallelism(),
      databaseUrl: config.databaseUrl,
    }),
    witness: await WitnessService.open(store, keys, cfg, logger),
    cosigning: new CosigningService(store, registryLog, new WitnessClient(cfg.witnessTimeoutMs), cfg.witnesses, logger),
  });
  return parts as RegistryLog;
}

/** Handlers of the registry's job kinds. */
export const registryJobHandlers = (r: RegistryLog): Pick<JobHandlers, 'log.witness' | 'log.timestamp'> => ({
  'log.witness': () => r.cosigning.cosignLatest().then(() => undefined),
  'log.timestamp': () => r.timestamps.timestampLatest().then(() => undefined),
});
