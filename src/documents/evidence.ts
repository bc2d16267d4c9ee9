/**
 * The evidence package, version 1 (docs/evidence-package.md): one self-contained JSON file
 * per registration that anyone can check offline with src/documents/evidence-verify.ts (or
 * `cws verify`, or verifier.html). Pure: takes the stored values, returns the package.
 *
 * What is evidence and what is not: `record`, `disclosure`, `entry`, `inclusionProof`,
 * `checkpoint`, `log`, `witnesses` and `timestamps` are checked by the verifier against the
 * signed checkpoint; `summary`, `status`, `generatedAt` and `verifyUrl` are information
 * for people, never trusted by a verifier.
 */

export const EVIDENCE_FORMAT = 'cws-evidence-package';
/** Version 2 added `events` (corrections and revocations); version 1 packages still verify. */
export const EVIDENCE_VERSION = 2;
export const EVIDENCE_VERSIONS: readonly number[] = [1, 2];

/**
 * Personal columns the package discloses (with the entry's salt) so that their commitments
 * in the leaf can be checked: what a certificate shows. Internal ids, reviewer data and the
 * approving event's data stay committed and undisclosed.
 */
export const DISCLOSED_WORK_COLUMNS = ['title', 'description', 'authors', 'owners', 'completed_on', 'publication', 'ai_disclosure'] as const;
export type DisclosedWorkColumn = (typeof DISCLOSED_WORK_COLUMNS)[number];
/** Columns stored as JSON text: the record carries them parsed. */
export const JSON_WORK_COLUMNS: readonly DisclosedWorkColumn[] = ['authors', 'owners', 'publication', 'ai_disclosure'];
/** The record field that shows each disclosed column. */
export const RECORD_FIELD_OF: Readonly<Record<DisclosedWorkColumn, string>> = {
  title: 'title',
  description: 'description',
  authors: 'authors',
  owners: 'owners',
  completed_on: 'completedOn',
  publication: 'publication',
  ai_disclosure: 'aiDisclosure',
};

export interface EvidenceFile {
  id: string;
  position: number;
  /** Null when the personal data was erased. */
  filename: string | null;
  sha256: string;
  size: number;
  mediaType: string;
  kind: string;
}

export interface EvidenceRecord {
  workId: string;
  registrationNumber: string;
  category: string;
  registeredAt: string;
  /** The disclosed fields; absent when the personal data was erased. */
  title?: string;
  description?: string;
  authors?: unknown;
  owners?: unknown;
  completedOn?: string;
  publication?: unknown;
  aiDisclosure?: unknown;
  files: EvidenceFile[];
}

/**
 * A later log entry about the same registration (kind `correction` or `revocation`), proven
 * in the same checkpoint as the approval. `disclosure` opens its commitments: the corrected
 * values (`works.<column>`, stored text) and `registry_events.reason`.
 */
export interface EvidenceEvent {
  index: number;
  kind: string;
  leaf: string;
  inclusionProof: { hashes: string[] };
  disclosure: { salt: string; fields: Record<string, string> } | null;
}

export interface EvidencePackage {
  format: typeof EVIDENCE_FORMAT;
  version: number;
  generatedAt: string;
  verifyUrl: string | null;
  summary: { 'zh-CN': string; en: string };
  status: { state: string; note: string };
  record: EvidenceRecord;
  /** Salt (base64) and the stored text of each disclosed column; null after erasure. */
  disclosure: { salt: string; fields: Record<string, string>; filenames: string[] } | null;
  entry: { index: number; kind: string; leaf: string };
  inclusionProof: { treeSize: number; hashes: string[] };
  checkpoint: { note: string };
  log: { origin: string; verifierKey: string };
  witnesses: { verifierKey: string }[];
  timestamps: { tsaUrl: string; genTime: string; token: string }[];
  /** Version 2: later events in log order, each proven against `checkpoint` (absent in version 1). */
  events?: EvidenceEvent[];
}

/** A correction or revocation as stored, with its entry and inclusion proof (same checkpoint). */
export interface EvidenceEventInput {
  index: number;
  kind: string;
  leaf: Uint8Array;
  salt: Uint8Array | null;
  proof: readonly Uint8Array[];
  /** registry_events.columns / .fields / .reason / .created_at */
  columns: string;
  fields: string;
  reason: string;
  createdAt: string;
}

/** Stored values a package is built from (rows as the database holds them). */
export interface EvidenceInput {
  work: {
    id: string;
    registration_number: string;
    category: string;
    registered_at: string;
    status: string;
    title: string;
    description: string;
    authors: string;
    owners: string;
    completed_on: string;
    publication: string;
    ai_disclosure: string;
  };
  /** In position order, as in the leaf. */
  files: readonly { id: string; position: number; filename: string; sha256: string; size: number; media_type: string; kind: string }[];
  entry: { index: number; kind: string; leaf: Uint8Array; salt: Uint8Array | null };
  checkpoint: { note: string; size: number };
  proof: readonly Uint8Array[];
  log: { origin: string; verifierKey: string };
  witnessKeys: readonly string[];
  timestamps: readonly { tsaUrl: string; genTime: string; token: string }[];
  categoryLabel?: { zh: string; en: string };
  verifyUrl?: string | null;
  now: string;
  /** Corrections and revocations covered by the checkpoint, in log order. */
  events?: readonly EvidenceEventInput[];
}

const b64 = (b: Uint8Array): string => Buffer.from(b).toString('base64');

/** The registration's status after its events: what the summary states and a verifier recomputes. */
export function stateOfEvents(kinds: readonly string[]): 'valid' | 'corrected' | 'revoked' {
  if (kinds.includes('revocation')) return 'revoked';
  return kinds.includes('correction') ? 'corrected' : 'valid';
}

