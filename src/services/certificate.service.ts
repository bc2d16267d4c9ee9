import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import type { CertificateData } from '../documents/certificate.js';
import { CATEGORIES } from '../domain/categories.js';
import { AppError } from '../domain/errors.js';
import { isStandingRegistration, type Actor } from '../domain/review.js';
import type { Publication } from '../domain/work.js';
import type { BlobStore } from '../repositories/blob.store.js';
import type { CertificateRasterizer } from '../repositories/certificate.rasterizer.js';
import type { CertificateRow } from '../repositories/certificates.repository.js';
import type { FontStore } from '../repositories/fonts.store.js';
import type { Store } from '../repositories/store.js';
import type { WorkRow } from '../repositories/works.repository.js';
import { applyCorrections } from './registry-events.service.js';
import { todayIn } from './workflow.js';

export interface CertificateOptions {
  institution: string;
  timeZone: string;
  /** `number` → the public verify URL the QR code opens. */
  verifyUrl: (number: string) => string;
  /** PNG of the institution's seal (CWS_SEAL_IMAGE); null draws the default seal. */
  sealImage: string | null;
  /** How long a request waits for the checkpoint covering a fresh approval (ms). */
  checkpointWaitMs?: number;
}

const MAX_CERTIFICATE_BYTES = 64 * 1024 * 1024;

export type CertificateFormat = 'pdf' | 'png';

// pdf-lib, fontkit and qrcode cost ~60 MB resident: loaded with the first certificate, not at start.
const loadRenderer = () => import('../documents/certificate.js');

/**
 * Registration certificates (docs/certificate.md): rendered by the `certificate.render` job
 * queued with the approval, or on first request if that job has not run yet, and cached in
 * the blob store per work and content version.
 */
