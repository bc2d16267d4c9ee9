import { isCategory } from '../domain/categories.js';
import { AppError } from '../domain/errors.js';
import { WORK_STATUSES, type Actor } from '../domain/review.js';
import type { Store } from '../repositories/store.js';
import type { QueueQuery } from '../repositories/works.repository.js';
import type { RegistrationService } from './registration.service.js';
import type { WorkView } from './work-view.js';
import type { Workflow } from './workflow.js';

const SORTS = { submittedAt: 'submitted_at', reviewedAt: 'reviewed_at', title: 'title', registrationNumber: 'registration_number' } as const;
/** The queue never shows drafts: they are the creator's private business until submitted. */
const VISIBLE = WORK_STATUSES.filter((s) => s !== 'draft');

export interface QueueParams {
  status?: string | undefined;
  category?: string | undefined;
  q?: string | undefined;
  reviewer?: string | undefined;
  sort?: string | undefined;
  order?: string | undefined;
  page: number;
  pageSize: number;
}

/** Reviewers' use cases: the queue and the decisions. */
export class ReviewService {
  constructor(
    private readonly store: Store,
    private readonly workflow: Workflow,
    private readonly registration: RegistrationService,
  ) {}

  private requireReviewer(actor: Actor): void {
    if (actor.role !== 'reviewer' && actor.role !== 'admin') throw new AppError('FORBIDDEN', 'reviewers only');
  }

  async queue(actor: Actor, p: QueueParams) {
    this.requireReviewer(actor);
    const statuses = p.status ? p.status.split(',') : [];
    if (statuses.some((s) => !(VISIBLE as readonly string[]).includes(s))) throw new AppError('VALIDATION', 'status', { field: 'status', rule: 'enum' });
    if (p.category && !isCategory(p.category)) throw new AppError('VALIDATION', 'category', { field: 'category', rule: 'enum' });
    const sortKey = (p.sort ?? 'submittedAt') as keyof typeof SORTS;
    if (!(sortKey in SORTS)) throw new AppError('VALIDATION', 'sort', { field: 'sort', rule: 'enum' });
    const order = p.order ?? 'desc';
    if (order !== 'asc' && order !== 'desc') throw new AppError('VALIDATION', 'order', { field: 'order', rule: 'enum' });
    const query: QueueQuery = {
      statuses,
      excludeDrafts: true,
      category: p.category,
      reviewerId: p.reviewer === 'me' ? actor.id : undefined,
      q: p.q?.trim().slice(0, 200) || undefined,
      sort: SORTS[sortKey],
      order,
      limit: p.pageSize,
      offset: (p.page - 1) * p.pageSize,
    };
    const { items, total } = await this.store.repos.works.page(query);
    return {
      items: items.map((w) => ({
        id: w.id,
        title: w.title,
        category: w.category,
        authors: w.authors_text,
        owner: { id: w.owner_id, displayName: w.owner_name ?? '' },
        submittedAt: w.submitted_at,
        reviewer: w.reviewer_id ? { id: w.reviewer_id, displayName: w.reviewer_name ?? '' } : null,
        status: w.status,
        reviewedAt: w.reviewed_at,
        reviewReason: w.review_reason,
        registrationNumber: w.registration_number,
      })),
      total,
      page: p.page,
      pageSize: p.pageSize,
    };
  }

  async decide(actor: Actor, id: string, action: 'claim' | 'approve' | 'reject' | 'request_changes', reason?: unknown): Promise<WorkView> {
    this.requireReviewer(actor);
    await this.workflow.apply(actor, id, action, reason);
    return this.registration.get(actor, id);
  }
}
