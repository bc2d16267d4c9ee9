/**
 * The `correction` and `revocation` leaves (docs/leaf-format.md): what the registry asserts
 * when an administrator corrects or revokes a registration, built from the stored
 * registry_events row and the registration it changes, and the field-by-field comparison
 * the audit uses to name the stored value that no longer matches. Pure; row shapes are
 * declared here so this stays free of the database layer.
 *
 * The works row is never rewritten by these events: it stays the registration as approved,
 * so the approval's leaf keeps matching it. A correction carries the new values as fresh
 * commitments (`commit:works.<column>`), which supersede the approval's for that column.
 */
import type { Finding } from './approval-leaf.js';
import { commitment, recordCommitment, saltHash, type CommittedValue } from './commitment.js';
import { decodeLeaf, encodeLeaf, type Leaf, type LeafLine } from './leaf.js';

export const EVENT_KINDS = ['correction', 'revocation'] as const;
export type EventKind = (typeof EVENT_KINDS)[number];
export const isEventKind = (k: string): k is EventKind => (EVENT_KINDS as readonly string[]).includes(k);

/** Columns of works a correction may change, in leaf order. Stored text form (JSON columns as JSON text). */
export const CORRECTABLE_COLUMNS = ['title', 'description', 'authors', 'owners', 'completed_on', 'publication', 'ai_disclosure'] as const;
export type CorrectableColumn = (typeof CORRECTABLE_COLUMNS)[number];

export interface RegistryEventRow {
  id: string;
  work_id: string;
  kind: string;
  /** Space-separated corrected columns, in CORRECTABLE_COLUMNS order; '' for a revocation. */
  columns: string;
  /** JSON object: corrected column → its new stored text; '{}' for a revocation. */
  fields: string;
  reason: string;
  actor_id: string | null;
  created_at: string;
}

export interface EventWork {
  id: string;
  registration_number: string | null;
  status: string;
}

/** The public status a registration has after these events (oldest first). */
export function registrationStatus(kinds: readonly string[]): 'approved' | 'corrected' | 'revoked' {
  if (kinds.includes('revocation')) return 'revoked';
  return kinds.includes('correction') ? 'corrected' : 'approved';
}

export const columnsOf = (ev: Pick<RegistryEventRow, 'columns'>): string[] => (ev.columns === '' ? [] : ev.columns.split(' '));

