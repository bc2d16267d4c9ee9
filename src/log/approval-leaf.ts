/**
 * The `approval` leaf: what the registry asserts when a work is approved, built from the
 * stored rows (works, the approving work_events row, work_files), and the field-by-field
 * comparison the audit uses to say which stored value no longer matches its leaf.
 * Row shapes are declared here, not imported, so this stays free of the database layer.
 */
import { commitment, recordCommitment, recordCommitmentOf, saltHash, type CommittedValue } from './commitment.js';
import { decodeLeaf, encodeLeaf, LEAF_MAGIC, type Leaf, type LeafLine } from './leaf.js';

export interface ApprovalWork {
  id: string;
  created_at: string;
  title: string;
  category: string;
  description: string;
  authors: string;
  authors_text: string;
  owners: string;
  completed_on: string;
  publication: string;
  ai_disclosure: string;
  status: string;
  owner_id: string;
  reviewer_id: string | null;
  submitted_at: string | null;
  reviewed_at: string | null;
  review_reason: string | null;
  registration_number: string | null;
  registered_at: string | null;
}

export interface ApprovalEvent {
  id: string;
  work_id: string;
  action: string;
  from_status: string | null;
  to_status: string;
  actor_id: string | null;
  reason: string | null;
  data: string;
  created_at: string;
}

export interface ApprovalFile {
  id: string;
  work_id: string;
  sha256: string;
  size: number;
  media_type: string;
  kind: string;
  filename: string;
  position: number;
}

export interface ApprovalRecord {
  work: ApprovalWork;
  event: ApprovalEvent;
  /** In position order. */
  files: readonly ApprovalFile[];
}

/** One stored value that does not match the log: table, row id and column. */
export interface Finding {
  table: string;
  row: string;
  field: string;
  problem: string;
}

type Table = 'works' | 'work_events' | 'work_files';
interface FieldSpec {
  table: Table;
  column: string;
  committed: boolean;
  /** `table.column`, the name committed to. */
  name: string;
  /** The leaf key followed by a space: how its line starts. */
  prefix: string;
  /** `prefix` in UTF-8 (ASCII), for the audit's byte comparison. */
  prefixBytes: Uint8Array;
}

const spec = (table: Table, column: string, isCommitted: boolean): FieldSpec => {
  const prefix = `${isCommitted ? 'commit:' : ''}${table}.${column} `;
  return { table, column, committed: isCommitted, name: `${table}.${column}`, prefix, prefixBytes: new TextEncoder().encode(prefix) };
};
const clear = (table: Table, ...columns: string[]): FieldSpec[] => columns.map((column) => spec(table, column, false));
const committed = (table: Table, ...columns: string[]): FieldSpec[] => columns.map((column) => spec(table, column, true));

/** Header fields, in leaf order. Public facts in clear; personal data only as commitments. */
export const APPROVAL_FIELDS: readonly FieldSpec[] = [
  ...clear('work_events', 'id', 'created_at', 'from_status'),
  ...clear('works', 'id', 'registration_number', 'registered_at', 'category', 'created_at', 'submitted_at', 'reviewed_at'),
  ...committed('works', 'title', 'description', 'authors', 'authors_text', 'owners', 'completed_on', 'publication', 'ai_disclosure', 'owner_id', 'reviewer_id', 'review_reason'),
  ...committed('work_events', 'actor_id', 'reason', 'data'),
];

/** Per-file fields, repeated for each file in position order. */
export const APPROVAL_FILE_FIELDS: readonly FieldSpec[] = [...clear('work_files', 'id', 'position', 'sha256', 'size', 'media_type', 'kind'), ...committed('work_files', 'filename')];

const keyOf = (f: FieldSpec): string => f.prefix.slice(0, -1);
const NL = 0x0a;
/** Names of the committed values, header then per file, as recordCommitmentOf takes them. */
const COMMITTED_NAMES = { header: APPROVAL_FIELDS.filter((f) => f.committed).map((f) => f.name), perFile: APPROVAL_FILE_FIELDS.filter((f) => f.committed).map((f) => f.name) };

