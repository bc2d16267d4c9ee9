import { isCategory, type CategoryKey } from './categories.js';
import { AppError } from './errors.js';

export interface Author {
  name: string;
}
export interface Owner {
  name: string;
  kind: 'person' | 'institution';
  share: number;
}
export type Publication = { status: 'unpublished' } | { status: 'published'; date: string; place: string };
export interface AiDisclosure {
  used: boolean;
  tools: string;
  prompts: string;
  humanContribution: string;
  claimedParts: string;
  excludedParts: string;
}
export interface WorkInput {
  title: string;
  category: CategoryKey;
  description: string;
  authors: Author[];
  owners: Owner[];
  completedOn: string;
  publication: Publication;
  aiDisclosure: AiDisclosure;
}

export const LIMITS = { title: 200, description: 10_000, name: 100, place: 200, aiText: 10_000, authors: 50, owners: 50 };

const invalid = (field: string, rule: string, params: Record<string, unknown> = {}): never => {
  throw new AppError('VALIDATION', `${field}: ${rule}`, { field, rule, ...params });
};

// Control characters never belong in registry metadata; they also make certificates lie.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

function text(v: unknown, field: string, max: number, required: boolean): string {
  if (v === undefined || v === null) v = '';
  if (typeof v !== 'string') return invalid(field, 'type');
  const s = v.normalize('NFC').trim();
  if (required && s.length === 0) return invalid(field, 'required');
  if (s.length > max) return invalid(field, 'too_long', { max });
  if (CONTROL.test(s)) return invalid(field, 'control_chars');
  return s;
}

export function isIsoDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

function date(v: unknown, field: string, today: string): string {
  const s = text(v, field, 10, true);
  if (!isIsoDate(s)) return invalid(field, 'date');
  if (s > today) return invalid(field, 'future_date');
  return s;
}

function list<T>(v: unknown, field: string, max: number, item: (x: unknown, i: number) => T): T[] {
  if (!Array.isArray(v)) return invalid(field, 'type');
  if (v.length === 0) return invalid(field, 'required');
  if (v.length > max) return invalid(field, 'too_many', { max });
  return v.map(item);
}

function obj(v: unknown, field: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return invalid(field, 'type');
  return v as Record<string, unknown>;
}

/**
 * Validates the editable fields of a work. Drafts may be incomplete; a submission must be
 * complete (`complete = true`), so the same rules apply at submit time and on import.
 */
export function validateWork(raw: unknown, opts: { complete: boolean; today: string }): WorkInput {
  const o = obj(raw, 'metadata');
  const c = opts.complete;
  const category = o.category ?? (c ? undefined : 'other');
  if (!isCategory(category)) invalid('category', category === undefined ? 'required' : 'enum');
  const authorsRaw = o.authors ?? (c ? undefined : []);
  const ownersRaw = o.owners ?? (c ? undefined : []);
  const authors = Array.isArray(authorsRaw) && authorsRaw.length === 0 && !c
    ? []
    : list(authorsRaw, 'authors', LIMITS.authors, (a, i) => ({ name: text(obj(a, `authors[${i}]`).name, `authors[${i}].name`, LIMITS.name, true) }));
  const owners = Array.isArray(ownersRaw) && ownersRaw.length === 0 && !c
    ? []
    : list(ownersRaw, 'owners', LIMITS.owners, (x, i) => {
        const r = obj(x, `owners[${i}]`);
        const kind = r.kind ?? 'person';
        if (kind !== 'person' && kind !== 'institution') invalid(`owners[${i}].kind`, 'enum');
        const share = r.share;
        if (typeof share !== 'number' || !Number.isFinite(share) || share <= 0 || share > 100) invalid(`owners[${i}].share`, 'share');
        return { name: text(r.name, `owners[${i}].name`, LIMITS.name, true), kind: kind as Owner['kind'], share: Math.round((share as number) * 100) / 100 };
      });
  if (owners.length > 0) {
    const sum = owners.reduce((s, x) => s + x.share, 0);
    if (Math.abs(sum - 100) > 0.001) invalid('owners', 'shares_sum', { sum });
  }
  const completedOn = o.completedOn === undefined && !c ? '' : date(o.completedOn, 'completedOn', opts.today);
  const pub = obj(o.publication ?? { status: 'unpublished' }, 'publication');
  let publication: Publication;
  if (pub.status === 'published') {
    const d = date(pub.date, 'publication.date', opts.today);
    if (completedOn && d < completedOn) invalid('publication.date', 'before_completion');
    publication = { status: 'published', date: d, place: text(pub.place, 'publication.place', LIMITS.place, true) };
  } else if (pub.status === 'unpublished') {
    publication = { status: 'unpublished' };
  } else {
    return invalid('publication.status', 'enum');
  }
  const ai = obj(o.aiDisclosure ?? { used: false }, 'aiDisclosure');
  if (typeof ai.used !== 'boolean') invalid('aiDisclosure.used', 'type');
  const used = ai.used === true;
  // When AI was used, the disclosure must say what, what the human did and what is claimed:
  // without those three a reviewer cannot tell the protectable part from the generated one.
  const req = used && c;
  const aiDisclosure: AiDisclosure = {
    used,
    tools: text(ai.tools, 'aiDisclosure.tools', LIMITS.aiText, req),
    prompts: text(ai.prompts, 'aiDisclosure.prompts', LIMITS.aiText, false),
    humanContribution: text(ai.humanContribution, 'aiDisclosure.humanContribution', LIMITS.aiText, req),
    claimedParts: text(ai.claimedParts, 'aiDisclosure.claimedParts', LIMITS.aiText, req),
    excludedParts: text(ai.excludedParts, 'aiDisclosure.excludedParts', LIMITS.aiText, false),
  };
  return {
    title: text(o.title, 'title', LIMITS.title, true),
    category: category as CategoryKey,
    description: text(o.description, 'description', LIMITS.description, false),
    authors,
    owners,
    completedOn,
    publication,
    aiDisclosure,
  };
}
