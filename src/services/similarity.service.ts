import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { AppError } from '../domain/errors.js';
import { imageTypeOfHead, type FileKind } from '../domain/files.js';
import { nowIso } from '../domain/ids.js';
import { isStandingRegistration, type Actor } from '../domain/review.js';
import { alignFingerprints, audioIndexKeys, chromaprintRaw, compressFingerprint, ITEM_SECONDS } from '../fingerprint/chromaprint.js';
import { DIHEDRAL_NAMES, lumaFromPixels, pdqDihedralFromLuma, pdqFromPixels, PDQ_MATCH_DISTANCE, PDQ_MIN_QUALITY, type DihedralName } from '../fingerprint/pdq.js';
import { cropProbeHashes, innerHash } from '../fingerprint/pdq-crops.js';
import { RegistryIndex, type Candidate, type IndexEntry, type PrintKind } from '../fingerprint/registry-index.js';
import { bandKeys, chunkSignatures, comparePassages, kgramHashes, normalizeText, textPrint } from '../fingerprint/text.js';
import { compareVideos, distinctFrames, VIDEO_MATCH_SHARE, type VideoFrame } from '../fingerprint/video.js';
import type { BlobStore } from '../repositories/blob.store.js';
import type { BlobHolder, FingerprintRow } from '../repositories/fingerprints.repository.js';
import { FingerprintFailure, MediaDecoder } from '../repositories/media.decoder.js';
import type { Store } from '../repositories/store.js';
import { canSee } from './workflow.js';

/** Version of the report format, and of the stored fingerprints of every kind whose algorithm has not changed since. */
export const FINGERPRINT_VERSION = 1;

/**
 * Version of stored image fingerprints. 2: the whole image and its inner region R[15 %, 85 %]²
 * indexed, the crop probes stored, pixels decoded through the 512-px shrink-on-load; 1: the whole
 * image and its centre 95 %. A row below its kind's version is recomputed on next use (`ensure`)
 * and, for images, by the backfill job (src/services/fingerprint-backfill.ts); until then it is
 * still indexed with the hashes it holds.
 */
export const IMAGE_PRINT_VERSION = 2;

/** The current fingerprint version of a kind (`fingerprints.kind`). */
export const printVersion = (kind: string): number => (kind === 'image' ? IMAGE_PRINT_VERSION : FINGERPRINT_VERSION);

/** What `cws fingerprint FILE --json` prints: only the parts that apply to the file. */
export interface FilePrint {
  sha256: string;
  kind: PrintKind | 'none';
  pdq?: {
    hash: string;
    quality: number;
    dihedral: Record<DihedralName, string>;
    /** PDQ of the inner region [15 %, 85 %]² (indexed too, for cropped copies; src/fingerprint/pdq-crops.ts). */
    inner: string;
    /** PDQ of the regions that would be a registered image's inner region if this file were a cropped copy of it. */
    probes: string[];
  };
  chromaprint?: { fingerprint: string; raw: number[]; duration: number };
  video?: { duration: number; sampled: number; frames: VideoFrame[] };
  text?: { chars: number; normalizedChars: number; truncated: boolean; chunks: number };
  /** "could not fingerprint: …" when decoding failed; sha256 is still given. */
  error?: string;
}

export interface ComputedPrint {
  print: FilePrint;
  text: string | null;
  entry: IndexEntry | null;
}

const kindOf = (k: FileKind | string): PrintKind | 'none' => (k === 'image' ? 'image' : k === 'audio' ? 'audio' : k === 'video' ? 'video' : k === 'text' || k === 'pdf' || k === 'document' ? 'text' : 'none');

function sha256File(file: string): Promise<string> {
  return new Promise((res, rej) => {
    const h = createHash('sha256');
    createReadStream(file).on('data', (c) => h.update(c)).on('end', () => res(h.digest('hex'))).on('error', rej);
  });
}

