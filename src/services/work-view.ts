import { allowedActions, type Actor, type WorkStatus } from '../domain/review.js';
import type { LogPosition } from '../log/position.js';
import type { WorkEventRow, WorkFileRow, WorkRow } from '../repositories/works.repository.js';

export const workState = (w: WorkRow) => ({ status: w.status as WorkStatus, ownerId: w.owner_id, reviewerId: w.reviewer_id, everSubmitted: w.ever_submitted === 1 });

export const fileView = (f: WorkFileRow) => ({ id: f.id, filename: f.filename, mediaType: f.media_type, size: Number(f.size), sha256: f.sha256, kind: f.kind });

export const eventView = (e: WorkEventRow & { actor_name: string | null }) => ({
  id: e.id,
  action: e.action,
  fromStatus: e.from_status,
  toStatus: e.to_status,
  actor: e.actor_id ? { id: e.actor_id, displayName: e.actor_name ?? '' } : null,
  reason: e.reason,
  createdAt: e.created_at,
});

export interface Names {
  owner: string;
  reviewer: string | null;
}

export function workView(actor: Actor, w: WorkRow, names: Names, files: WorkFileRow[], events?: (WorkEventRow & { actor_name: string | null })[], log?: LogPosition | null) {
  return {
    id: w.id,
    title: w.title,
    category: w.category,
    description: w.description,
    authors: JSON.parse(w.authors) as { name: string }[],
    owners: JSON.parse(w.owners) as { name: string; kind: string; share: number }[],
    completedOn: w.completed_on,
    publication: JSON.parse(w.publication) as unknown,
    aiDisclosure: JSON.parse(w.ai_disclosure) as unknown,
    status: w.status,
    owner: { id: w.owner_id, displayName: names.owner },
    reviewer: w.reviewer_id ? { id: w.reviewer_id, displayName: names.reviewer ?? '' } : null,
    submittedAt: w.submitted_at,
    reviewedAt: w.reviewed_at,
    reviewReason: w.review_reason,
    registrationNumber: w.registration_number,
    registeredAt: w.registered_at,
    createdAt: w.created_at,
    updatedAt: w.updated_at,
    files: files.map(fileView),
    ...(events ? { events: events.map(eventView) } : {}),
    // Position in the registry log and the checkpoint covering it (single-work views only).
    ...(log !== undefined ? { log } : {}),
    allowedActions: allowedActions(actor, workState(w)),
  };
}

export type WorkView = ReturnType<typeof workView>;
