import { AppError } from '../domain/errors.js';
import { newId, nowIso } from '../domain/ids.js';
import { isStandingRegistration, MAX_REASON, type Actor } from '../domain/review.js';
import { validateWork } from '../domain/work.js';
import { leafHash } from '../ledger/index.js';
import { newSalt } from '../log/commitment.js';
import { columnsOf, CORRECTABLE_COLUMNS, encodeEventLeaf, fieldsOf, type CorrectableColumn, type EventKind } from '../log/event-leaf.js';
import { sequence } from '../log/sequence.js';
import type { RegistryEventRow } from '../repositories/registry-events.repository.js';
import type { Repos, Store } from '../repositories/store.js';
import type { WorkRow } from '../repositories/works.repository.js';
import { storedInput, todayIn } from './workflow.js';

/** The request body of a correction: the public fields to set (API names) and why. */
export interface CorrectionInput {
  reason?: unknown;
  title?: unknown;
  description?: unknown;
  authors?: unknown;
  owners?: unknown;
  completedOn?: unknown;
  publication?: unknown;
  aiDisclosure?: unknown;
}

/** API field ↔ works column, for the correctable fields. */
export const CORRECTION_FIELDS: Readonly<Record<CorrectableColumn, keyof CorrectionInput>> = {
  title: 'title',
  description: 'description',
  authors: 'authors',
  owners: 'owners',
  completed_on: 'completedOn',
  publication: 'publication',
  ai_disclosure: 'aiDisclosure',
};

type Stored = Record<CorrectableColumn, string>;

/** The registration as it stands: the approved row with every correction applied in order. */
export function applyCorrections(work: WorkRow, events: readonly RegistryEventRow[]): WorkRow {
  const out = { ...work };
  for (const ev of events) {
    if (ev.kind !== 'correction') continue;
    const fields = fieldsOf(ev);
    for (const c of columnsOf(ev)) if (typeof fields[c] === 'string') (out as Record<string, unknown>)[c] = fields[c];
  }
  return out;
}

/** One event as the public sees it (verify page, work page, judicial API). */
export function eventView(ev: RegistryEventRow, index: number | null, leaf: Uint8Array | null) {
  const fields = fieldsOf(ev);
  const columns = columnsOf(ev);
  return {
    id: ev.id,
    kind: ev.kind as EventKind,
    createdAt: ev.created_at,
    reason: ev.reason,
    // Corrected values as the API shows them (JSON columns parsed).
    corrected: Object.fromEntries(columns.map((c) => [CORRECTION_FIELDS[c as CorrectableColumn] ?? c, parse(c, fields[c])])),
    log: index === null ? null : { index, leafHash: leaf ? Buffer.from(leafHash(leaf)).toString('base64') : null },
  };
}
export type RegistryEventView = ReturnType<typeof eventView>;

const JSON_COLUMNS: readonly string[] = ['authors', 'owners', 'publication', 'ai_disclosure'];
const parse = (column: string, v: unknown): unknown => {
  if (typeof v !== 'string' || !JSON_COLUMNS.includes(column)) return v;
  try {
    return JSON.parse(v) as unknown;
  } catch {
    return v;
  }
};

function reasonOf(raw: unknown): string {
  if (typeof raw !== 'string' || !raw.trim()) throw new AppError('VALIDATION', 'a reason is required', { field: 'reason', rule: 'required' });
  if (raw.length > MAX_REASON) throw new AppError('VALIDATION', 'reason too long', { field: 'reason', rule: 'too_long', max: MAX_REASON });
  return raw.trim();
}

/**
 * Corrections and revocations of registrations by administrators (docs/leaf-format.md).
 * Each is a registry_events row and a log entry of its own kind, sequenced in the same
 * transaction as the row, the work's new status, the audit trail and the owner's
 * notification: acknowledged only once its entry has a durable index. The works row keeps
 * the registration as approved, so the approval's leaf stays true; the current values are
 * the approved ones with the corrections applied in order.
 */
export class RegistryEventsService {
  constructor(
    private readonly store: Store,
    private readonly timeZone: string,
  ) {}