const u32ToB64 = (a: Uint32Array): string => Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
const b64ToU32 = (s: string): Uint32Array => {
  const b = Buffer.from(s, 'base64');
  return new Uint32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

/** Decodes a file (through the media decoder) and computes its fingerprint with the pure libraries. */
export class Fingerprinter {
  constructor(readonly decoder: MediaDecoder) {}

  async compute(file: string, fileKind: FileKind | string, sha256?: string): Promise<ComputedPrint> {
    const sha = sha256 ?? (await sha256File(file));
    const kind = kindOf(fileKind);
    const print: FilePrint = { sha256: sha, kind };
    try {
      if (kind === 'image') {
        const img = await this.decoder.image(file);
        const luma = lumaFromPixels(img.pixels, img.width, img.height, img.channels);
        const d = pdqDihedralFromLuma(luma, img.width, img.height);
        const inner = innerHash(luma, img.width, img.height);
        print.pdq = { hash: d.hashes.original, quality: d.quality, dihedral: d.hashes, inner, probes: cropProbeHashes(luma, img.width, img.height) };
        return { print, text: null, entry: d.quality >= PDQ_MIN_QUALITY ? { sha256: sha, kind, pdq: d.hashes.original, pdqExtra: [inner] } : null };
      }
      if (kind === 'audio') {
        const { pcm, duration } = await this.decoder.audioPcm(file);
        const raw = chromaprintRaw(pcm);
        if (raw.length === 0) throw new FingerprintFailure('empty', 'audio shorter than the ~3 s a fingerprint needs');
        print.chromaprint = { fingerprint: compressFingerprint(raw), raw: [...raw], duration: Math.floor(duration) };
        return { print, text: null, entry: { sha256: sha, kind, audioKeys: audioIndexKeys(raw) } };
      }
      if (kind === 'video') {
        const frames: VideoFrame[] = [];
        const side = 128;
        const { duration } = await this.decoder.videoFrames(file, (rgb, i) => {
          const r = pdqFromPixels(rgb, side, side, 3);
          frames.push({ t: i, hash: r.hash, quality: r.quality });
        }, side);
        const distinct = distinctFrames(frames);
        print.video = { duration, sampled: frames.length, frames: distinct };
        return { print, text: null, entry: distinct.length ? { sha256: sha, kind, frames: distinct.map((f) => f.hash) } : null };
      }
      if (kind === 'text') {
        const { text, truncated } = await this.decoder.text(file, fileKind === 'pdf' ? 'pdf' : fileKind === 'document' ? 'document' : 'text');
        const norm = normalizeText(text);
        if (norm.text.length === 0) throw new FingerprintFailure('empty', 'no text found (a scanned PDF needs OCR first)');
        const sigs = chunkSignatures(kgramHashes(norm.text));
        const keys = new Uint32Array(sigs.length * 16);
        sigs.forEach((s, i) => keys.set(bandKeys(s), i * 16));
        print.text = { chars: text.length, normalizedChars: norm.text.length, truncated, chunks: sigs.length };
        return { print, text, entry: keys.length ? { sha256: sha, kind, bandKeys: keys } : null };
      }
      return { print, text: null, entry: null };
    } catch (e) {
      if (!(e instanceof FingerprintFailure)) throw e;
      print.error = `could not fingerprint: ${e.message}`;
      return { print, text: null, entry: null };
    }
  }
}

export interface MatchTarget {
  workId: string;
  title: string;
  status: string;
  ownerId: string;
  ownerName: string;
  registrationNumber: string | null;
  fileId: string;
  filename: string;
  sha256: string;
}

export interface SimilarityMatch {
  /** The submitted file (absent for `cws match`). */
  fileId?: string;
  filename: string;
  type: 'exact' | 'image' | 'video' | 'audio' | 'text';
  /** 0..1, higher is closer. */
  score: number;
  detail: Record<string, unknown>;
  target: MatchTarget;
  /** registered_by_other is what a reviewer must look at first. */
  relation: 'registered_by_other' | 'pending_by_other' | 'own_registered' | 'own_pending';
}

export interface SimilarityReport {
  version: number;
  workId: string | null;
  createdAt: string;
  files: { fileId?: string; filename: string; sha256: string; kind: string; status: 'ok' | 'failed' | 'skipped'; error?: string; summary: Record<string, unknown> }[];
  matches: SimilarityMatch[];
  flagged: boolean;
  summary: { exact: number; near: number; registeredByOthers: number; ownEarlierVersions: number };
  index: { files: number; memoryBytes: number };
}

/** A registered image close to an image dropped on the public verify page: public fields only. */
export interface PublicSimilarMatch {
  registrationNumber: string;
  title: string;
  registeredAt: string | null;
  status: 'valid' | 'corrected';
  /** PDQ Hamming distance (0..256 bits; ≤ 31 is reported) between the two images. */
  distance: number;
  /** Which rotation or mirror of the dropped image matched, or `cropped`: a crop of the registered image. */
  transform: DihedralName | 'cropped';
}

/**
 * The perceptual half of the public file check. `status`: ok (searched), not_image (no image
 * signature: nothing to compare), too_large (over the size the page decodes), low_quality (flat
 * or tiny: PDQ carries too little information to claim similarity), failed (could not decode).
 */
export interface PublicSimilarResult {
  status: 'ok' | 'not_image' | 'too_large' | 'low_quality' | 'failed';
  reason?: string;
  quality?: number;
  maxDistance: number;
  matches: PublicSimilarMatch[];
}

/** Largest image the public verify page decodes for the similarity search (bytes; the exact check takes larger files). */
export const PUBLIC_IMAGE_MAX_BYTES = 32 * 1024 * 1024;

export interface SimilarityOptions {
  enqueue: (workId: string) => Promise<unknown>;
  /** Minimum text coverage of either side, or a passage of at least this many normalised characters. */
  minTextCoverage?: number;
  minPassageChars?: number;
}

const REVIEWERS = new Set(['reviewer', 'admin']);
const SNIPPET = 400;

/**
 * The copyright-protection check: fingerprints every file of a submission, searches the
 * in-memory indexes of everything registered (kept current from the database), compares
 * candidates in detail and stores a report the reviewer sees beside the work.
 */
export class SimilarityService {
  private state: IndexState = { index: new RegistryIndex(), loadedUntil: '', recent: new Map() };
  private loading: Promise<void> | null = null;
  /** Anonymous uploads get tighter limits than submissions: a smaller pixel budget and a short time limit. */
  private readonly publicDecoder: MediaDecoder;

  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly fingerprinter: Fingerprinter,
    private readonly opts: SimilarityOptions,
  ) {
    this.publicDecoder = new MediaDecoder({ ...fingerprinter.decoder.limits, maxPixels: Math.min(fingerprinter.decoder.limits.maxPixels, 50_000_000), timeoutMs: Math.min(fingerprinter.decoder.limits.timeoutMs, 15_000) });
  }

  /** Brings the in-memory index up to date with fingerprints stored by any process. */
  refresh(): Promise<void> {
    if (!this.loading) this.loading = this.load(this.state).finally(() => (this.loading = null));
    return this.loading;
  }

  /**
   * Builds the index afresh from the stored rows and swaps it in when complete (searches use the
   * old one meanwhile). A recomputed row is added to the live index as a new entry beside its old
   * hashes; after a backfill, this lets the superseded hashes leave memory.
   */
  async rebuildIndex(): Promise<void> {
    while (this.loading) await this.loading.catch(() => undefined);
    const fresh: IndexState = { index: new RegistryIndex(), loadedUntil: '', recent: new Map() };
    this.loading = this.load(fresh)
      .then(() => {
        fresh.index.compact();
        this.state = fresh;
      })
      .finally(() => (this.loading = null));
    return this.loading;
  }

  indexStats() {
    return { files: this.state.index.size, memory: this.state.index.memory() };
  }

  private async load(st: IndexState): Promise<void> {
    // Rows can commit slightly out of timestamp order across processes: re-read a short overlap and skip what we have.
    const overlapMs = 30_000;
    const since = st.loadedUntil ? new Date(Date.parse(st.loadedUntil) - overlapMs).toISOString() : '';
    let newest = st.loadedUntil;
    let added = 0;
    for await (const rows of this.store.repos.fingerprints.since(since)) {
      for (const r of rows) {
        if (r.created_at > newest) newest = r.created_at;
        // Seen already, unless rewritten since (a recomputed fingerprint gets a new created_at).
        if (st.recent.get(r.sha256) === r.created_at) continue;
        const entry = entryFromRow(r);
        if (entry) {
          st.index.add(entry);
          added++;
        }
        st.recent.set(r.sha256, r.created_at);
      }
    }
    if (added > 1000) st.index.compact();
    const cutoff = new Date(Date.parse(newest || nowIso()) - overlapMs).toISOString();
    // Keep only the shas that the next overlap window can return again.
    if (st.recent.size > 10_000) {
      const keep = new Map<string, string>();
      for await (const rows of this.store.repos.fingerprints.since(cutoff)) for (const r of rows) keep.set(r.sha256, r.created_at);
      st.recent = keep;
    }
    st.loadedUntil = newest;
  }

  /** The stored fingerprint of a blob, computed now if missing or from an older algorithm version. */
  async ensure(sha256: string, fileKind: string): Promise<FingerprintRow> {
    const have = await this.store.repos.fingerprints.bySha(sha256);
    if (have && have.version >= printVersion(have.kind) && !(have.status === 'failed' && /not available|could not start/.test(have.error ?? ''))) return have;
    const computed = await this.fingerprinter.compute(this.blobs.pathOf(sha256), fileKind, sha256);
    const row = rowFromPrint(computed);
    await this.store.repos.fingerprints.upsert(row);
    return row;
  }

  /**
   * Recomputes a stored fingerprint from its blob (the backfill). The stored row stays as it is
   * when the blob is gone or no longer decodes: a hash that matched before keeps matching, and
   * the next pass tries again.
   */
  async recompute(sha256: string, fileKind: string): Promise<{ outcome: 'updated' | 'missing' | 'failed'; reason?: string }> {
    if (!(await this.blobs.exists(sha256))) return { outcome: 'missing' };
    let computed: ComputedPrint;
    try {
      computed = await this.fingerprinter.compute(this.blobs.pathOf(sha256), fileKind, sha256);
    } catch (e) {
      // Not a decoding failure (those come back as print.error): still one file's problem, not the pass's.
      return { outcome: 'failed', reason: (e as Error).message };
    }
    if (computed.print.error) return { outcome: 'failed', reason: computed.print.error };
    // A database error is the pass's problem: it propagates and the job is retried.
    await this.store.repos.fingerprints.upsert(rowFromPrint(computed));
    return { outcome: 'updated' };
  }

  async requestReport(actor: Actor, workId: string): Promise<{ queued: true }> {
    if (!REVIEWERS.has(actor.role)) throw new AppError('FORBIDDEN', 'only reviewers can rerun the similarity check');
    const w = await this.store.repos.works.byId(workId);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    await this.store.repos.fingerprints.saveReport({ work_id: workId, status: 'pending', report: (await this.store.repos.fingerprints.report(workId))?.report ?? '{}', flagged: 0, created_at: nowIso(), updated_at: nowIso() });
    await this.opts.enqueue(workId);
    return { queued: true };
  }

  /**
   * The report for reviewers; the owner sees only whether the check ran and links to their
   * own earlier registrations (other people's pending works stay private).
   */
  async getReport(actor: Actor, workId: string) {
    const w = await this.store.repos.works.byId(workId);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    const row = await this.store.repos.fingerprints.report(workId);
    if (!row) return { status: w.ever_submitted ? 'queued' : 'not_submitted', report: null };
    // Resubmitted since the last run: the new check is queued; the previous report is still shown.
    const status = row.status === 'done' && w.submitted_at && w.submitted_at > row.updated_at ? 'queued' : row.status;
    const report = JSON.parse(row.report) as SimilarityReport | Record<string, never>;
    if (REVIEWERS.has(actor.role)) return { status, updatedAt: row.updated_at, report: 'matches' in report ? report : null };
    if (!('matches' in report)) return { status, updatedAt: row.updated_at, report: null };
    const own = report.matches.filter((m) => m.relation === 'own_registered' || m.relation === 'own_pending');
    return { status, updatedAt: row.updated_at, report: { ...report, matches: own, files: report.files, summary: { ...report.summary, registeredByOthers: undefined } } };
  }

  /** The job: fingerprint every file of the work, search, compare, store the report. */
  async runReport(workId: string, heartbeat: () => Promise<void> = async () => undefined): Promise<SimilarityReport> {
    const w = await this.store.repos.works.byId(workId);
    if (!w) throw new AppError('NOT_FOUND', 'work not found');
    const files = await this.store.repos.works.files(workId);
    const prints: { fileId: string; filename: string; kind: string; row: FingerprintRow }[] = [];
    // A long video or PDF takes longer than the job lease: keep the lease alive meanwhile.
    const beat = setInterval(() => void heartbeat().catch(() => undefined), 15_000);
    try {
      for (const f of files) {
        prints.push({ fileId: f.id, filename: f.filename, kind: f.kind, row: await this.ensure(f.sha256, f.kind) });
        await heartbeat();
      }
    } finally {
      clearInterval(beat);
    }
    const report = await this.search(prints.map((p) => ({ ...p, sha256: p.row.sha256 })), { workId, ownerId: w.owner_id });
    const now = nowIso();
    await this.store.repos.fingerprints.saveReport({ work_id: workId, status: 'done', report: JSON.stringify(report), flagged: report.flagged ? 1 : 0, created_at: now, updated_at: now });
    return report;
  }

  /**
   * Public verify page: registered images (a registration number issued, not revoked) within
   * PDQ distance 31 of any rotation/mirror of an uploaded image that is never stored. Only
   * images of quality ≥ 50 are compared (Meta's guidance), the same rule as the reviewers'
   * report; the file with these very bytes is left to the exact check.
   */
  async similarRegisteredImages(upload: { head: Buffer; bytes: Buffer | null }, sha256: string): Promise<PublicSimilarResult> {
    const maxDistance = PDQ_MATCH_DISTANCE;
    if (!imageTypeOfHead(upload.head)) return { status: 'not_image', maxDistance, matches: [] };
    const image = upload.bytes;
    if (!image) return { status: 'too_large', reason: `images over ${PUBLIC_IMAGE_MAX_BYTES} bytes are only checked for identical content`, maxDistance, matches: [] };
    let quality: number;
    let hashes: Record<DihedralName, string>;
    let probes: string[];
    try {
      const img = await this.publicDecoder.image(image);
      const luma = lumaFromPixels(img.pixels, img.width, img.height, img.channels);
      ({ quality, hashes } = pdqDihedralFromLuma(luma, img.width, img.height));
      probes = cropProbeHashes(luma, img.width, img.height);
    } catch (e) {
      if (!(e instanceof FingerprintFailure)) throw e;
      return { status: 'failed', reason: `could not fingerprint: ${e.message}`, maxDistance, matches: [] };
    }
    if (quality < PDQ_MIN_QUALITY) return { status: 'low_quality', quality, maxDistance, matches: [] };
    await this.refresh();
    const candidates = this.state.index.searchImage(imageQuery(hashes, probes), maxDistance).filter((c) => c.sha256 !== sha256).slice(0, 50);
    const holders = await this.store.repos.fingerprints.holders(candidates.map((c) => c.sha256), null);
    const best = new Map<string, PublicSimilarMatch>();
    for (const c of candidates) {
      for (const h of holders) {
        if (h.sha256 !== c.sha256 || !h.registration_number || !isStandingRegistration(h.status)) continue;
        const prev = best.get(h.registration_number);
        if (prev && prev.distance <= c.score) continue;
        best.set(h.registration_number, { registrationNumber: h.registration_number, title: h.title, registeredAt: h.registered_at, status: h.status === 'corrected' ? 'corrected' : 'valid', distance: c.score, transform: transformOf(c.variant) });
      }
    }
    return { status: 'ok', quality, maxDistance, matches: [...best.values()].sort((a, b) => a.distance - b.distance).slice(0, 20) };
  }

  /** `cws match FILE`: fingerprints a local file and searches the registry, storing nothing. */
  async matchFile(file: string, fileKind: FileKind): Promise<{ print: FilePrint; report: SimilarityReport }> {
    const computed = await this.fingerprinter.compute(file, fileKind);
    const row = rowFromPrint(computed);
    const report = await this.search([{ filename: file, kind: fileKind, sha256: row.sha256, row }], { workId: null, ownerId: null });
    return { print: computed.print, report };
  }

  private async search(
    prints: { fileId?: string; filename: string; kind: string; sha256: string; row: FingerprintRow }[],
    who: { workId: string | null; ownerId: string | null },
  ): Promise<SimilarityReport> {
    await this.refresh();
    const repo = this.store.repos.fingerprints;
    const matches: SimilarityMatch[] = [];
    const relation = (h: BlobHolder): SimilarityMatch['relation'] => {
      const own = who.ownerId !== null && h.owner_id === who.ownerId;
      const registered = isStandingRegistration(h.status);
      return own ? (registered ? 'own_registered' : 'own_pending') : registered ? 'registered_by_other' : 'pending_by_other';
    };
    const target = (h: BlobHolder): MatchTarget => ({ workId: h.work_id, title: h.title, status: h.status, ownerId: h.owner_id, ownerName: h.owner_name ?? '', registrationNumber: h.registration_number, fileId: h.file_id, filename: h.filename, sha256: h.sha256 });

    // 1. Exact duplicates.
    const exactHolders = await repo.holders([...new Set(prints.map((p) => p.sha256))], who.workId);
    for (const p of prints) {
      for (const h of exactHolders.filter((x) => x.sha256 === p.sha256)) {
        matches.push({ ...(p.fileId ? { fileId: p.fileId } : {}), filename: p.filename, type: 'exact', score: 1, detail: { sha256: p.sha256 }, target: target(h), relation: relation(h) });
      }
    }

    // 2. Near matches per file, by kind.
    for (const p of prints) {
      if (p.row.status !== 'ok') continue;
      const data = JSON.parse(p.row.data) as StoredData;
      let candidates: Candidate[] = [];
      if (p.row.kind === 'image' && data.dihedral && (p.row.quality ?? 0) >= PDQ_MIN_QUALITY) candidates = this.state.index.searchImage(imageQuery(data.dihedral, data.probes));
      else if (p.row.kind === 'video' && data.frames) candidates = this.state.index.searchVideo(data.frames.map((f) => f.hash), Math.max(1, Math.ceil(data.frames.length * 0.2)));
      else if (p.row.kind === 'audio' && data.raw) candidates = this.state.index.searchAudio(audioIndexKeys(b64ToU32(data.raw)));
      else if (p.row.kind === 'text' && data.bandKeys) candidates = this.state.index.searchText(b64ToU32(data.bandKeys));
      candidates = candidates.filter((c) => c.sha256 !== p.sha256).slice(0, 50);
      if (candidates.length === 0) continue;
      const holders = await repo.holders(candidates.map((c) => c.sha256), who.workId);
      if (holders.length === 0) continue;
      const held = [...new Set(holders.map((h) => h.sha256))];
      const others = p.row.kind === 'image' ? [] : await repo.byShas(held);
      for (const c of candidates) {
        const hs = holders.filter((h) => h.sha256 === c.sha256);
        if (hs.length === 0) continue;
        const detail = p.row.kind === 'image' ? imageDetail(c) : this.compareDetail(p.row, data, others.find((o) => o.sha256 === c.sha256));
        if (!detail) continue;
        for (const h of hs) matches.push({ ...(p.fileId ? { fileId: p.fileId } : {}), filename: p.filename, type: p.row.kind as SimilarityMatch['type'], score: detail.score, detail: detail.detail, target: target(h), relation: relation(h) });
      }
    }
    const order = { registered_by_other: 0, pending_by_other: 1, own_registered: 2, own_pending: 3 } as const;
    matches.sort((a, b) => order[a.relation] - order[b.relation] || (a.type === 'exact' ? -1 : 0) - (b.type === 'exact' ? -1 : 0) || b.score - a.score);
    const registeredByOthers = matches.filter((m) => m.relation === 'registered_by_other').length;
    const mem = this.state.index.memory();
    return {
      version: FINGERPRINT_VERSION,
      workId: who.workId,
      createdAt: nowIso(),
      files: prints.map((p) => ({ ...(p.fileId ? { fileId: p.fileId } : {}), filename: p.filename, sha256: p.sha256, kind: p.row.kind, status: p.row.status === 'ok' ? 'ok' : p.row.kind === 'none' ? 'skipped' : 'failed', ...(p.row.error ? { error: p.row.error } : {}), summary: summaryOf(p.row) })),
      matches,
      flagged: registeredByOthers > 0,
      summary: { exact: matches.filter((m) => m.type === 'exact').length, near: matches.filter((m) => m.type !== 'exact').length, registeredByOthers, ownEarlierVersions: matches.filter((m) => m.relation === 'own_registered').length },
      index: { files: this.state.index.size, memoryBytes: mem.total },
    };
  }

  private compareDetail(mine: FingerprintRow, data: StoredData, other: FingerprintRow | undefined): { score: number; detail: Record<string, unknown> } | null {
    if (!other || other.status !== 'ok') return null;
    const od = JSON.parse(other.data) as StoredData;
    if (mine.kind === 'audio' && data.raw && od.raw) {
      const a = alignFingerprints(b64ToU32(data.raw), b64ToU32(od.raw));
      if (!a) return null;
      const matched = a.segments.reduce((s, g) => s + (g.endA - g.startA), 0);
      const shorter = Math.min(b64ToU32(data.raw).length, b64ToU32(od.raw).length) * ITEM_SECONDS;
      if (matched < Math.min(10, shorter * 0.5)) return null;
      return { score: Math.max(0, 1 - 2 * a.bitErrorRate), detail: { offsetSeconds: round(a.offsetSeconds, 2), bitErrorRate: round(a.bitErrorRate, 3), matchedSeconds: round(matched, 1), segments: a.segments.slice(0, 20).map((s) => ({ startA: round(s.startA, 1), endA: round(s.endA, 1), startB: round(s.startB, 1), endB: round(s.endB, 1), bitErrorRate: round(s.bitErrorRate, 3) })) } };
    }
    if (mine.kind === 'video' && data.frames && od.frames) {
      const v = compareVideos(data.frames, od.frames);
      const score = Math.max(v.matchA, v.matchB);
      if (score < VIDEO_MATCH_SHARE) return null;
      return { score, detail: { matchA: round(v.matchA, 3), matchB: round(v.matchB, 3), pairs: v.pairs.slice(0, 20) } };
    }
    if (mine.kind === 'text' && mine.content !== null && other.content !== null) {
      const pa = textPrint(mine.content);
      const pb = textPrint(other.content);
      const cmp = comparePassages(pa, pb);
      const longest = cmp.passages.reduce((m, x) => Math.max(m, x.length), 0);
      const score = Math.max(cmp.coverageA, cmp.coverageB);
      if (score < (this.opts.minTextCoverage ?? 0.05) && longest < (this.opts.minPassageChars ?? 60)) return null;
      return {
        score,
        detail: {
          coverageA: round(cmp.coverageA, 3),
          coverageB: round(cmp.coverageB, 3),
          passages: cmp.passages.slice(0, 50).map((x) => ({ a: { ...x.a, text: mine.content!.slice(x.a.start, Math.min(x.a.end, x.a.start + SNIPPET)) }, b: { ...x.b, text: other.content!.slice(x.b.start, Math.min(x.b.end, x.b.start + SNIPPET)) }, length: x.length })),
        },
      };
    }
    return null;
  }
}

