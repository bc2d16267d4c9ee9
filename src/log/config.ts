/**
 * Settings of the registry log, its witnesses and timestamps (docs/log-operations.md).
 * Read by src/config.ts from the same sources as every other setting.
 */
export interface WitnessTarget {
  /** The witness's cosignature verifier key (type 0x04). */
  vkey: string;
  /** Its submission prefix: requests go to <url>/add-checkpoint. */
  url: string;
}

export interface WitnessedLog {
  /** The log's checkpoint verifier key. */
  vkey: string;
  origin: string;
}

export interface LogConfig {
  /** The checkpoint origin; identity of the log (tlog-checkpoint). */
  origin: string;
  /** Whether the origin was set explicitly (CWS_LOG_ORIGIN) rather than derived. */
  originExplicit: boolean;
  /** Entries integrated per transaction. */
  batchSize: number;
  /** Minimum time between two checkpoints. */
  publishIntervalMs: number;
  /** Witnesses asked to cosign our checkpoints. */
  witnesses: WitnessTarget[];
  witnessTimeoutMs: number;
  /** Our own witness's key name. */
  witnessName: string;
  /** Logs our witness cosigns for. */
  witnessLogs: WitnessedLog[];
  /** RFC 3161 time-stamping authority, if any. */
  tsaUrl: string | undefined;
  /** PEM file with the TSA's trust anchor(s), to verify its tokens. */
  tsaCaFile: string | undefined;
  /** Threads for `cws audit`; 0 means one per available core. */
  auditThreads: number;
}

type Get = (name: string) => string | undefined;

/** "https://reg.example.edu/" -> "reg.example.edu" (scheme and trailing slashes dropped). */
export const hostPath = (url: string): string => url.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/\/+$/, '');

function int(get: Get, name: string, def: number, min: number): number {
  const v = get(name);
  if (v === undefined || v === '') return def;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < min) throw new Error(`${name} must be an integer ≥ ${min}, got "${v}"`);
  return n;
}

/** Comma-separated entries of space-separated fields (keys and URLs contain neither). */
function pairs(get: Get, name: string): string[][] {
  const v = get(name)?.trim();
  if (!v) return [];
  return v
    .split(/[,\n]/)
    .map((e) => e.trim())
    .filter(Boolean)
    .map((e) => e.split(/\s+/));
}

export function loadLogConfig(get: Get, publicUrl: string): LogConfig {
  const explicit = get('CWS_LOG_ORIGIN')?.trim();
  const witnesses = pairs(get, 'CWS_WITNESSES').map(([vkey, url, ...extra]) => {
    if (!vkey || !url || extra.length > 0 || !/^https?:\/\//.test(url)) throw new Error('CWS_WITNESSES entries are "<witness vkey> <http(s) URL>", separated by commas');
    return { vkey, url: url.replace(/\/+$/, '') };
  });
  const witnessLogs = pairs(get, 'CWS_WITNESS_LOGS').map(([vkey, origin, ...extra]) => {
    if (!vkey || extra.length > 0) throw new Error('CWS_WITNESS_LOGS entries are "<log vkey> [<origin>]", separated by commas');
    // A log's key name SHOULD be its origin (tlog-checkpoint), so that is the default.
    return { vkey, origin: origin ?? vkey.slice(0, vkey.indexOf('+')) };
  });
  return {
    origin: explicit || `${hostPath(publicUrl)}/log`,
    originExplicit: !!explicit,
    batchSize: int(get, 'CWS_LOG_BATCH', 4096, 1),
    publishIntervalMs: int(get, 'CWS_LOG_PUBLISH_INTERVAL_MS', 1000, 0),
    witnesses,
    witnessTimeoutMs: int(get, 'CWS_WITNESS_TIMEOUT_MS', 10_000, 100),
    witnessName: get('CWS_WITNESS_NAME')?.trim() || `${hostPath(publicUrl)}/witness`,
    witnessLogs,
    tsaUrl: get('CWS_TSA_URL')?.trim() || undefined,
    tsaCaFile: get('CWS_TSA_CA_FILE')?.trim() || undefined,
    auditThreads: int(get, 'CWS_AUDIT_THREADS', 0, 0),
  };
}
