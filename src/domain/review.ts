import { AppError } from './errors.js';

// `corrected` and `revoked` follow `approved` through registry events (src/services/registry-events.service.ts).
export const WORK_STATUSES = ['draft', 'submitted', 'in_review', 'changes_requested', 'rejected', 'approved', 'withdrawn', 'corrected', 'revoked'] as const;
export type WorkStatus = (typeof WORK_STATUSES)[number];

/** A registration that stands: approved, possibly corrected since, not revoked. */
export const isStandingRegistration = (status: string): boolean => status === 'approved' || status === 'corrected';

export const ROLES = ['creator', 'reviewer', 'admin', 'judicial'] as const;
export type Role = (typeof ROLES)[number];

export type WorkAction = 'edit' | 'submit' | 'withdraw' | 'delete' | 'claim' | 'approve' | 'reject' | 'request_changes';

/** Statuses in which the creator may change metadata and files. */
export const EDITABLE: readonly WorkStatus[] = ['draft', 'changes_requested', 'rejected', 'withdrawn'];
const UNDER_REVIEW: readonly WorkStatus[] = ['submitted', 'in_review'];

const TARGET: Record<Exclude<WorkAction, 'edit' | 'delete'>, { from: readonly WorkStatus[]; to: WorkStatus }> = {
  submit: { from: EDITABLE, to: 'submitted' },
  withdraw: { from: UNDER_REVIEW, to: 'withdrawn' },
  claim: { from: ['submitted'], to: 'in_review' },
  approve: { from: UNDER_REVIEW, to: 'approved' },
  reject: { from: UNDER_REVIEW, to: 'rejected' },
  request_changes: { from: UNDER_REVIEW, to: 'changes_requested' },
};

const CREATOR_ACTIONS: readonly WorkAction[] = ['edit', 'submit', 'withdraw', 'delete'];
const REVIEW_ACTIONS: readonly WorkAction[] = ['claim', 'approve', 'reject', 'request_changes'];

export interface Actor {
  id: string;
  role: Role;
}

export interface WorkState {
  status: WorkStatus;
  ownerId: string;
  reviewerId: string | null;
  everSubmitted: boolean;
}

function roleAllows(actor: Actor, work: WorkState, action: WorkAction): boolean {
  if (CREATOR_ACTIONS.includes(action)) return actor.id === work.ownerId;
  if (REVIEW_ACTIONS.includes(action)) {
    if (actor.role !== 'reviewer' && actor.role !== 'admin') return false;
    // Nobody reviews their own work: the point of review is a second pair of eyes.
    if (actor.id === work.ownerId) return false;
    // A claimed work is decided by its claimer; an admin may step in.
    if (work.status === 'in_review' && work.reviewerId !== actor.id && actor.role !== 'admin') return false;
    return true;
  }
  return false;
}

function statusAllows(work: WorkState, action: WorkAction): boolean {
  if (action === 'edit') return EDITABLE.includes(work.status);
  if (action === 'delete') return work.status === 'draft' && !work.everSubmitted;
  return TARGET[action].from.includes(work.status);
}

export function allowedActions(actor: Actor, work: WorkState): WorkAction[] {
  return [...CREATOR_ACTIONS, ...REVIEW_ACTIONS].filter((a) => roleAllows(actor, work, a) && statusAllows(work, a));
}

/** Checks an action and returns the status it leads to; throws FORBIDDEN or INVALID_TRANSITION. */
export function transition(actor: Actor, work: WorkState, action: Exclude<WorkAction, 'edit' | 'delete'>): WorkStatus {
  if (!roleAllows(actor, work, action)) {
    throw new AppError('FORBIDDEN', `role ${actor.role} may not ${action} this work`, { action });
  }
  if (!statusAllows(work, action)) {
    throw new AppError('INVALID_TRANSITION', `cannot ${action} a work that is ${work.status}`, { action, status: work.status });
  }
  return TARGET[action].to;
}

export function assertCan(actor: Actor, work: WorkState, action: 'edit' | 'delete'): void {
  if (!roleAllows(actor, work, action)) throw new AppError('FORBIDDEN', `you may not ${action} this work`, { action });
  if (!statusAllows(work, action)) {
    throw new AppError('INVALID_TRANSITION', `cannot ${action} a work that is ${work.status}`, { action, status: work.status });
  }
}

export const REASON_REQUIRED: readonly WorkAction[] = ['reject', 'request_changes'];
export const MAX_REASON = 2000;
