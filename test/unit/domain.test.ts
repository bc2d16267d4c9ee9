import { describe, expect, it } from 'vitest';
import { categoryCodes } from '../../src/domain/categories.js';
import type { AppError } from '../../src/domain/errors.js';
import { checkContent, checkFileName } from '../../src/domain/files.js';
import { newId } from '../../src/domain/ids.js';
import { formatRegistrationNumber, parseRegistrationNumber } from '../../src/domain/numbering.js';
import { allowedActions, transition, type Actor, type WorkState } from '../../src/domain/review.js';
import { validateWork } from '../../src/domain/work.js';

const code = (f: () => unknown): string => {
  try {
    f();
  } catch (e) {
    return (e as AppError).code + (((e as AppError).details?.rule as string | undefined) ? `:${(e as AppError).details.rule as string}` : '');
  }
  return 'no error';
};

describe('registration numbers', () => {
  it('formats the seed form with an 8-digit serial and parses back', () => {
    const n = formatRegistrationNumber('邮作登字', 2026, 'F', 1);
    expect(n).toBe('邮作登字-2026-F-00000001');
    expect(parseRegistrationNumber(n)).toEqual({ prefix: '邮作登字', year: 2026, code: 'F', serial: 1 });
    expect(formatRegistrationNumber('京作登字', 2023, 'F', 270704)).toBe('京作登字-2023-F-00270704');
    expect(() => formatRegistrationNumber('X', 2026, 'A', 0)).toThrow(RangeError);
    expect(() => formatRegistrationNumber('X', 2026, 'A', 100_000_000)).toThrow(RangeError);
  });
  it('uses the confirmed codes and accepts overrides', () => {
    const c = categoryCodes(undefined);
    expect([c.text, c.fine_art, c.other]).toEqual(['A', 'F', 'L']);
    expect(categoryCodes('software=S').software).toBe('S');
    expect(() => categoryCodes('nope=Q')).toThrow(/CWS_CATEGORY_CODES/);
  });
});

describe('review state machine', () => {
  const owner: Actor = { id: 'o', role: 'creator' };
  const rev: Actor = { id: 'r', role: 'reviewer' };
  const rev2: Actor = { id: 'r2', role: 'reviewer' };
  const admin: Actor = { id: 'a', role: 'admin' };
  const w = (status: WorkState['status'], reviewerId: string | null = null): WorkState => ({ status, ownerId: 'o', reviewerId, everSubmitted: status !== 'draft' });

  it('walks draft → submitted → in_review → approved', () => {
    expect(transition(owner, w('draft'), 'submit')).toBe('submitted');
    expect(transition(rev, w('submitted'), 'claim')).toBe('in_review');
    expect(transition(rev, w('in_review', 'r'), 'approve')).toBe('approved');
  });
  it('allows resubmission after rejection or a change request, and withdrawal', () => {
    expect(transition(owner, w('rejected'), 'submit')).toBe('submitted');
    expect(transition(owner, w('changes_requested'), 'submit')).toBe('submitted');
    expect(transition(owner, w('in_review', 'r'), 'withdraw')).toBe('withdrawn');
  });
  it('refuses wrong roles and wrong states with distinct codes', () => {
    expect(code(() => transition(owner, w('submitted'), 'approve'))).toBe('FORBIDDEN');
    expect(code(() => transition(rev, w('approved'), 'approve'))).toBe('INVALID_TRANSITION');
    expect(code(() => transition(rev2, w('in_review', 'r'), 'approve'))).toBe('FORBIDDEN');
    expect(transition(admin, w('in_review', 'r'), 'reject')).toBe('rejected');
    expect(code(() => transition(rev, { ...w('submitted'), ownerId: 'r' }, 'approve'))).toBe('FORBIDDEN');
    expect(code(() => transition(owner, w('approved'), 'submit'))).toBe('INVALID_TRANSITION');
  });
  it('lists the allowed actions per actor', () => {
    expect(allowedActions(owner, w('draft')).sort()).toEqual(['delete', 'edit', 'submit']);
    expect(allowedActions(rev, w('submitted')).sort()).toEqual(['approve', 'claim', 'reject', 'request_changes']);
    expect(allowedActions(owner, w('approved'))).toEqual([]);
  });
});