export class CertificateService {
  private readonly seal: { png: Uint8Array; sha256: string } | null;
  /** One render per work at a time in this process; later callers share it. */
  private readonly inflight = new Map<string, Promise<CertificateRow>>();

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly fonts: FontStore,
    private readonly rasterizer: CertificateRasterizer,
    private readonly opts: CertificateOptions,
  ) {
    // A missing or broken seal image is a configuration error: say so at start, not on every certificate.
    this.seal = opts.sealImage ? readSeal(opts.sealImage) : null;
  }

  /** The certificate (PDF or PNG preview) of a work the actor may download. */
  async open(actor: Actor, workId: string, format: CertificateFormat) {
    const w = await this.store.repos.works.byId(workId);
    const mayRead = w && (w.owner_id === actor.id || ((actor.role === 'reviewer' || actor.role === 'admin') && w.ever_submitted === 1));
    if (!w) throw new AppError('NOT_FOUND', 'work not found');
    if (!mayRead) {
      // A registered work is public (the verify page shows it); its certificate is its owner's.
      if (isStandingRegistration(w.status)) throw new AppError('FORBIDDEN', 'only the owner, reviewers and admins may download this certificate');
      throw new AppError('NOT_FOUND', 'work not found');
    }
    this.assertRegistered(w);
    const row = await this.ensure(workId);
    const sha256 = format === 'pdf' ? row.pdf_sha256 : row.png_sha256;
    return { row, sha256, size: Number(format === 'pdf' ? row.pdf_size : row.png_size), number: w.registration_number!, stream: () => this.blobs.read(sha256) };
  }

  /**
   * The current certificate of a registered work, rendered now unless already cached. `waitMs`:
   * how long to wait for the checkpoint covering a fresh approval (a person waiting for a
   * download: a few seconds; the job: not at all, it is retried with backoff instead).
   */
  ensure(workId: string, waitMs = this.opts.checkpointWaitMs ?? 3000): Promise<CertificateRow> {
    let p = this.inflight.get(workId);
    if (!p) {
      p = this.ensureNow(workId, waitMs).finally(() => this.inflight.delete(workId));
      this.inflight.set(workId, p);
    }
    return p;
  }

  /** The `certificate.render` job: a work revoked (or gone) before the job ran has nothing to render. */
  async renderJob(workId: string): Promise<void> {
    const w = await this.store.repos.works.byId(workId);
    if (!w || !isStandingRegistration(w.status)) return;
    await this.ensure(workId, 0);
  }

  private assertRegistered(w: WorkRow): void {
    if (!isStandingRegistration(w.status) || !w.registration_number || !w.registered_at) {
      throw new AppError('CONFLICT', `work ${w.id} is ${w.status}; only approved registrations have a certificate`, { rule: 'not_registered', status: w.status });
    }
  }

  private async ensureNow(workId: string, waitMs: number): Promise<CertificateRow> {
    const r = this.store.repos;
    const w = await r.works.byId(workId);
    if (!w) throw new AppError('NOT_FOUND', 'work not found');
    this.assertRegistered(w);
    const { data, version } = await this.inputs(w);
    const cached = await r.certificates.get(workId, version);
    if (cached && (await this.blobs.exists(cached.pdf_sha256)) && (await this.blobs.exists(cached.png_sha256))) return cached;

    const cp = await this.coveringCheckpoint(data.log.index, waitMs);
    const full: CertificateData = { ...data, log: { ...data.log, checkpointSize: cp.size, rootHash: cp.rootHash } };
    const { certificateCharacters, renderCertificatePdf, renderCertificateSvg } = await loadRenderer();
    const faces = await this.fonts.facesFor(certificateCharacters(full));
    const { pdf, pageCount } = await renderCertificatePdf(full, faces);
    const { png, renderer } = await this.rasterizer.preview(pdf, () => renderCertificateSvg(full, faces));
    const now = new Date().toISOString();
    const [pdfBlob, pngBlob] = [await this.put(pdf), await this.put(png)];
    const row: CertificateRow = {
      work_id: workId, version, pdf_sha256: pdfBlob.sha256, pdf_size: pdfBlob.size, png_sha256: pngBlob.sha256, png_size: pngBlob.size,
      pages: pageCount, log_index: data.log.index, checkpoint_size: cp.size, root_hash: cp.rootHash, preview: renderer, created_at: now,
    };
    await this.store.tx(async (tx) => {
      // The blob rows keep the orphan sweep (blob-gc) away from the certificate files.
      await tx.works.insertBlob(pdfBlob.sha256, pdfBlob.size, now);
      await tx.works.insertBlob(pngBlob.sha256, pngBlob.size, now);
      await tx.certificates.save(row);
    });
    return (await r.certificates.get(workId, version)) ?? row;
  }

  /** What the certificate prints, and its content version (everything but the checkpoint). */
  private async inputs(approved: WorkRow): Promise<{ data: CertificateData; version: string }> {
    const r = this.store.repos;
    // A corrected registration prints its current values; the works row keeps the approved ones.
    const w = applyCorrections(approved, await r.registryEvents.ofWork(approved.id));
    const [files, owner, entry, seal, state] = await Promise.all([r.works.files(w.id), r.users.byId(w.owner_id), r.evidence.approvalEntry(w.id), this.seal, r.log.state()]);
    if (!entry) throw new AppError('CONFLICT', 'this registration has no registry log entry', { rule: 'not_registered', status: w.status });
    const cat = CATEGORIES.find((c) => c.key === w.category);
    const ai = JSON.parse(w.ai_disclosure) as { used?: boolean; tools?: string; claimedParts?: string; excludedParts?: string };
    const data: CertificateData = {
      registrationNumber: w.registration_number!,
      title: w.title,
      category: cat ? { zh: cat.zh, en: cat.en } : { zh: w.category, en: w.category },
      authors: (JSON.parse(w.authors) as { name: string }[]).map((a) => a.name),
      owners: (JSON.parse(w.owners) as { name: string; share: number }[]).map((o) => ({ name: o.name, share: o.share })),
      completedOn: w.completed_on,
      publication: JSON.parse(w.publication) as Publication,
      applicant: owner?.real_name || owner?.display_name || '',
      institution: this.opts.institution,
      registeredOn: todayIn(this.opts.timeZone, new Date(w.registered_at!)),
      files: files.map((f) => ({ name: f.filename, sha256: f.sha256, size: Number(f.size) })),
      ai: { used: ai.used === true, tools: ai.tools ?? '', claimedParts: ai.claimedParts ?? '', excludedParts: ai.excludedParts ?? '' },
      log: { index: Number(entry.idx), origin: state?.origin ?? '', checkpointSize: 0, rootHash: '' },
      verifyUrl: this.opts.verifyUrl(w.registration_number!),
      seal: seal?.png ?? null,
    };
    const printed = { ...data, seal: seal?.sha256 ?? null, log: { index: data.log.index, origin: data.log.origin }, status: w.status, updatedAt: w.updated_at };
    const { CERTIFICATE_LAYOUT_VERSION } = await loadRenderer();
    const version = createHash('sha256').update(JSON.stringify({ layout: CERTIFICATE_LAYOUT_VERSION, printed })).digest('hex');
    return { data, version };
  }

  /**
   * The newest checkpoint covering the entry. The integrator publishes within about a second
   * of an approval, so a request this early waits for it rather than failing.
   */
  private async coveringCheckpoint(index: number, waitMs: number): Promise<{ size: number; rootHash: string }> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      const cp = await this.store.repos.log.latestCheckpoint();
      if (cp && Number(cp.size) > index) return { size: Number(cp.size), rootHash: cp.root.toString('base64') };
      if (Date.now() >= deadline) {
        throw new AppError('CONFLICT', 'the registration is not yet in a published checkpoint; try again in a few seconds', { rule: 'not_yet_published', index });
      }
      await new Promise((res) => setTimeout(res, 200));
    }
  }

  private async put(bytes: Uint8Array): Promise<{ sha256: string; size: number }> {
    const staged = await this.blobs.stage(Readable.from([Buffer.from(bytes)]), MAX_CERTIFICATE_BYTES);
    await this.blobs.commit(staged);
    return { sha256: staged.sha256, size: staged.size };
  }
}

function readSeal(file: string): { png: Uint8Array; sha256: string } {
  let png: Buffer;
  try {
    png = readFileSync(file);
  } catch (e) {
    throw new Error(`CWS_SEAL_IMAGE: cannot read ${file}: ${(e as Error).message}`, { cause: e });
  }
  if (png.length < 24 || png.readUInt32BE(0) !== 0x89504e47) throw new Error(`CWS_SEAL_IMAGE: ${file} is not a PNG file`);
  return { png: new Uint8Array(png), sha256: createHash('sha256').update(png).digest('hex') };
}
