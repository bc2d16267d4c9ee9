import { describe, expect, it } from 'vitest';
import { approvalLeaf, approvalLeafMatches, checkApprovalLeaf, encodeApprovalLeaf, type ApprovalRecord } from '../../../src/log/approval-leaf.js';
import { commitment, saltHash, SALT_SIZE } from '../../../src/log/commitment.js';
import { decodeLeaf, encodeLeaf, LEAF_MAGIC, LeafFormatError } from '../../../src/log/leaf.js';

const salt = new Uint8Array(SALT_SIZE).fill(9);
const record = (): ApprovalRecord => ({
  work: {
    id: 'w1', created_at: '2026-03-01T00:00:00.000Z', title: '校园写生 李同学', category: 'fine_art', description: 'd', authors: '[{"name":"李同学"}]', authors_text: '李同学',
    owners: '[{"name":"李同学","kind":"person","share":100}]', completed_on: '2026-03-01', publication: '{"status":"unpublished"}', ai_disclosure: '{}', status: 'approved',
    owner_id: 'u1', reviewer_id: 'u2', submitted_at: '2026-03-02T00:00:00.000Z', reviewed_at: '2026-03-03T00:00:00.000Z', review_reason: null,
    registration_number: '校作登字-2026-F-00000001', registered_at: '2026-03-03T00:00:00.000Z',
  },
  event: { id: 'e1', work_id: 'w1', action: 'approve', from_status: 'in_review', to_status: 'approved', actor_id: 'u2', reason: null, data: '{}', created_at: '2026-03-03T00:00:00.000Z' },
  files: [{ id: 'f1', work_id: 'w1', sha256: 'ab'.repeat(32), size: 10, media_type: 'text/plain; charset=utf-8', kind: 'text', filename: '李同学的作品.txt', position: 0 }],
});

describe('registry leaf v1', () => {
  it('is canonical text that round-trips and names its kind and version first', () => {
    const bytes = encodeApprovalLeaf(record(), salt);
    const text = new TextDecoder().decode(bytes);
    expect(text.startsWith(`${LEAF_MAGIC}\nkind approval\nsalt-hash ${saltHash(salt)}\nrecord-commitment `)).toBe(true);
    expect(Buffer.compare(encodeLeaf(decodeLeaf(bytes)), bytes)).toBe(0);
    expect(text).toContain('work_files.media_type text/plain; charset=utf-8\n');
    expect(text).toContain('works.registration_number 校作登字-2026-F-00000001\n');
  });

  it('publishes no personal data, only salted commitments to it', () => {
    const text = new TextDecoder().decode(encodeApprovalLeaf(record(), salt));
    for (const secret of ['李同学', '校园写生', 'u1', 'u2', '作品.txt']) expect(text).not.toContain(secret);
    expect(text).toContain(`commit:works.title ${commitment(salt, 'works.title', '校园写生 李同学')}\n`);
  });

  it('commits to null and to the empty string differently, and per field name', () => {
    expect(commitment(salt, 'works.review_reason', null)).not.toBe(commitment(salt, 'works.review_reason', ''));
    expect(commitment(salt, 'works.title', 'x')).not.toBe(commitment(salt, 'works.description', 'x'));
    expect(commitment(new Uint8Array(SALT_SIZE), 'works.title', 'x')).not.toBe(commitment(salt, 'works.title', 'x'));
  });

  it.each([
    ['another version', (t: string) => t.replace(LEAF_MAGIC, 'cws-registry-entry/v2')],
    ['no final newline', (t: string) => t.slice(0, -1)],
    ['an unknown kind', (t: string) => t.replace('kind approval', 'kind merger')],
    ['a trailing blank', (t: string) => t.replace('works.category fine_art', 'works.category fine_art ')],
    ['a control character', (t: string) => t.replace('fine_art', 'fine\u0007art')],
    ['a line without value', (t: string) => t.replace('works.category fine_art', 'works.category')],
    ['a bad key', (t: string) => t.replace('works.category', 'Works.Category')],
    ['CRLF line ends', (t: string) => t.replace(/\n/g, '\r\n')],
  ])('refuses %s', (_name, mutate) => {
    const text = new TextDecoder().decode(encodeApprovalLeaf(record(), salt));
    expect(() => decodeLeaf(new TextEncoder().encode(mutate(text)))).toThrow(LeafFormatError);
  });

  it('refuses bytes that are not UTF-8', () => {
    const bytes = encodeApprovalLeaf(record(), salt);
    const bad = Uint8Array.from([...bytes.slice(0, 30), 0xff, ...bytes.slice(30)]);
    expect(() => decodeLeaf(bad)).toThrow(LeafFormatError);
  });

  it('checks stored rows field by field, and still checks the public fields after erasure', () => {
    const entry = encodeApprovalLeaf(record(), salt);
    expect(checkApprovalLeaf(entry, record(), salt, '0')).toEqual([]);
    const changed = record();
    changed.work.title = '别的标题';
    changed.files[0]!.sha256 = 'cd'.repeat(32);
    const found = checkApprovalLeaf(entry, changed, salt, '0').map((f) => `${f.table}.${f.field}`);
    expect(found).toEqual(['works.title', 'work_files.sha256']);
    // Erased (no salt): commitments cannot be checked any more, public facts still can.
    expect(checkApprovalLeaf(entry, changed, null, '0').map((f) => `${f.table}.${f.field}`)).toEqual(['work_files.sha256']);
    // 24 header fields, then 7 per file.
    expect(approvalLeaf(record(), salt).lines.length).toBe(24 + 7);
  });
});