function rowOf(record: ApprovalRecord, table: Table, file?: ApprovalFile): Record<string, unknown> {
  if (table === 'works') return record.work as unknown as Record<string, unknown>;
  if (table === 'work_events') return record.event as unknown as Record<string, unknown>;
  return file as unknown as Record<string, unknown>;
}

function line(f: FieldSpec, row: Record<string, unknown>, salt: Uint8Array): LeafLine {
  const value = row[f.column] as CommittedValue | undefined;
  if (f.committed) return [keyOf(f), commitment(salt, f.name, value ?? null)];
  if (value === null || value === undefined || value === '') throw new TypeError(`${f.table}.${f.column} is empty; an approved work always has it`);
  return [keyOf(f), String(value)];
}

/** Every (field, row) of the record in leaf order: the header fields, then each file's. */
function fieldsOf(record: ApprovalRecord): [FieldSpec, Record<string, unknown>][] {
  const out: [FieldSpec, Record<string, unknown>][] = APPROVAL_FIELDS.map((f) => [f, rowOf(record, f.table)]);
  for (const file of record.files) for (const f of APPROVAL_FILE_FIELDS) out.push([f, rowOf(record, 'work_files', file)]);
  return out;
}

const committedValues = (fields: [FieldSpec, Record<string, unknown>][]) =>
  fields.filter(([f]) => f.committed).map(([f, row]) => [f.name, (row[f.column] as CommittedValue | undefined) ?? null] as const);

export function approvalLeaf(record: ApprovalRecord, salt: Uint8Array): Leaf {
  const fields = fieldsOf(record);
  return { kind: 'approval', saltHash: saltHash(salt), recordCommitment: recordCommitment(salt, committedValues(fields)), lines: fields.map(([f, row]) => line(f, row, salt)) };
}

export const encodeApprovalLeaf = (record: ApprovalRecord, salt: Uint8Array): Uint8Array => encodeLeaf(approvalLeaf(record, salt));

/**
 * Whether the stored `entry` is the leaf these rows give: the audit's fast path. Public
 * fields are compared line by line and the personal ones through the single record
 * commitment, so one hash replaces one per field. This is sound because the entry itself
 * is checked against the signed tree separately: any difference in a committed value
 * changes the record commitment. A false here sends the entry to checkApprovalLeaf for
 * the field-by-field diagnosis.
 */
export function approvalLeafMatches(entry: Uint8Array, record: ApprovalRecord, salt: Uint8Array): boolean {
  // Runs once per entry in every audit: the UTF-8 bytes are compared in place, without
  // decoding them into a string (which cost as much as the rest of this check) or building
  // the expected lines. LF (0x0a) only ever occurs in UTF-8 as itself, so lines are found
  // in the bytes as in the text.
  let pos = lineAfter(entry, 0, LEAF_MAGIC);
  if (pos > 0) pos = lineAfter(entry, pos, 'kind approval');
  if (pos > 0) pos = nextLine(entry, pos); // salt-hash: implied by the record commitment
  if (pos <= 0) return false;
  const commitmentAt = pos;
  pos = nextLine(entry, pos);
  const values: CommittedValue[] = [];
  const work = record.work as unknown as Record<string, unknown>;
  const event = record.event as unknown as Record<string, unknown>;
  for (const f of APPROVAL_FIELDS) {
    if (pos <= 0) return false;
    pos = fieldAfter(entry, pos, f, f.table === 'works' ? work : event, values);
  }
  for (const file of record.files) {
    for (const f of APPROVAL_FILE_FIELDS) {
      if (pos <= 0) return false;
      pos = fieldAfter(entry, pos, f, file as unknown as Record<string, unknown>, values);
    }
  }
  if (pos !== entry.length) return false;
  return lineAfter(entry, commitmentAt, `record-commitment ${recordCommitmentOf(salt, COMMITTED_NAMES, record.files.length, values)}`) > 0;
}

/** The position after the LF that ends the line at `pos`, or 0 when there is none. */
function nextLine(bytes: Uint8Array, pos: number): number {
  for (let i = pos; i < bytes.length; i++) if (bytes[i] === NL) return i + 1;
  return 0;
}

