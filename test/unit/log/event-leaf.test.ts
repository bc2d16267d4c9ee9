import { describe, expect, it } from 'vitest';
import { checkEventLeaf, encodeEventLeaf, registrationStatus, statusFindings, type RegistryEventRow } from '../../../src/log/event-leaf.js';
import { decodeLeaf } from '../../../src/log/leaf.js';

const salt = new Uint8Array(32).fill(9);
const work = { id: 'w1', registration_number: '校作登字-2026-F-00000001', status: 'corrected' };
const correction: RegistryEventRow = { id: 'r1', work_id: 'w1', kind: 'correction', columns: 'title owners', fields: JSON.stringify({ title: '新标题', owners: '[{"name":"张三","kind":"person","share":100}]' }), reason: '权属人录入错误', actor_id: 'a1', created_at: '2026-04-01T00:00:00.000Z' };
const revocation: RegistryEventRow = { id: 'r2', work_id: 'w1', kind: 'revocation', columns: '', fields: '{}', reason: '撤销', actor_id: 'a1', created_at: '2026-05-01T00:00:00.000Z' };

describe('correction and revocation leaves', () => {
  it('are canonical leaves with the documented key order, personal data only as commitments', () => {
    const bytes = encodeEventLeaf(work, correction, salt);
    const leaf = decodeLeaf(bytes);
    expect(leaf.kind).toBe('correction');
    expect(leaf.lines.map(([k]) => k)).toEqual([
      'registry_events.id', 'registry_events.created_at', 'works.id', 'works.registration_number', 'registry_events.columns',
      'commit:works.title', 'commit:works.owners', 'commit:registry_events.reason', 'commit:registry_events.actor_id',
    ]);
    const text = Buffer.from(bytes).toString('utf8');
    for (const secret of ['新标题', '张三', '权属人', 'a1']) expect(text).not.toContain(secret);
    expect(decodeLeaf(encodeEventLeaf(work, revocation, salt)).lines.map(([k]) => k)).toEqual([
      'registry_events.id', 'registry_events.created_at', 'works.id', 'works.registration_number', 'commit:registry_events.reason', 'commit:registry_events.actor_id',
    ]);
    // A different salt gives different commitments for the same values.
    expect(Buffer.from(encodeEventLeaf(work, correction, new Uint8Array(32).fill(1))).equals(Buffer.from(bytes))).toBe(false);
  });

  it('the check names the changed field, and after erasure still checks the public lines', () => {
    const bytes = encodeEventLeaf(work, correction, salt);
    expect(checkEventLeaf(bytes, work, correction, salt, '7')).toEqual([]);
    expect(checkEventLeaf(bytes, work, { ...correction, reason: '改' }, salt, '7')).toEqual([expect.objectContaining({ table: 'registry_events', row: 'r1', field: 'reason' })]);
    expect(checkEventLeaf(bytes, work, { ...correction, fields: JSON.stringify({ title: '别的', owners: JSON.parse(correction.fields).owners }) }, salt, '7')).toEqual([expect.objectContaining({ field: 'fields' })]);
    // Erased: the personal values are gone with the salt; the public facts still must match.
    expect(checkEventLeaf(bytes, work, { ...correction, reason: '', fields: '{}' }, null, '7')).toEqual([]);
    expect(checkEventLeaf(bytes, { ...work, registration_number: 'x' }, correction, null, '7')).toEqual([expect.objectContaining({ table: 'works', field: 'registration_number' })]);
    expect(checkEventLeaf(bytes, work, undefined, salt, '7')).toEqual([expect.objectContaining({ table: 'registry_events', row: 'r1', field: 'id' })]);
  });

  it('gives the status the events imply, and nothing may follow a revocation', () => {
    expect(registrationStatus([])).toBe('approved');
    expect(registrationStatus(['correction'])).toBe('corrected');
    expect(registrationStatus(['correction', 'revocation'])).toBe('revoked');
    expect(statusFindings({ ...work, status: 'revoked' }, [correction, revocation])).toEqual([]);
    expect(statusFindings({ ...work, status: 'approved' }, [correction])).toEqual([expect.objectContaining({ table: 'works', field: 'status' })]);
    expect(statusFindings({ ...work, status: 'revoked' }, [revocation, correction])).toEqual([expect.objectContaining({ table: 'registry_events', row: 'r1', field: 'kind' })]);
  });
});