/** The in-memory index and how far it has read the fingerprints table. */
interface IndexState {
  index: RegistryIndex;
  loadedUntil: string;
  /** SHA-256 → created_at of rows read within the last overlap window (skipped when read again unchanged). */
  recent: Map<string, string>;
}

interface StoredData {
  dihedral?: Record<DihedralName, string>;
  /** Images fingerprinted before the inner region: the centre 95 %, still indexed. */
  crop?: string;
  inner?: string;
  probes?: string[];
  raw?: string;
  fingerprint?: string;
  duration?: number;
  frames?: VideoFrame[];
  sampled?: number;
  bandKeys?: string;
  chars?: number;
  truncated?: boolean;
}

const round = (x: number, d: number): number => Math.round(x * 10 ** d) / 10 ** d;

/** What an image is searched with: its 8 rotations/mirrors, then its crop probes (src/fingerprint/pdq-crops.ts). */
const imageQuery = (dihedral: Record<DihedralName, string>, probes: string[] | undefined): string[] => [...DIHEDRAL_NAMES.map((d) => dihedral[d]), ...(probes ?? [])];
// The first probe assumes an uncut copy (same framing, compared region by region): "as is".
const transformOf = (variant = 0): DihedralName | 'cropped' => (variant < DIHEDRAL_NAMES.length ? DIHEDRAL_NAMES[variant]! : variant === DIHEDRAL_NAMES.length ? 'original' : 'cropped');