/**
 * The position after `s` in UTF-8 at `pos`, or 0 when the bytes there differ. A lone
 * surrogate has no UTF-8 form and never matches (decoded text never holds one either).
 */
function utf8After(bytes: Uint8Array, pos: number, s: string): number {
  let p = pos;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      if (bytes[p++] !== c) return 0;
    } else if (c < 0x800) {
      if (bytes[p++] !== (0xc0 | (c >> 6)) || bytes[p++] !== (0x80 | (c & 0x3f))) return 0;
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const d = s.charCodeAt(i + 1);
      if (c > 0xdbff || !(d >= 0xdc00 && d <= 0xdfff)) return 0;
      i++;
      const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
      if (bytes[p++] !== (0xf0 | (cp >> 18)) || bytes[p++] !== (0x80 | ((cp >> 12) & 0x3f)) || bytes[p++] !== (0x80 | ((cp >> 6) & 0x3f)) || bytes[p++] !== (0x80 | (cp & 0x3f))) return 0;
    } else if (bytes[p++] !== (0xe0 | (c >> 12)) || bytes[p++] !== (0x80 | ((c >> 6) & 0x3f)) || bytes[p++] !== (0x80 | (c & 0x3f))) return 0;
  }
  return p <= bytes.length ? p : 0;
}

/** The position after `line` and its LF at `pos`, or 0 when the bytes hold another line there. */
function lineAfter(bytes: Uint8Array, pos: number, line: string): number {
  const end = utf8After(bytes, pos, line);
  return end > 0 && bytes[end] === NL ? end + 1 : 0;
}

/** The position after field `f`'s line at `pos`, or 0 when it is not what `row` gives; collects committed values. */
function fieldAfter(bytes: Uint8Array, pos: number, f: FieldSpec, row: Record<string, unknown>, values: CommittedValue[]): number {
  const key = f.prefixBytes;
  for (let i = 0; i < key.length; i++) if (bytes[pos + i] !== key[i]) return 0;
  const at = pos + key.length;
  const v = row[f.column];
  if (f.committed) {
    values.push((v as CommittedValue | undefined) ?? null);
    return nextLine(bytes, at);
  }
  if (v === null || v === undefined || v === '') return 0;
  const shown = typeof v === 'string' ? v : String(v);
  return shown.includes('\n') ? 0 : lineAfter(bytes, at, shown);
}

const REGISTERED_STATUSES: readonly string[] = ['approved', 'corrected', 'revoked'];

/** Values the approval implies without writing them into the leaf. */
export function impliedFindings(r: ApprovalRecord): Finding[] {
  const out: Finding[] = [];
  const want = (table: Table, row: string, field: string, actual: unknown, expected: unknown) => {
    if (actual !== expected) out.push({ table, row, field, problem: `is ${JSON.stringify(actual)}, the log records ${JSON.stringify(expected)}` });
  };
  // Corrections and revocations later move an approved work on; the audit checks which
  // status its logged events give (event-leaf.ts statusFindings).
  if (!REGISTERED_STATUSES.includes(r.work.status)) want('works', r.work.id, 'status', r.work.status, 'approved');
  want('work_events', r.event.id, 'action', r.event.action, 'approve');
  want('work_events', r.event.id, 'to_status', r.event.to_status, 'approved');
  want('work_events', r.event.id, 'work_id', r.event.work_id, r.work.id);
  for (const f of r.files) want('work_files', f.id, 'work_id', f.work_id, r.work.id);
  return out;
}

interface LeafFile {
  id: string;
  lines: LeafLine[];
}

function splitFiles(lines: readonly LeafLine[], headerCount: number): { header: readonly LeafLine[]; files: LeafFile[] } {
  const files: LeafFile[] = [];
  for (let i = headerCount; i < lines.length; i += APPROVAL_FILE_FIELDS.length) {
    const group = lines.slice(i, i + APPROVAL_FILE_FIELDS.length);
    files.push({ id: group[0]?.[1] ?? '', lines: group });
  }
  return { header: lines.slice(0, headerCount), files };
}

