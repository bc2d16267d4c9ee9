/**
 * An audit worker thread (started by AuditPool): opens its own connection and checks the
 * index ranges it is sent with the same code the single-threaded audit runs.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { RepositoryAuditReader, SqliteAuditReader, type AuditReader } from '../../repositories/log-audit-read.js';
import { Store } from '../../repositories/store.js';
import { LogAuditService } from '../log-audit.service.js';
import { openReadConnection, type AuditConnection } from './connection.js';
import type { RangeRequest, RangeResult } from './pool.js';

const connection = (workerData as { data: AuditConnection }).data;
const store = new Store(openReadConnection(connection));
const audit = LogAuditService.rangeChecker(store);
// SQLite: the entries and their rows come through the audit's raw reader.
const reader: AuditReader = connection.dialect === 'sqlite' ? new SqliteAuditReader(connection.file) : new RepositoryAuditReader(store.repos.log);

parentPort!.on('message', (req: RangeRequest) => {
  audit.checkRange(req.start, req.end, req.treeSize, reader).then(
    (result: RangeResult) => parentPort!.postMessage({ ok: true, result }, [result.hashes.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e) }),
  );
});