function eventLines(input: EvidenceInput, lang: 'zh' | 'en'): string[] {
  const events = input.events ?? [];
  const state = stateOfEvents(events.map((e) => e.kind));
  const out: string[] = [];
  if (state === 'revoked') out.push(lang === 'zh' ? '状态：已撤销（REVOKED）。本登记已被撤销，不再有效。' : 'Status: REVOKED. This registration has been revoked and is no longer in force.');
  else if (state === 'corrected') out.push(lang === 'zh' ? '状态：有效（已更正）。' : 'Status: valid (corrected).');
  for (const e of events) {
    const what = e.kind === 'revocation' ? (lang === 'zh' ? '撤销' : 'revocation') : `${lang === 'zh' ? '更正' : 'correction of'} ${e.columns}`;
    out.push(`  - ${lang === 'zh' ? '日志第' : 'log entry'} ${e.index}${lang === 'zh' ? ' 条' : ''}: ${what} (${e.createdAt})${e.salt ? `: ${e.reason}` : ''}`);
  }
  return out;
}

function eventOf(e: EvidenceEventInput): EvidenceEvent {
  let disclosure: EvidenceEvent['disclosure'] = null;
  if (e.salt) {
    const stored = JSON.parse(e.fields) as Record<string, string>;
    const fields: Record<string, string> = {};
    for (const c of e.columns === '' ? [] : e.columns.split(' ')) fields[`works.${c}`] = stored[c] ?? '';
    fields['registry_events.reason'] = e.reason;
    disclosure = { salt: b64(e.salt), fields };
  }
  return { index: e.index, kind: e.kind, leaf: b64(e.leaf), inclusionProof: { hashes: e.proof.map(b64) }, disclosure };
}

function summaryOf(input: EvidenceInput, erased: boolean): EvidencePackage['summary'] {
  const w = input.work;
  const files = input.files.map((f) => `  - ${erased ? f.id : f.filename}  SHA-256 ${f.sha256}`).join('\n');
  const cat = input.categoryLabel ?? { zh: w.category, en: w.category };
  return {
    'zh-CN': [
      `作品登记证据包：登记号 ${w.registration_number}`,
      erased ? '（个人信息已按申请删除）' : `作品名称：${w.title}`,
      `作品类别：${cat.zh}；登记时间：${w.registered_at}`,
      `该登记是透明日志 ${input.log.origin} 第 ${input.entry.index} 条记录，包含于大小为 ${input.checkpoint.size} 的已签名检查点。`,
      `文件：\n${files}`,
      ...eventLines(input, 'zh'),
      '用 `cws verify` 或 verifier.html 离线核验本文件；本摘要仅供阅读，不作为证据。',
    ].join('\n'),
    en: [
      `Registration evidence package: ${w.registration_number}`,
      erased ? '(personal data erased on request)' : `Title: ${w.title}`,
      `Category: ${cat.en}; registered at ${w.registered_at}`,
      `Entry ${input.entry.index} of the transparency log ${input.log.origin}, included in the signed checkpoint of size ${input.checkpoint.size}.`,
      `Files:\n${files}`,
      ...eventLines(input, 'en'),
      'Check this file offline with `cws verify` or verifier.html; this summary is for reading only and is not evidence.',
    ].join('\n'),
  };
}

export function buildEvidencePackage(input: EvidenceInput): EvidencePackage {
  const w = input.work;
  const erased = input.entry.salt === null;
  const record: EvidenceRecord = { workId: w.id, registrationNumber: w.registration_number, category: w.category, registeredAt: w.registered_at, files: [] };
  if (!erased) {
    for (const col of DISCLOSED_WORK_COLUMNS) {
      const raw = w[col];
      (record as unknown as Record<string, unknown>)[RECORD_FIELD_OF[col]] = JSON_WORK_COLUMNS.includes(col) ? (JSON.parse(raw) as unknown) : raw;
    }
  }
  record.files = input.files.map((f) => ({ id: f.id, position: f.position, filename: erased ? null : f.filename, sha256: f.sha256, size: Number(f.size), mediaType: f.media_type, kind: f.kind }));
  const disclosure = erased
    ? null
    : {
        salt: b64(input.entry.salt!),
        fields: Object.fromEntries(DISCLOSED_WORK_COLUMNS.map((c) => [`works.${c}`, w[c]])),
        filenames: input.files.map((f) => f.filename),
      };
  const state = stateOfEvents((input.events ?? []).map((e) => e.kind));
  return {
    format: EVIDENCE_FORMAT,
    version: EVIDENCE_VERSION,
    generatedAt: input.now,
    verifyUrl: input.verifyUrl ?? null,
    summary: summaryOf(input, erased),
    status: { state, note: 'For information; a verifier derives the status from the proven events. Events after this checkpoint are not in this package.' },
    record,
    disclosure,
    entry: { index: input.entry.index, kind: input.entry.kind, leaf: b64(input.entry.leaf) },
    inclusionProof: { treeSize: input.checkpoint.size, hashes: input.proof.map(b64) },
    checkpoint: { note: input.checkpoint.note },
    log: { origin: input.log.origin, verifierKey: input.log.verifierKey },
    witnesses: input.witnessKeys.map((verifierKey) => ({ verifierKey })),
    timestamps: input.timestamps.map((t) => ({ tsaUrl: t.tsaUrl, genTime: t.genTime, token: t.token })),
    events: (input.events ?? []).map(eventOf),
  };
}

/** The file's bytes: pretty JSON with a final newline. */
export const serializeEvidencePackage = (p: EvidencePackage): string => `${JSON.stringify(p, null, 2)}\n`;
