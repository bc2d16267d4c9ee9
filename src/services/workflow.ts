import type { CategoryKey } from '../domain/categories.js';
import { AppError } from '../domain/errors.js';
import { newId, nowIso } from '../domain/ids.js';
import { counterScope, formatRegistrationNumber } from '../domain/numbering.js';
import { MAX_REASON, REASON_REQUIRED, transition, type Actor, type WorkAction } from '../domain/review.js';
import { validateWork } from '../domain/work.js';
import type { Repos, Store } from '../repositories/store.js';
import type { WorkRow } from '../repositories/works.repository.js';
import { workState } from './work-view.js';

export interface NumberingConfig {
  prefix: string;
  codes: Record<CategoryKey, string>;
  timeZone: string;
}

export interface ApprovalSequencer {
  sequenceApproval(r: Repos, workId: string, eventId: string, now: string): Promise<number>;
}

export type TransitionAction = Exclude<WorkAction, 'edit' | 'delete'>;

// Building an Intl.DateTimeFormat costs ~50 µs; one per time zone is enough.
const dayFormats = new Map<string, Intl.DateTimeFormat>();
export function todayIn(timeZone: string, d = new Date()): string {
  let f = dayFormats.get(timeZone);
  if (!f) dayFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(d);
}

/** Rebuilds the editable fields of a stored work, to validate them again at submit time. */
export const storedInput = (w: WorkRow) => ({
  title: w.title,
  category: w.category,
  description: w.description,
  authors: JSON.parse(w.authors) as unknown,
  owners: JSON.parse(w.owners) as unknown,
  completedOn: w.completed_on || undefined,
  publication: JSON.parse(w.publication) as unknown,
  aiDisclosure: JSON.parse(w.ai_disclosure) as unknown,
});

/**
 * Applies one state change of a work in one transaction: the check, the new status, the
 * registration number on approval, the audit trail entry and the notification all commit
 * together or not at all.
 */
export class Workflow {
  constructor(
    private readonly store: Store,
    private readonly numbering: NumberingConfig,
    /** The registry log's sequencer: an approval commits only together with its log entry. */
    private readonly registry?: ApprovalSequencer,
  ) {}

  apply(actor: Actor, workId: string, action: TransitionAction, reasonRaw?: unknown): Promise<WorkRow> {
    let reason: string | null = null;
    if (REASON_REQUIRED.includes(action)) {
      if (typeof reasonRaw !== 'string' || !reasonRaw.trim()) throw new AppError('VALIDATION', 'reason required', { field: 'reason', rule: 'required' });
      if (reasonRaw.length > MAX_REASON) throw new AppError('VALIDATION', 'reason too long', { field: 'reason', rule: 'too_long', max: MAX_REASON });
      reason = reasonRaw.trim();
    }
    return this.store.tx((r) => this.applyIn(r, actor, workId, action, reason));
  }

  async applyIn(r: Repos, actor: Actor, workId: string, action: TransitionAction, reason: string | null): Promise<WorkRow> {
    const w = await r.works.lockById(workId);
    if (!w || !canSee(actor, w)) throw new AppError('NOT_FOUND', 'work not found');
    const to = transition(actor, workState(w), action);
    const now = nowIso();
    const patch: Partial<WorkRow> = { status: to, updated_at: now };
    if (action === 'submit') {
      validateWork(storedInput(w), { complete: true, today: todayIn(this.numbering.timeZone) });
      if ((await r.works.files(w.id)).length === 0) throw new AppError('FILE_MISSING', 'a work needs at least one file before it is submitted', { field: 'files' });
      Object.assign(patch, { submitted_at: now, ever_submitted: 1, reviewed_at: null, review_reason: null, reviewer_id: null });
    } else if (action === 'claim') {
      patch.reviewer_id = actor.id;
    } else if (action === 'withdraw') {
      patch.reviewer_id = null;
    } else {
      Object.assign(patch, { reviewer_id: actor.id, reviewed_at: now, review_reason: reason });
      if (action === 'approve') {
        const year = Number(todayIn(this.numbering.timeZone).slice(0, 4));
        const serial = await r.counters.next(counterScope(year));
        const code = this.numbering.codes[w.category as CategoryKey] ?? this.numbering.codes.other;
        patch.registration_number = formatRegistrationNumber(this.numbering.prefix, year, code, serial);
        patch.registered_at = now;
      }
    }
    await r.works.update(w.id, patch);
    const eventId = newId();
    await r.works.insertEvent({
      id: eventId, work_id: w.id, actor_id: actor.id, action, from_status: w.status, to_status: to, reason,
      data: JSON.stringify(patch.registration_number ? { registrationNumber: patch.registration_number } : {}), created_at: now,
    });
    if (action === 'approve') await this.registry?.sequenceApproval(r, w.id, eventId, now);
    // The certificate job commits with the approval; it needs the checkpoint covering the entry,
    // which the integrator publishes within about a second, so it is due a little later.
    if (action === 'approve') await r.jobs.enqueue('certificate.render', { workId: w.id }, { runAt: new Date(Date.now() + 2000), maxAttempts: 8 });
    if (action === 'submit') await this.queueSubmitChecks(r, w.id);
    // The owner hears about reviewers' decisions; the assigned reviewer hears about the owner's moves.
    const recipient = actor.id === w.owner_id ? w.reviewer_id : w.owner_id;
    if (recipient && recipient !== actor.id) {
      await r.notifications.insert([{ id: newId(), user_id: recipient, work_id: w.id, kind: `work.${action}`, data: JSON.stringify({ status: to, reason, registrationNumber: patch.registration_number ?? null }), read_at: null, created_at: now }]);
    }
    return { ...w, ...patch };
  }

  /** The checks every submission gets; the jobs commit with the submit itself. */
  async queueSubmitChecks(r: Repos, workId: string): Promise<void> {
    // The copyright-protection check (similarity) and the AIGC check (labels, generator
    // traces, text detector), shown beside it in the review.
    await r.jobs.enqueueAll([
      { kind: 'similarity.report', payload: { workId } },
      { kind: 'aigc.report', payload: { workId } },
    ]);
  }
}

export function canSee(actor: Actor, w: WorkRow): boolean {
  // Drafts stay private until first submitted.
  return actor.id === w.owner_id || ((actor.role === 'reviewer' || actor.role === 'admin') && w.ever_submitted === 1);
}