function imageDetail(c: Candidate): { score: number; detail: Record<string, unknown> } {
  return { score: round(Math.max(0, 1 - c.score / 128), 3), detail: { distance: c.score, transform: transformOf(c.variant) } };
}

function summaryOf(r: FingerprintRow): Record<string, unknown> {
  const d = JSON.parse(r.data) as StoredData;
  if (r.kind === 'image') return { pdq: r.pdq, quality: r.quality };
  if (r.kind === 'audio') return { duration: d.duration, fingerprint: d.fingerprint ? `${d.fingerprint.slice(0, 24)}…` : undefined };
  if (r.kind === 'video') return { duration: d.duration, sampledFrames: d.sampled, distinctFrames: d.frames?.length };
  if (r.kind === 'text') return { chars: d.chars, truncated: d.truncated };
  return {};
}

function rowFromPrint(c: ComputedPrint): FingerprintRow {
  const p = c.print;
  const data: StoredData = {};
  if (p.pdq) Object.assign(data, { dihedral: p.pdq.dihedral, inner: p.pdq.inner, probes: p.pdq.probes });
  if (p.chromaprint) Object.assign(data, { raw: u32ToB64(Uint32Array.from(p.chromaprint.raw)), fingerprint: p.chromaprint.fingerprint, duration: p.chromaprint.duration });
  if (p.video) Object.assign(data, { frames: p.video.frames, duration: p.video.duration, sampled: p.video.sampled });
  if (p.text) Object.assign(data, { chars: p.text.chars, truncated: p.text.truncated, bandKeys: c.entry?.bandKeys ? u32ToB64(c.entry.bandKeys) : undefined });
  return {
    sha256: p.sha256,
    kind: p.kind,
    status: p.error ? 'failed' : 'ok',
    error: p.error ?? null,
    pdq: p.pdq?.hash ?? null,
    quality: p.pdq?.quality ?? null,
    data: JSON.stringify(data),
    content: c.text,
    version: printVersion(p.kind),
    created_at: nowIso(),
  };
}

/** Rows of an older version are indexed with what they hold (an image of version 1: whole image + centre 95 %) until recomputed. */
function entryFromRow(r: Omit<FingerprintRow, 'content'>): IndexEntry | null {
  if (r.status !== 'ok') return null;
  const d = JSON.parse(r.data) as StoredData;
  switch (r.kind) {
    case 'image':
      return r.pdq && (r.quality ?? 0) >= PDQ_MIN_QUALITY ? { sha256: r.sha256, kind: 'image', pdq: r.pdq, ...(d.inner ?? d.crop ? { pdqExtra: [(d.inner ?? d.crop)!] } : {}) } : null;
    case 'audio':
      return d.raw ? { sha256: r.sha256, kind: 'audio', audioKeys: audioIndexKeys(b64ToU32(d.raw)) } : null;
    case 'video':
      return d.frames?.length ? { sha256: r.sha256, kind: 'video', frames: d.frames.map((f) => f.hash) } : null;
    case 'text':
      return d.bandKeys ? { sha256: r.sha256, kind: 'text', bandKeys: b64ToU32(d.bandKeys) } : null;
    default:
      return null;
  }
}