  async correct(actor: Actor, workId: string, input: CorrectionInput) {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators correct registrations');
    const reason = reasonOf(input.reason);
    const given = CORRECTABLE_COLUMNS.filter((c) => input[CORRECTION_FIELDS[c]] !== undefined);
    if (given.length === 0) throw new AppError('VALIDATION', 'give at least one field to correct', { field: 'fields', rule: 'required' });
    return this.store.tx(async (r) => {
      const { work, events } = await this.registered(r, workId, 'correct');
      const current = applyCorrections(work, events);
      const merged: Record<string, unknown> = storedInput(current);
      for (const c of given) merged[CORRECTION_FIELDS[c]] = input[CORRECTION_FIELDS[c]];
      const v = validateWork(merged, { complete: true, today: todayIn(this.timeZone) });
      const next: Stored = {
        title: v.title, description: v.description, authors: JSON.stringify(v.authors), owners: JSON.stringify(v.owners),
        completed_on: v.completedOn, publication: JSON.stringify(v.publication), ai_disclosure: JSON.stringify(v.aiDisclosure),
      };
      const changed = CORRECTABLE_COLUMNS.filter((c) => given.includes(c) && next[c] !== current[c]);
      if (changed.length === 0) throw new AppError('VALIDATION', 'the given values are the registered ones; nothing to correct', { field: 'fields', rule: 'unchanged' });
      return this.record(r, actor, work, 'correction', reason, changed, Object.fromEntries(changed.map((c) => [c, next[c]])));
    });
  }

  async revoke(actor: Actor, workId: string, reasonRaw: unknown) {
    if (actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators revoke registrations');
    const reason = reasonOf(reasonRaw);
    return this.store.tx(async (r) => {
      const { work } = await this.registered(r, workId, 'revoke');
      return this.record(r, actor, work, 'revocation', reason, [], {});
    });
  }

  /** A registration's events with their log positions, oldest first. */
  async history(workId: string): Promise<RegistryEventView[]> {
    const r = this.store.repos;
    const events = await r.registryEvents.ofWork(workId);
    return Promise.all(events.map(async (ev) => {
      const entry = await r.log.entryOfEvent(ev.id);
      return eventView(ev, entry ? Number(entry.idx) : null, entry?.entry ?? null);
    }));
  }

  /** The history for someone looking at the work page: its owner, reviewers and admins. */
  async historyFor(actor: Actor, workId: string): Promise<RegistryEventView[]> {
    const w = await this.store.repos.works.byId(workId);
    const sees = w && (w.owner_id === actor.id || ((actor.role === 'admin' || actor.role === 'reviewer') && w.ever_submitted === 1));
    if (!sees) throw new AppError('NOT_FOUND', 'work not found');
    return this.history(workId);
  }

  private async registered(r: Repos, workId: string, action: 'correct' | 'revoke') {
    const work = await r.works.lockById(workId);
    if (!work || work.ever_submitted !== 1) throw new AppError('NOT_FOUND', 'work not found');
    if (work.status === 'revoked') throw new AppError('INVALID_TRANSITION', `cannot ${action} a revoked registration`, { action, status: work.status });
    if (!isStandingRegistration(work.status) || !work.registration_number) {
      throw new AppError('INVALID_TRANSITION', `only a registered work can be ${action === 'correct' ? 'corrected' : 'revoked'}; this one is ${work.status}`, { action, status: work.status });
    }
    return { work, events: await r.registryEvents.ofWork(workId) };
  }

  private async record(r: Repos, actor: Actor, work: WorkRow, kind: EventKind, reason: string, columns: readonly CorrectableColumn[], fields: Record<string, string>) {
    const now = nowIso();
    const ev: RegistryEventRow = { id: newId(), work_id: work.id, kind, columns: columns.join(' '), fields: JSON.stringify(fields), reason, actor_id: actor.id, created_at: now };
    const status = kind === 'revocation' ? 'revoked' : 'corrected';
    await r.registryEvents.insert(ev);
    await r.works.update(work.id, { status, updated_at: now });
    const salt = newSalt();
    const entry = encodeEventLeaf(work, ev, salt);
    const index = await sequence(r, [{ kind, workId: work.id, eventId: ev.id, entry, salt }], now);
    // The work's own trail (shown on its page) and the platform audit log both record it.
    const action = kind === 'revocation' ? 'revoke' : 'correct';
    await r.works.insertEvent({ id: newId(), work_id: work.id, actor_id: actor.id, action, from_status: work.status, to_status: status, reason, data: JSON.stringify({ registryEventId: ev.id, columns, logIndex: index }), created_at: now });
    await r.audit.record(actor.id, `work.${action}`, work.id, { registryEventId: ev.id, registrationNumber: work.registration_number, columns, logIndex: index });
    if (work.owner_id !== actor.id) {
      await r.notifications.insert([{ id: newId(), user_id: work.owner_id, work_id: work.id, kind: `work.${action}`, data: JSON.stringify({ status, reason, registrationNumber: work.registration_number }), read_at: null, created_at: now }]);
    }
    return { status, event: eventView(ev, index, entry) };
  }
}