/**
 * Compares an approval leaf with the rows it was built from. `salt` null means the personal
 * data was erased: only the public fields can still be checked. `entryRow` names the
 * log_entries row for findings about the leaf itself.
 */
export function checkApprovalLeaf(entry: Uint8Array, record: ApprovalRecord, salt: Uint8Array | null, entryRow: string): Finding[] {
  const implied = impliedFindings(record);
  let leaf: Leaf;
  try {
    leaf = decodeLeaf(entry);
  } catch (e) {
    return [...implied, { table: 'log_entries', row: entryRow, field: 'entry', problem: (e as Error).message }];
  }
  if (salt !== null) {
    // Fast path: the stored leaf is exactly what the rows give today.
    if (approvalLeafMatches(entry, record, salt)) return implied;
    if (saltHash(salt) !== leaf.saltHash) return [...implied, { table: 'log_entries', row: entryRow, field: 'salt', problem: 'does not match the salt hash in the leaf' }];
  }
  const shapeOk =
    leaf.kind === 'approval' &&
    (leaf.lines.length - APPROVAL_FIELDS.length) % APPROVAL_FILE_FIELDS.length === 0 &&
    APPROVAL_FIELDS.every((f, i) => leaf.lines[i]?.[0] === keyOf(f));
  if (!shapeOk) return [...implied, { table: 'log_entries', row: entryRow, field: 'entry', problem: 'is not an approval leaf of this version' }];

  const findings: Finding[] = [...implied];
  const compare = (f: FieldSpec, stored: LeafLine | undefined, row: Record<string, unknown>, rowId: string) => {
    if (f.committed && salt === null) return;
    let expected: string;
    try {
      expected = line(f, row, salt ?? new Uint8Array(32))[1];
    } catch {
      expected = '';
    }
    if (stored?.[0] !== keyOf(f)) findings.push({ table: 'log_entries', row: entryRow, field: 'entry', problem: `expected ${keyOf(f)} in the leaf` });
    else if (stored[1] !== expected) {
      const shown = f.committed ? 'does not match its commitment in the log' : `is ${JSON.stringify(row[f.column])}, the log records ${JSON.stringify(stored[1])}`;
      findings.push({ table: f.table, row: rowId, field: f.column, problem: shown });
    }
  };
  const { header, files } = splitFiles(leaf.lines, APPROVAL_FIELDS.length);
  APPROVAL_FIELDS.forEach((f, i) => compare(f, header[i], rowOf(record, f.table), f.table === 'works' ? record.work.id : record.event.id));

  const rows = new Map(record.files.map((f) => [f.id, f]));
  const leafIds = new Set(files.map((f) => f.id));
  for (const lf of files) {
    const row = rows.get(lf.id);
    if (!row) {
      findings.push({ table: 'work_files', row: lf.id, field: 'id', problem: 'row is missing; the log records this file' });
      continue;
    }
    APPROVAL_FILE_FIELDS.forEach((f, i) => compare(f, lf.lines[i], rowOf(record, 'work_files', row), row.id));
  }
  for (const row of record.files) {
    if (!leafIds.has(row.id)) findings.push({ table: 'work_files', row: row.id, field: 'work_id', problem: 'file is attached to the work but not recorded in the log' });
  }
  // Order is part of the record: the files present on both sides must keep their order.
  const leafOrder = files.map((f) => f.id).filter((id) => rows.has(id));
  const rowOrder = record.files.map((f) => f.id).filter((id) => leafIds.has(id));
  leafOrder.forEach((id, i) => {
    if (rowOrder[i] !== id) findings.push({ table: 'work_files', row: id, field: 'position', problem: 'file order differs from the log' });
  });
  // Without a salt (erased) only the public fields can differ, and those were compared above.
  if (findings.length === implied.length && salt !== null) findings.push({ table: 'log_entries', row: entryRow, field: 'entry', problem: 'differs from the leaf rebuilt from the rows' });
  return findings;
}
