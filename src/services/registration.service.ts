import type { Readable } from 'node:stream';
import { AppError } from '../domain/errors.js';
import { checkContent, checkFileName, typeForName, type FileKind } from '../domain/files.js';
import { newId, nowIso } from '../domain/ids.js';
import { WORK_STATUSES, assertCan, transition, type Actor } from '../domain/review.js';
import { validateWork, type WorkInput } from '../domain/work.js';
import { logPosition } from '../log/position.js';
import type { BlobStore, StagedBlob } from '../repositories/blob.store.js';
import type { Repos, Store } from '../repositories/store.js';
import type { WorkEventRow, WorkFileRow, WorkRow } from '../repositories/works.repository.js';
import { workView, type WorkView } from './work-view.js';
import { canSee, storedInput, todayIn, type Workflow } from './workflow.js';

export interface StagedFile {
  staged: StagedBlob;
  filename: string;
  mediaType: string;
  kind: FileKind;
}

export interface RegistrationLimits {
  maxFileBytes: number;
  maxFilesPerWork: number;
  timeZone: string;
}

/** Creators' use cases: draft, upload, edit, submit, withdraw, read. */
export class RegistrationService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly workflow: Workflow,
    private readonly limits: RegistrationLimits,
  ) {}

  /** Streams one upload to a temporary file, checking its name, size and magic bytes. */
  async stage(source: Readable, rawName: string): Promise<StagedFile> {
    let filename: string;
    try {
      filename = checkFileName(rawName);
      typeForName(filename);
    } catch (e) {
      source.resume(); // drain so the rest of the request can still be read
      throw e;
    }
    const staged = await this.blobs.stage(source, this.limits.maxFileBytes, filename);
    try {
      const t = checkContent(filename, staged.head);
      return { staged, filename, mediaType: t.mediaType, kind: t.kind };
    } catch (e) {
      await this.blobs.discard(staged);
      throw e;
    }
  }

  async discard(files: StagedFile[]): Promise<void> {
    await Promise.all(files.map((f) => this.blobs.discard(f.staged)));
  }

  async create(actor: Actor, metadata: unknown, files: StagedFile[], submit: boolean, origin?: { batchId: string; row: number }): Promise<WorkView> {
    try {
      const input = validateWork(metadata, { complete: submit, today: todayIn(this.limits.timeZone) });
      if (files.length > this.limits.maxFilesPerWork) throw new AppError('TOO_MANY_FILES', 'too many files', { max: this.limits.maxFilesPerWork });
      if (submit && files.length === 0) throw new AppError('FILE_MISSING', 'a work needs at least one file before it is submitted', { field: 'files' });
      // A new draft of its owner may always be submitted; asked here so a role that may not
      // fails before anything is written.
      const status = submit ? transition(actor, { status: 'draft', ownerId: actor.id, reviewerId: null, everSubmitted: false }, 'submit') : 'draft';
      await this.commitBlobs(files);
      const id = newId();
      const now = nowIso();
      // Created directly in its final state, and answered from what was written: a submission
      // is one transaction of inserts and no reads (it was ~17 statements with the re-reads).
      const row: WorkRow = {
        id, owner_id: actor.id, ...this.columns(input), status, ever_submitted: submit ? 1 : 0, reviewer_id: null, submitted_at: submit ? now : null, reviewed_at: null, review_reason: null,
        registration_number: null, registered_at: null, import_batch_id: origin?.batchId ?? null, created_at: now, updated_at: now,
      };
      const events: WorkEventRow[] = [{ id: newId(), work_id: id, actor_id: actor.id, action: 'create', from_status: null, to_status: 'draft', reason: null, data: JSON.stringify({ files: files.length, ...(origin ? { importRow: origin.row } : {}) }), created_at: now }];
      // Same timestamp: the trail orders by id next, so the submit's id must sort after the create's.
      let submitId = newId();
      while (submitId <= events[0]!.id) submitId = newId();
      if (submit) events.push({ id: submitId, work_id: id, actor_id: actor.id, action: 'submit', from_status: 'draft', to_status: status, reason: null, data: '{}', created_at: now });
      const [owner, fileRows] = await Promise.all([
        this.store.repos.users.byId(actor.id),
        this.store.tx(async (r) => {
          await r.works.insert(row);
          const inserted = await this.insertFiles(r, id, files, 0, now);
          await r.works.insertEvents(events);
          if (submit) await this.workflow.queueSubmitChecks(r, id);
          return inserted;
        }),
      ]);
      const name = owner?.display_name ?? '';
      // The order GET /api/works/:id gives (created_at, then id).
      const trail = events.map((e) => ({ ...e, actor_name: name })).sort((a, b) => (a.created_at === b.created_at ? (a.id < b.id ? -1 : 1) : a.created_at < b.created_at ? -1 : 1));
      return workView(actor, row, { owner: name, reviewer: null }, fileRows, trail, null);
    } finally {
      await this.discard(files); // no-op for committed files; removes staged ones after a failure
    }
  }

  async update(actor: Actor, id: string, metadata: unknown | undefined, removeFileIds: string[], files: StagedFile[]): Promise<WorkView> {
    try {
      const w = await this.readable(actor, id);
      assertCan(actor, { status: w.status as never, ownerId: w.owner_id, reviewerId: w.reviewer_id, everSubmitted: w.ever_submitted === 1 }, 'edit');
      const input = metadata === undefined ? null : validateWork({ ...storedInput(w), ...(metadata as object) }, { complete: false, today: todayIn(this.limits.timeZone) });
      const existing = await this.store.repos.works.files(id);
      const unknown = removeFileIds.filter((f) => !existing.some((e) => e.id === f));
      if (unknown.length) throw new AppError('VALIDATION', 'unknown file id', { field: 'removeFileIds', rule: 'unknown', ids: unknown });
      if (existing.length - removeFileIds.length + files.length > this.limits.maxFilesPerWork) throw new AppError('TOO_MANY_FILES', 'too many files', { max: this.limits.maxFilesPerWork });
      await this.commitBlobs(files);
      await this.store.tx(async (r) => {
        const locked = await r.works.lockById(id);
        // Re-checked inside the transaction: a concurrent submit must not let an edit slip in.
        if (!locked || locked.status !== w.status) throw new AppError('CONFLICT', 'the work changed meanwhile; reload it');
        const now = nowIso();
        await r.works.update(id, { ...(input ? this.columns(input) : {}), updated_at: now });
        await r.works.deleteFiles(id, removeFileIds);
        const maxPos = existing.reduce((m, f) => Math.max(m, f.position), -1);
        await this.insertFiles(r, id, files, maxPos + 1, now);
        await r.works.insertEvent({ id: newId(), work_id: id, actor_id: actor.id, action: 'edit', from_status: w.status, to_status: w.status, reason: null, data: JSON.stringify({ added: files.length, removed: removeFileIds.length, fields: input ? Object.keys(metadata as object) : [] }), created_at: now });
      });
      return this.get(actor, id);
    } finally {
      await this.discard(files);
    }
  }

  async submit(actor: Actor, id: string): Promise<WorkView> {
    await this.workflow.apply(actor, id, 'submit');
    return this.get(actor, id);
  }

  async withdraw(actor: Actor, id: string): Promise<WorkView> {
    await this.workflow.apply(actor, id, 'withdraw');
    return this.get(actor, id);
  }

  async remove(actor: Actor, id: string): Promise<void> {
    await this.store.tx(async (r) => {
      const w = await r.works.lockById(id);
      if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
      assertCan(actor, { status: w.status as never, ownerId: w.owner_id, reviewerId: w.reviewer_id, everSubmitted: w.ever_submitted === 1 }, 'delete');
      await r.works.delete(id);
    });
  }

  async get(actor: Actor, id: string): Promise<WorkView> {
    const w = await this.readable(actor, id);
    const repo = this.store.repos;
    const [files, events, owner, reviewer, log] = await Promise.all([
      repo.works.files(id),
      repo.works.events(id),
      repo.users.byId(w.owner_id),
      w.reviewer_id ? repo.users.byId(w.reviewer_id) : Promise.resolve(undefined),
      logPosition(repo, id),
    ]);
    return workView(actor, w, { owner: owner?.display_name ?? '', reviewer: reviewer?.display_name ?? null }, files, events, log);
  }

  async listMine(actor: Actor, status: string | undefined, page: number, pageSize: number) {
    if (status && !(WORK_STATUSES as readonly string[]).includes(status)) throw new AppError('VALIDATION', 'status', { field: 'status', rule: 'enum' });
    const { items, total } = await this.store.repos.works.page({ statuses: status ? [status] : [], ownerId: actor.id, sort: 'updated_at', order: 'desc', limit: pageSize, offset: (page - 1) * pageSize });
    const ids = items.map((i) => i.id);
    const [rows, files] = await Promise.all([this.store.repos.works.byIds(ids), this.store.repos.works.filesOf(ids)]);
    const byId = new Map(rows.map((w) => [w.id, w]));
    return {
      items: items.map((row) => workView(actor, byId.get(row.id)!, { owner: row.owner_name ?? '', reviewer: row.reviewer_name }, files.filter((f) => f.work_id === row.id))),
      total,
      page,
      pageSize,
    };
  }

  /** A stored file of a work the actor may see, with a way to read (part of) it. */
  async file(actor: Actor, id: string, fileId: string) {
    await this.readable(actor, id);
    const f = await this.store.repos.works.file(id, fileId);
    if (!f) throw new AppError('NOT_FOUND', 'file not found');
    return { file: f, open: (range?: { start: number; end: number }) => this.blobs.read(f.sha256, range) };
  }

  private async readable(actor: Actor, id: string): Promise<WorkRow> {
    const w = await this.store.repos.works.byId(id);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    return w;
  }

  private columns(input: WorkInput) {
    return {
      title: input.title,
      category: input.category,
      description: input.description,
      authors: JSON.stringify(input.authors),
      authors_text: input.authors.map((a) => a.name).join('、'),
      owners: JSON.stringify(input.owners),
      completed_on: input.completedOn,
      publication: JSON.stringify(input.publication),
      ai_disclosure: JSON.stringify(input.aiDisclosure),
    };
  }

  /** Durable blobs before the rows that point to them: a committed row never lacks its file. */
  private async commitBlobs(files: StagedFile[]): Promise<void> {
    await Promise.all(files.map((f) => this.blobs.commit(f.staged)));
  }

  private async insertFiles(r: Repos, workId: string, files: StagedFile[], from: number, now: string): Promise<WorkFileRow[]> {
    let pos = from;
    const rows: WorkFileRow[] = [];
    for (const f of files) {
      await r.works.insertBlob(f.staged.sha256, f.staged.size, now);
      const row = { id: newId(), work_id: workId, sha256: f.staged.sha256, filename: f.filename, media_type: f.mediaType, kind: f.kind, size: f.staged.size, position: pos++, created_at: now };
      await r.works.insertFile(row);
      rows.push(row);
    }
    return rows;
  }
}