describe('the audit fast path', () => {
  it('agrees with the field-by-field check on every single-field change', () => {
    const entry = encodeApprovalLeaf(record(), salt);
    expect(approvalLeafMatches(entry, record(), salt)).toBe(true);
    const columns = ['title', 'description', 'authors', 'authors_text', 'owners', 'completed_on', 'publication', 'ai_disclosure', 'owner_id', 'reviewer_id', 'registration_number', 'registered_at', 'category', 'created_at', 'submitted_at', 'reviewed_at'] as const;
    for (const c of columns) {
      const r = record();
      (r.work as unknown as Record<string, string>)[c] = `${r.work[c]}x`;
      expect(approvalLeafMatches(entry, r, salt), c).toBe(false);
      expect(checkApprovalLeaf(entry, r, salt, '0').map((f) => f.field), c).toContain(c);
    }
    const r = record();
    r.work.review_reason = '';
    expect(approvalLeafMatches(entry, r, salt)).toBe(false);
    const f = record();
    f.files[0]!.filename = 'other.txt';
    expect(approvalLeafMatches(entry, f, salt)).toBe(false);
    expect(approvalLeafMatches(entry, record(), new Uint8Array(SALT_SIZE))).toBe(false);
  });

  it('compares public values of 1 to 4 UTF-8 bytes a character exactly, and never a lone surrogate', () => {
    // The fast path compares the stored bytes without decoding them.
    const r = record();
    r.work.registration_number = 'é-校作登字-😀-F-1';
    r.files[0]!.media_type = 'text/plain; name=ü😀';
    const entry = encodeApprovalLeaf(r, salt);
    expect(approvalLeafMatches(entry, r, salt)).toBe(true);
    const cases: [string, (x: ApprovalRecord) => void][] = [
      ['another 2-byte character', (x) => (x.work.registration_number = 'è-校作登字-😀-F-1')],
      ['another 3-byte character', (x) => (x.work.registration_number = 'é-校作登子-😀-F-1')],
      ['another 4-byte character', (x) => (x.work.registration_number = 'é-校作登字-😁-F-1')],
      ['a lone high surrogate', (x) => (x.work.registration_number = 'é-校作登字-\uD83D-F-1')],
      ['a lone low surrogate', (x) => (x.work.registration_number = 'é-校作登字-\uDE00-F-1')],
      ['one character fewer', (x) => (x.work.registration_number = 'é-校作登字-😀-F-')],
      ['a file value', (x) => (x.files[0]!.media_type = 'text/plain; name=u😀')],
    ];
    for (const [name, change] of cases) {
      const x = record();
      x.work.registration_number = r.work.registration_number;
      x.files[0]!.media_type = r.files[0]!.media_type;
      change(x);
      expect(approvalLeafMatches(entry, x, salt), name).toBe(false);
      expect(checkApprovalLeaf(entry, x, salt, '0').length, name).toBeGreaterThan(0);
    }
    // Cut short inside a character, or with a byte changed inside one.
    expect(approvalLeafMatches(entry.slice(0, -2), r, salt)).toBe(false);
    const flipped = Buffer.from(entry);
    const at = flipped.indexOf(Buffer.from('😀')) + 1;
    flipped.writeUInt8(flipped.readUInt8(at) ^ 1, at);
    expect(approvalLeafMatches(flipped, r, salt)).toBe(false);
  });
});