/** The corrected values of a correction row; an unreadable `fields` yields {} (the audit names it). */
export function fieldsOf(ev: Pick<RegistryEventRow, 'fields'>): Record<string, unknown> {
  try {
    const v = JSON.parse(ev.fields) as unknown;
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

const committedValue = (v: unknown): CommittedValue => (typeof v === 'string' || typeof v === 'number' ? v : null);

/** The committed (key, value) pairs of an event, in leaf order. */
function committedPairs(ev: RegistryEventRow, kind: string, columns: readonly string[]): [string, CommittedValue][] {
  const fields = fieldsOf(ev);
  const out: [string, CommittedValue][] = kind === 'correction' ? columns.map((c) => [`works.${c}`, committedValue(fields[c])]) : [];
  out.push(['registry_events.reason', ev.reason], ['registry_events.actor_id', ev.actor_id]);
  return out;
}

function clearValue(key: string, v: string | null | undefined): string {
  if (v === null || v === undefined || v === '') throw new TypeError(`${key} is empty; a registry event always has it`);
  return v;
}

/** The leaf of a correction or revocation row of this registered work. */
export function eventLeaf(work: Pick<EventWork, 'id' | 'registration_number'>, ev: RegistryEventRow, salt: Uint8Array): Leaf {
  if (!isEventKind(ev.kind)) throw new TypeError(`registry event kind ${ev.kind} is not a leaf kind`);
  const columns = columnsOf(ev);
  const lines: LeafLine[] = [
    ['registry_events.id', clearValue('registry_events.id', ev.id)],
    ['registry_events.created_at', clearValue('registry_events.created_at', ev.created_at)],
    ['works.id', clearValue('works.id', work.id)],
    ['works.registration_number', clearValue('works.registration_number', work.registration_number)],
  ];
  if (ev.kind === 'correction') lines.push(['registry_events.columns', clearValue('registry_events.columns', ev.columns)]);
  const pairs = committedPairs(ev, ev.kind, columns);
  for (const [key, value] of pairs) lines.push([`commit:${key}`, commitment(salt, key, value)]);
  return { kind: ev.kind, saltHash: saltHash(salt), recordCommitment: recordCommitment(salt, pairs), lines };
}

export const encodeEventLeaf = (work: Pick<EventWork, 'id' | 'registration_number'>, ev: RegistryEventRow, salt: Uint8Array): Uint8Array => encodeLeaf(eventLeaf(work, ev, salt));

/** The registry_events row and the work an event leaf names (`registry_events.id`, `works.id`). */
export function eventLeafRefs(leaf: Leaf): { eventId: string | undefined; workId: string | undefined; createdAt: string | undefined } {
  const get = (k: string) => leaf.lines.find(([key]) => key === k)?.[1];
  return { eventId: get('registry_events.id'), workId: get('works.id'), createdAt: get('registry_events.created_at') };
}

/**
 * Compares a correction or revocation leaf with the rows it was built from. `salt` null means
 * the personal data was erased: only the public lines can still be checked.
 */
export function checkEventLeaf(entry: Uint8Array, work: EventWork | undefined, ev: RegistryEventRow | undefined, salt: Uint8Array | null, entryRow: string): Finding[] {
  const f = (table: string, row: string, field: string, problem: string): Finding => ({ table, row, field, problem });
  let leaf: Leaf;
  try {
    leaf = decodeLeaf(entry);
  } catch (e) {
    return [f('log_entries', entryRow, 'entry', (e as Error).message)];
  }
  const refs = eventLeafRefs(leaf);
  if (!refs.eventId || !refs.workId) return [f('log_entries', entryRow, 'entry', `is not a ${leaf.kind} leaf of this version`)];
  if (!ev) return [f('registry_events', refs.eventId, 'id', `row is missing; log entry ${entryRow} records it`)];
  if (!work) return [f('works', refs.workId, 'id', `row is missing; log entry ${entryRow} records a ${leaf.kind} of it`)];

  const out: Finding[] = [];
  if (ev.kind !== leaf.kind) out.push(f('registry_events', ev.id, 'kind', `is ${JSON.stringify(ev.kind)}, the log records a ${leaf.kind}`));
  if (ev.work_id !== work.id) out.push(f('registry_events', ev.id, 'work_id', `is ${JSON.stringify(ev.work_id)}, the log records ${work.id}`));
  // A revocation's leaf has no line for these: they are implied empty.
  if (leaf.kind === 'revocation' && ev.fields !== '{}') out.push(f('registry_events', ev.id, 'fields', 'a revocation corrects nothing; the log records no fields'));
  if (leaf.kind === 'revocation' && ev.columns !== '') out.push(f('registry_events', ev.id, 'columns', 'a revocation corrects nothing; the log records no columns'));
  if (salt !== null) {
    try {
      if (Buffer.from(encodeEventLeaf(work, { ...ev, kind: leaf.kind }, salt)).equals(entry)) return out;
    } catch {
      // a row too broken to encode: the diagnosis below names its fields
    }
    if (saltHash(salt) !== leaf.saltHash) return [...out, f('log_entries', entryRow, 'salt', 'does not match the salt hash in the leaf')];
  }
  const before = out.length;
  const got = new Map(leaf.lines);
  const clear = (key: string, table: string, row: string, field: string, actual: string | null) => {
    if (got.get(key) !== actual) out.push(f(table, row, field, `is ${JSON.stringify(actual)}, the log records ${JSON.stringify(got.get(key))}`));
  };
  clear('registry_events.id', 'registry_events', ev.id, 'id', ev.id);
  clear('registry_events.created_at', 'registry_events', ev.id, 'created_at', ev.created_at);
  clear('works.registration_number', 'works', work.id, 'registration_number', work.registration_number);
  const logged = leaf.kind === 'correction' ? (got.get('registry_events.columns') ?? '').split(' ') : [];
  if (leaf.kind === 'correction') clear('registry_events.columns', 'registry_events', ev.id, 'columns', ev.columns);
  if (salt !== null) {
    const fields = fieldsOf(ev);
    for (const c of logged) {
      if (got.get(`commit:works.${c}`) !== commitment(salt, `works.${c}`, committedValue(fields[c]))) out.push(f('registry_events', ev.id, 'fields', `the corrected ${c} does not match its commitment in the log`));
    }
    const extra = Object.keys(fields).filter((k) => !logged.includes(k));
    if (leaf.kind === 'correction' && extra.length > 0) out.push(f('registry_events', ev.id, 'fields', `holds ${extra.join(', ')}, which the log does not record as corrected`));
    if (got.get('commit:registry_events.reason') !== commitment(salt, 'registry_events.reason', ev.reason)) out.push(f('registry_events', ev.id, 'reason', 'does not match its commitment in the log'));
    if (got.get('commit:registry_events.actor_id') !== commitment(salt, 'registry_events.actor_id', ev.actor_id)) out.push(f('registry_events', ev.id, 'actor_id', 'does not match its commitment in the log'));
  }
  if (out.length === before && salt !== null) out.push(f('log_entries', entryRow, 'entry', 'differs from the leaf rebuilt from the rows'));
  return out;
}

/**
 * The status a work must have given its logged events (oldest first), and the order rule:
 * nothing follows a revocation.
 */
export function statusFindings(work: EventWork, events: readonly Pick<RegistryEventRow, 'id' | 'kind'>[]): Finding[] {
  const out: Finding[] = [];
  const want = registrationStatus(events.map((e) => e.kind));
  if (work.status !== want) out.push({ table: 'works', row: work.id, field: 'status', problem: `is ${JSON.stringify(work.status)}, the registry log says ${want}` });
  const revokedAt = events.findIndex((e) => e.kind === 'revocation');
  if (revokedAt >= 0) for (const e of events.slice(revokedAt + 1)) out.push({ table: 'registry_events', row: e.id, field: 'kind', problem: `a ${e.kind} after the registration was revoked` });
  return out;
}