describe('work metadata', () => {
  const today = '2026-11-25';
  const ok = {
    title: ' 作品 ', category: 'text', authors: [{ name: 'A' }], owners: [{ name: 'A', share: 100 }], completedOn: '2026-01-02',
    publication: { status: 'published', date: '2026-02-01', place: '北京' }, aiDisclosure: { used: false },
  };
  it('accepts a complete work and normalises it', () => {
    const v = validateWork(ok, { complete: true, today });
    expect(v.title).toBe('作品');
    expect(v.owners[0]).toEqual({ name: 'A', kind: 'person', share: 100 });
  });
  it.each([
    [{ title: '' }, 'VALIDATION:required'],
    [{ category: 'poetry' }, 'VALIDATION:enum'],
    [{ owners: [{ name: 'A', share: 60 }, { name: 'B', share: 30 }] }, 'VALIDATION:shares_sum'],
    [{ owners: [{ name: 'A', share: 0 }] }, 'VALIDATION:share'],
    [{ completedOn: '2026-02-30' }, 'VALIDATION:date'],
    [{ completedOn: '2099-01-01' }, 'VALIDATION:future_date'],
    [{ publication: { status: 'published', date: '2025-01-01', place: 'x' } }, 'VALIDATION:before_completion'],
    [{ publication: { status: 'published', date: '2026-03-01' } }, 'VALIDATION:required'],
    [{ aiDisclosure: { used: true, tools: 'x' } }, 'VALIDATION:required'],
    [{ title: 'a\u0000b' }, 'VALIDATION:control_chars'],
    [{ authors: [] }, 'VALIDATION:required'],
  ])('refuses %j', (patch, expected) => {
    expect(code(() => validateWork({ ...ok, ...patch }, { complete: true, today }))).toBe(expected);
  });
  it('lets a draft be incomplete but not untitled', () => {
    expect(validateWork({ title: 'x' }, { complete: false, today }).authors).toEqual([]);
    expect(code(() => validateWork({}, { complete: false, today }))).toBe('VALIDATION:required');
  });
});

describe('files', () => {
  it('refuses hostile names', () => {
    for (const n of ['../etc/passwd', 'a/b.png', 'a\\b.png', 'x\u0000.png', '..', ' lead.png', 'a'.repeat(300) + '.png']) {
      expect(code(() => checkFileName(n))).toBe('FILE_NAME');
    }
    expect(checkFileName('作品.png')).toBe('作品.png');
  });
  it('checks magic bytes against the extension', () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]);
    expect(checkContent('a.png', png).kind).toBe('image');
    expect(code(() => checkContent('a.jpg', png))).toBe('FILE_CONTENT_MISMATCH');
    expect(code(() => checkContent('a.pdf', Buffer.from('MZ\x90\x00')))).toBe('FILE_CONTENT_MISMATCH');
    expect(code(() => checkContent('a.exe', Buffer.from('MZ')))).toBe('FILE_TYPE');
    expect(code(() => checkContent('a.txt', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])))).toBe('FILE_CONTENT_MISMATCH');
    expect(checkContent('a.txt', Buffer.from('中文文本', 'utf8').subarray(0, 5)).kind).toBe('text');
    expect(code(() => checkContent('a.png', Buffer.alloc(0)))).toBe('FILE_CONTENT_MISMATCH');
  });
});

describe('ids', () => {
  it('are unique and sort by creation time', () => {
    const a = newId(1_700_000_000_000);
    const b = newId(1_700_000_000_001);
    expect(a < b).toBe(true);
    expect(new Set(Array.from({ length: 1000 }, () => newId())).size).toBe(1000);
  });
});
