import { AppError } from '../domain/errors.js';
import { nowIso } from '../domain/ids.js';
import type { Actor } from '../domain/review.js';
import type { TextDetector } from '../provenance/detector/types.js';
import type { GbLabelInput } from '../provenance/gb45438.js';
import { inspect } from '../provenance/inspect.js';
import { LabelError, writeLabel, type LabelOptions, type LabelResult } from '../provenance/label.js';
import type { MediaTool } from '../provenance/media-tool.js';
import type { InspectReport } from '../provenance/types.js';
import { FfmpegTool } from '../repositories/ffmpeg.tool.js';
import type { BlobStore } from '../repositories/blob.store.js';
import type { Store } from '../repositories/store.js';
import { canSee } from './workflow.js';

const REVIEWERS = new Set(['reviewer', 'admin']);
export const REPORT_VERSION = 1;

export interface AigcOptions {
  enqueue: (workId: string) => Promise<unknown>;
  /** Files larger than this are not read whole for the report (they are listed as not inspected). */
  maxInspectBytes: number;
  /** ffmpeg for the video label, the compressed-audio cue and Ogg metadata; default: FfmpegTool, 5 minutes a file. */
  media?: MediaTool;
}

export interface FileAigc {
  fileId: string;
  filename: string;
  sha256: string;
  inspected: boolean;
  note?: string;
  report?: InspectReport;
}

export interface AigcReport {
  version: number;
  detector: string;
  files: FileAigc[];
  summary: {
    /** Some file carries a trace that declares AI generation. */
    aiDeclared: boolean;
    aiHinted: boolean;
    /** The highest text score among files with enough text to be scored (indicative only). */
    maxTextScore: number | null;
    textFlagged: boolean;
    /** The creator said no AI was used, yet a file declares AI or its text is flagged. */
    disclosureConflict: boolean;
    disclosureUsedAi: boolean;
    labelProblems: number;
    caveat: string;
  };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(parts);
}

/** AIGC governance: the per-submission report, the public self-check, and label writing for a campus AI service. */
export class AigcService {
  constructor(
    private readonly store: Store,
    private readonly blobs: BlobStore,
    private readonly detector: TextDetector,
    private readonly opts: AigcOptions,
  ) {}

  get detectorName(): string {
    return this.detector.name;
  }

  /** The public self-check: reads the traces of one file; nothing is stored. */
  inspectFile(bytes: Uint8Array, filename?: string): Promise<InspectReport> {
    return inspect(bytes, { ...(filename ? { filename } : {}), detector: this.detector });
  }

  /** Writes the GB 45438 implicit label (and, if asked, the explicit label or cue); nothing is stored. */
  async label(bytes: Uint8Array, label: unknown, options: LabelOptions): Promise<LabelResult> {
    if (!label || typeof label !== 'object' || Array.isArray(label)) throw new AppError('VALIDATION', 'label must be an object with the GB 45438 fields', { field: 'label', rule: 'type' });
    try {
      return await writeLabel(bytes, label as GbLabelInput, { ...options, media: (this.opts.media ??= new FfmpegTool(300_000)) });
    } catch (e) {
      if (!(e instanceof LabelError)) throw e;
      if (e.code === 'unsupported_format') throw new AppError('FILE_TYPE', e.message, { reason: e.message });
      throw new AppError('VALIDATION', e.message, { field: e.code === 'invalid_label' ? 'label' : 'file', rule: e.code, reason: e.message, problems: e.problems });
    }
  }

  async requestReport(actor: Actor, workId: string): Promise<{ queued: true }> {
    if (!REVIEWERS.has(actor.role)) throw new AppError('FORBIDDEN', 'only reviewers can rerun the AIGC check');
    const w = await this.store.repos.works.byId(workId);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    const old = await this.store.repos.aigc.report(workId);
    await this.store.repos.aigc.saveReport({ work_id: workId, status: 'pending', report: old?.report ?? '{}', flagged: old?.flagged ?? 0, created_at: old?.created_at ?? nowIso(), updated_at: nowIso() });
    await this.opts.enqueue(workId);
    return { queued: true };
  }

  /** The report for reviewers and for the work's owner (it only describes the owner's own files). */
  async getReport(actor: Actor, workId: string) {
    const w = await this.store.repos.works.byId(workId);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    const row = await this.store.repos.aigc.report(workId);
    if (!row) return { status: w.ever_submitted ? 'queued' : 'not_submitted', report: null };
    const report = JSON.parse(row.report) as AigcReport | Record<string, never>;
    return { status: row.status, updatedAt: row.updated_at, report: 'files' in report ? report : null };
  }

  /** The job: inspect every file of the work, score its text, compare with the AI-use disclosure, store. */
  async runReport(workId: string, heartbeat: () => Promise<void> = async () => undefined): Promise<AigcReport> {
    const w = await this.store.repos.works.byId(workId);
    if (!w) throw new AppError('NOT_FOUND', 'work not found');
    const files = await this.store.repos.works.files(workId);
    const out: FileAigc[] = [];
    for (const f of files) {
      const base = { fileId: f.id, filename: f.filename, sha256: f.sha256 };
      if (Number(f.size) > this.opts.maxInspectBytes) {
        out.push({ ...base, inspected: false, note: `larger than ${this.opts.maxInspectBytes} bytes: not inspected` });
        continue;
      }
      const bytes = await readAll(this.blobs.read(f.sha256));
      out.push({ ...base, inspected: true, report: await inspect(bytes, { filename: f.filename, detector: this.detector }) });
      await heartbeat();
    }
    let usedAi = false;
    try {
      usedAi = (JSON.parse(w.ai_disclosure) as { used?: unknown }).used === true;
    } catch {
      /* an unreadable disclosure counts as "not declared" */
    }
    const reports = out.map((f) => f.report).filter((r): r is InspectReport => !!r);
    const scored = reports.map((r) => r.text).filter((t) => !!t && t.language !== 'other' && !/shorter than/.test(t.note ?? ''));
    const aiDeclared = reports.some((r) => r.summary.aiDeclared);
    const textFlagged = scored.some((t) => t!.flagged);
    const report: AigcReport = {
      version: REPORT_VERSION,
      detector: this.detector.name,
      files: out,
      summary: {
        aiDeclared,
        aiHinted: reports.some((r) => r.summary.aiHinted),
        maxTextScore: scored.length ? Math.max(...scored.map((t) => t!.score)) : null,
        textFlagged,
        disclosureConflict: !usedAi && (aiDeclared || textFlagged),
        disclosureUsedAi: usedAi,
        labelProblems: reports.reduce((n, r) => n + r.problems.filter((p) => p.severity === 'error').length + r.labels.reduce((k, t) => k + t.problems.filter((p) => p.severity === 'error').length, 0), 0),
        caveat: reports[0]?.summary.caveat ?? 'Absence of AI labels proves nothing.',
      },
    };
    const now = nowIso();
    const old = await this.store.repos.aigc.report(workId);
    await this.store.repos.aigc.saveReport({ work_id: workId, status: 'done', report: JSON.stringify(report), flagged: report.summary.disclosureConflict ? 1 : 0, created_at: old?.created_at ?? now, updated_at: now });
    return report;
  }
}
