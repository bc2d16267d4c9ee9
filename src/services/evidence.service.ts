import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { buildEvidencePackage, type EvidenceEventInput, type EvidencePackage } from '../documents/evidence.js';
import { CATEGORIES } from '../domain/categories.js';
import { AppError } from '../domain/errors.js';
import type { Store } from '../repositories/store.js';
import type { LogService } from './log.service.js';
import { applyCorrections, eventView } from './registry-events.service.js';

export interface EvidenceOptions {
  /** Base URL of the public verify page (`<publicUrl>/verify/<number>`). */
  publicUrl: string;
  /** Largest file the public verify drop hashes (bytes). */
  maxVerifyBytes?: number;
}

export const DEFAULT_MAX_VERIFY_BYTES = 512 * 1024 * 1024;
// Registration numbers are short single-line text (`校作登字-2026-F-00000001`); anything else is malformed input, not a miss.
const NUMBER_SHAPE = /^[^\s\p{Cc}/?#]{1,64}$/u;
const SHA256_SHAPE = /^[0-9a-f]{64}$/;

/** A registration's public status: what the verify page and the judicial API show. */
export type RegistrationState = 'valid' | 'corrected' | 'revoked' | 'transferred';

/**
 * Evidence packages (docs/evidence-package.md): the stored registration, its approval
 * entry, an inclusion proof to the newest checkpoint, and what vouches for that
 * checkpoint, assembled by the pure builder in src/documents/evidence.ts.
 */
export class EvidenceService {
  constructor(
    private readonly store: Store,
    private readonly log: LogService,
    private readonly opts: EvidenceOptions,
  ) {}

  verifyUrl(number: string): string {
    return `${this.opts.publicUrl}/verify/${encodeURIComponent(number)}`;
  }

  /**
   * The public face of a registration (no account needed): its record, its status and,
   * once a checkpoint covers it, its evidence package for the browser to check.
   */
  async publicRecord(number: string) {
    const work = await this.registeredWork(number);
    let evidence: EvidencePackage | null = null;
    let pending: string | null = null;
    try {
      evidence = await this.packageForWork(work.id);
    } catch (e) {
      if (!(e instanceof AppError && e.code === 'CONFLICT')) throw e;
      pending = e.message;
    }
    const [files, rows] = await Promise.all([this.store.repos.works.files(work.id), this.store.repos.registryEvents.ofWork(work.id)]);
    const cat = CATEGORIES.find((c) => c.key === work.category);
    // The record as it stands: the approved values with the corrections applied in order.
    const current = applyCorrections(work, rows);
    const events = await Promise.all(rows.map(async (ev) => {
      const entry = await this.store.repos.log.entryOfEvent(ev.id);
      return eventView(ev, entry ? Number(entry.idx) : null, entry?.entry ?? null);
    }));
    return {
      registrationNumber: work.registration_number!,
      status: stateOf(work.status),
      events,
      record: {
        title: current.title,
        category: work.category,
        categoryLabel: cat ? { zh: cat.zh, en: cat.en } : null,
        description: current.description,
        authors: JSON.parse(current.authors) as unknown,
        owners: JSON.parse(current.owners) as unknown,
        completedOn: current.completed_on,
        publication: JSON.parse(current.publication) as unknown,
        aiDisclosure: JSON.parse(current.ai_disclosure) as unknown,
        registeredAt: work.registered_at,
        files: files.map((f) => ({ filename: f.filename, sha256: f.sha256, size: Number(f.size), mediaType: f.media_type, kind: f.kind })),
      },
      verifyUrl: this.verifyUrl(work.registration_number!),
      evidence,
      pending,
    };
  }

  /** Hashes an uploaded file (never stored) and lists the registrations holding exactly that content. */
  async byContent(stream: Readable) {
    const max = this.opts.maxVerifyBytes ?? DEFAULT_MAX_VERIFY_BYTES;
    const h = createHash('sha256');
    let size = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      size += chunk.length;
      if (size > max) {
        stream.resume();
        throw new AppError('FILE_TOO_LARGE', `files over ${max} bytes cannot be checked here; compute the SHA-256 locally and look it up by hash`, { maxBytes: max });
      }
      h.update(chunk);
    }
    if (size === 0) throw new AppError('FILE_MISSING', 'the file is empty', { field: 'file' });
    return { size, ...(await this.bySha256(h.digest('hex'))) };
  }

  async bySha256(sha256: string) {
    const hash = sha256.toLowerCase();
    if (!SHA256_SHAPE.test(hash)) throw new AppError('VALIDATION', 'a SHA-256 is 64 hexadecimal digits', { field: 'sha256', rule: 'pattern' });
    const rows = await this.store.repos.evidence.registeredBySha256(hash);
    const works = await this.store.repos.works.byIds([...new Set(rows.map((r) => r.work_id))]);
    const byId = new Map(works.map((w) => [w.id, w]));
    return {
      sha256: hash,
      matches: rows.flatMap((r) => {
        const w = byId.get(r.work_id);
        return w?.registration_number ? [{ registrationNumber: w.registration_number, title: w.title, registeredAt: w.registered_at, status: stateOf(w.status), verifyUrl: this.verifyUrl(w.registration_number) }] : [];
      }),
    };
  }

  private async registeredWork(number: string) {
    if (!NUMBER_SHAPE.test(number)) throw new AppError('VALIDATION', 'not a registration number', { field: 'number', rule: 'pattern' });
    const work = await this.store.repos.evidence.workByNumber(number);
    if (!work?.registration_number) throw new AppError('NOT_FOUND', `no registration ${number}`, { number });
    return work;
  }

  /** The package for a registration number; NOT_FOUND for numbers never issued, CONFLICT while not yet in a checkpoint. */
  async packageByNumber(number: string): Promise<EvidencePackage> {
    return this.packageForWork((await this.registeredWork(number)).id);
  }

  async packageForWork(workId: string): Promise<EvidencePackage> {
    const r = this.store.repos;
    const work = await r.works.byId(workId);
    if (!work?.registration_number || !work.registered_at) throw new AppError('NOT_FOUND', 'this work is not registered', { workId });
    const entry = await r.evidence.approvalEntry(workId);
    if (!entry) throw new AppError('NOT_FOUND', 'this registration has no log entry', { workId });
    const index = Number(entry.idx);
    const details = await this.log.checkpointDetails().catch(() => undefined);
    if (!details || details.size <= index) {
      throw new AppError('CONFLICT', 'the registration is not yet in a published checkpoint; try again in a few seconds', { index, reason: 'NOT_YET_PUBLISHED' });
    }
    const [proof, source, events] = await Promise.all([this.log.inclusionProof(index, details.size), r.log.sourceRows([{ workId, eventId: entry.event_id }]), this.provenEvents(workId, details.size)]);
    // The files as the approval recorded them (the leaf is the authority: the same rows in position order).
    const files = source.get(entry.event_id)?.files ?? [];
    const cat = CATEGORIES.find((c) => c.key === work.category);
    return buildEvidencePackage({
      work: { ...work, registration_number: work.registration_number, registered_at: work.registered_at },
      files: files.map((f) => ({ ...f, size: Number(f.size), position: Number(f.position) })),
      entry: { index, kind: entry.kind, leaf: entry.entry, salt: entry.salt },
      checkpoint: { note: details.note, size: details.size },
      proof,
      log: { origin: this.log.identity.origin, verifierKey: this.log.identity.vkey },
      witnessKeys: details.cosignatures.map((c) => c.witnessKey),
      timestamps: details.timestamps,
      ...(cat ? { categoryLabel: { zh: cat.zh, en: cat.en } } : {}),
      verifyUrl: this.verifyUrl(work.registration_number),
      now: new Date().toISOString(),
      events,
    });
  }

  /**
   * The work's corrections and revocations that the checkpoint of `size` covers, each with its
   * inclusion proof; later ones wait for the next checkpoint (the verify page says so).
   */
  private async provenEvents(workId: string, size: number): Promise<EvidenceEventInput[]> {
    const r = this.store.repos;
    const out: EvidenceEventInput[] = [];
    for (const ev of await r.registryEvents.ofWork(workId)) {
      const entry = await r.log.entryOfEvent(ev.id);
      if (!entry || Number(entry.idx) >= size) continue;
      const index = Number(entry.idx);
      out.push({ index, kind: entry.kind, leaf: entry.entry, salt: entry.salt, proof: await this.log.inclusionProof(index, size), columns: ev.columns, fields: ev.fields, reason: ev.reason, createdAt: ev.created_at });
    }
    return out.sort((a, b) => a.index - b.index);
  }
}

/** The works status a registration's public state comes from (corrected and revoked are set by registry events). */
const stateOf = (status: string): RegistrationState => (status === 'corrected' || status === 'revoked' ? status : 'valid');
