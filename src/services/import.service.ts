import { AppError, type ErrorCode } from '../domain/errors.js';
import { errorMessage, type Locale } from '../i18n/messages.js';
import { newId, nowIso } from '../domain/ids.js';
import type { Actor } from '../domain/review.js';
import { MAX_CSV_BYTES, parseImportCsv, type ImportRow } from '../documents/import-csv.js';
import type { BlobStore, StagedBlob } from '../repositories/blob.store.js';
import type { ImportBatchRow } from '../repositories/imports.repository.js';
import { FolderSource, ZipSource, type FileSource } from '../repositories/import-sources.js';
import type { Store } from '../repositories/store.js';
import type { RegistrationService, StagedFile } from './registration.service.js';

export interface RowResult {
  row: number;
  title: string;
  status: 'created' | 'error';
  workId?: string;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export interface ImportOptions {
  maxImportBytes: number;
  enqueue: (batchId: string) => Promise<string>;
}

const ZIP_LIMITS = { maxEntries: 20_000, maxRatio: 200 };

/** Batch registration for a lab or a class: a CSV plus a ZIP (web, CLI) or a folder (CLI). */
export class ImportService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly registration: RegistrationService,
    private readonly opts: ImportOptions,
  ) {}

  /** Checks the CSV and the archive completely, stores them, and queues the import job. */
  async createBatch(actor: Actor, csv: StagedBlob, archive: StagedBlob | null, submit: boolean): Promise<ImportBatchRow> {
    try {
      const rows = parseImportCsv(await this.readAll(this.blobs.readStaged(csv)));
      if (archive) await (await this.openZip(archive.tmpPath)).close();
      else if (rows.some((r) => r.files.length > 0)) throw new AppError('ARCHIVE', 'the CSV names files but no ZIP was uploaded', { reason: 'the CSV names files but no ZIP archive was uploaded' });
      await this.blobs.commit(csv);
      if (archive) await this.blobs.commit(archive);
      const batch: ImportBatchRow = {
        id: newId(), user_id: actor.id, status: 'queued', submit: submit ? 1 : 0, csv_sha256: csv.sha256, archive_sha256: archive?.sha256 ?? null,
        total: rows.length, processed: 0, created: 0, failed: 0, rows: '[]', error: null, created_at: nowIso(), finished_at: null,
      };
      await this.store.tx(async (r) => {
        await r.works.insertBlob(csv.sha256, csv.size, batch.created_at);
        if (archive) await r.works.insertBlob(archive.sha256, archive.size, batch.created_at);
        await r.imports.insert(batch);
      });
      await this.opts.enqueue(batch.id);
      return batch;
    } finally {
      await this.blobs.discard(csv);
      if (archive) await this.blobs.discard(archive);
    }
  }

  /** The job: imports every row not yet imported (resumes where a crashed run stopped). */
  async process(batchId: string, heartbeat: () => Promise<void> = async () => {}, onProgress?: (b: ImportBatchRow) => void, folder?: string): Promise<ImportBatchRow> {
    const batch = await this.store.repos.imports.byId(batchId);
    if (!batch) throw new Error(`import batch ${batchId} not found`);
    if (batch.status === 'done') return batch;
    const owner = await this.store.repos.users.byId(batch.user_id);
    if (!owner) throw new Error(`import batch owner ${batch.user_id} not found`);
    const actor: Actor = { id: owner.id, role: owner.role as Actor['role'] };
    const rows = parseImportCsv(await this.readAll(this.blobs.read(batch.csv_sha256)));
    const source: FileSource | null = folder ? new FolderSource(folder) : batch.archive_sha256 ? await this.openZip(this.blobs.pathOf(batch.archive_sha256)) : null;
    const results = new Map<number, RowResult>((JSON.parse(batch.rows) as RowResult[]).map((r) => [r.row, r]));
    // A crash may have come after a work was created but before its row was recorded.
    for (const w of await this.store.repos.works.importedRows(batchId)) results.set(w.row, { row: w.row, title: w.title, status: 'created', workId: w.id });
    await this.store.repos.imports.update(batchId, { status: 'running' });
    try {
      let sinceSave = 0;
      for (const row of rows) {
        if (results.has(row.row)) continue;
        results.set(row.row, await this.importRow(actor, batch, row, source));
        if (++sinceSave >= 10) {
          sinceSave = 0;
          await this.save(batchId, rows.length, results, 'running');
          await heartbeat();
          onProgress?.((await this.store.repos.imports.byId(batchId))!);
        }
      }
      await this.save(batchId, rows.length, results, 'done');
    } finally {
      await source?.close();
    }
    const done = (await this.store.repos.imports.byId(batchId))!;
    onProgress?.(done);
    return done;
  }

  async get(actor: Actor, id: string, locale: Locale = 'zh-CN') {
    const b = await this.store.repos.imports.byId(id);
    if (!b || (b.user_id !== actor.id && actor.role !== 'admin')) throw new AppError('NOT_FOUND', 'import not found');
    return batchView(b, locale);
  }

  async list(actor: Actor, locale: Locale = 'zh-CN') {
    return { items: (await this.store.repos.imports.listForUser(actor.id, 50)).map((b) => batchView(b, locale)) };
  }

  /** For the CLI: a batch from a local CSV and folder, processed in this process. */
  async createLocalBatch(actor: Actor, csv: StagedBlob, submit: boolean): Promise<ImportBatchRow> {
    try {
      const rows = parseImportCsv(await this.readAll(this.blobs.readStaged(csv)));
      await this.blobs.commit(csv);
      const batch: ImportBatchRow = { id: newId(), user_id: actor.id, status: 'running', submit: submit ? 1 : 0, csv_sha256: csv.sha256, archive_sha256: null, total: rows.length, processed: 0, created: 0, failed: 0, rows: '[]', error: null, created_at: nowIso(), finished_at: null };
      await this.store.tx(async (r) => {
        await r.works.insertBlob(csv.sha256, csv.size, batch.created_at);
        await r.imports.insert(batch);
      });
      return batch;
    } finally {
      await this.blobs.discard(csv);
    }
  }

  private async importRow(actor: Actor, batch: ImportBatchRow, row: ImportRow, source: FileSource | null): Promise<RowResult> {
    const title = String(row.metadata.title ?? '');
    const staged: StagedFile[] = [];
    try {
      for (const name of row.files) {
        const stream = source ? await source.open(name) : null;
        if (!stream) throw new AppError('FILE_MISSING', `file ${name} is not in the archive`, { field: 'files', rule: 'not_in_archive', filename: name });
        staged.push(await this.registration.stage(stream, name.split('/').pop() ?? name));
      }
      const w = await this.registration.create(actor, row.metadata, staged, batch.submit === 1, { batchId: batch.id, row: row.row });
      return { row: row.row, title, status: 'created', workId: w.id };
    } catch (e) {
      await this.registration.discard(staged);
      if (e instanceof AppError) return { row: row.row, title, status: 'error', error: { code: e.code, message: e.message, details: e.details } };
      throw e;
    }
  }

  private async save(batchId: string, total: number, results: Map<number, RowResult>, status: string): Promise<void> {
    const all = [...results.values()].sort((a, b) => a.row - b.row);
    await this.store.repos.imports.update(batchId, {
      status, total, processed: all.length,
      created: all.filter((r) => r.status === 'created').length,
      failed: all.filter((r) => r.status === 'error').length,
      rows: JSON.stringify(all),
      ...(status === 'done' ? { finished_at: nowIso() } : {}),
    });
  }

  private openZip(file: string): Promise<ZipSource> {
    return ZipSource.open(file, { ...ZIP_LIMITS, maxTotalBytes: this.opts.maxImportBytes, maxEntryBytes: this.opts.maxImportBytes });
  }

  private async readAll(stream: AsyncIterable<Buffer>): Promise<Buffer> {
    const chunks: Buffer[] = [];
    let n = 0;
    for await (const c of stream) {
      n += c.length;
      if (n > MAX_CSV_BYTES) throw new AppError('CSV', 'too large', { reason: `larger than ${MAX_CSV_BYTES} bytes` });
      chunks.push(c);
    }
    return Buffer.concat(chunks);
  }
}

/** Row errors are stored by code and details, and put into words in the reader's language. */
export function batchView(b: ImportBatchRow, locale: Locale = 'zh-CN') {
  const rows = (JSON.parse(b.rows) as RowResult[]).map((r) =>
    r.error ? { ...r, error: { ...r.error, message: errorMessage(locale, r.error.code as ErrorCode, r.error.details ?? {}) } } : r,
  );
  return {
    id: b.id, status: b.status, submit: b.submit === 1, total: b.total, processed: b.processed, created: b.created, failed: b.failed,
    rows, error: b.error, createdAt: b.created_at, finishedAt: b.finished_at,
  };
}
