import { describe, expect, it } from 'vitest';
import { buildEvidencePackage, serializeEvidencePackage, type EvidenceInput, type EvidencePackage } from '../../../src/documents/evidence.js';
import { EvidenceError, verifyEvidence, type EvidenceReason } from '../../../src/documents/evidence-verify.js';
import { verifyEvidenceWeb } from '../../../src/documents/evidence-verify-web.js';
import { ed25519NoteSigner, formatCheckpoint, formatVerifierKey, generateNoteKey, inclusionProof, leafHash, merkleRoot, nodeSourceFromLeaves, parseSignerKey, signNote } from '../../../src/ledger/index.js';
import { encodeApprovalLeaf, type ApprovalRecord } from '../../../src/log/approval-leaf.js';
import { encodeEventLeaf, type RegistryEventRow } from '../../../src/log/event-leaf.js';

const ORIGIN = 'cws.example.edu/registry';
const salt = (n: number) => new Uint8Array(32).fill(n);
const work = {
  id: 'w1', created_at: '2026-03-01T00:00:00.000Z', title: '校园写生', category: 'fine_art', description: '水彩',
  authors: '[{"name":"李同学"}]', authors_text: '李同学', owners: '[{"name":"李同学","kind":"person","share":100}]',
  completed_on: '2026-03-01', publication: '{"status":"unpublished"}', ai_disclosure: '{"used":false}', status: 'approved',
  owner_id: 'u1', reviewer_id: 'u2', submitted_at: '2026-03-02T00:00:00.000Z', reviewed_at: '2026-03-03T00:00:00.000Z', review_reason: null,
  registration_number: '校作登字-2026-F-00000001', registered_at: '2026-03-03T00:00:00.000Z',
};
const files = [{ id: 'f1', work_id: 'w1', sha256: 'ab'.repeat(32), size: 10, media_type: 'image/png', kind: 'image', filename: '写生.png', position: 0 }];
const record: ApprovalRecord = { work, event: { id: 'e1', work_id: 'w1', action: 'approve', from_status: 'in_review', to_status: 'approved', actor_id: 'u2', reason: null, data: '{}', created_at: work.registered_at }, files };
const correction: RegistryEventRow = { id: 'r1', work_id: 'w1', kind: 'correction', columns: 'title authors', fields: JSON.stringify({ title: '校园写生（修订）', authors: '[{"name":"李明"}]' }), reason: '姓名录入错误', actor_id: 'a1', created_at: '2026-04-01T00:00:00.000Z' };
const revocation: RegistryEventRow = { id: 'r2', work_id: 'w1', kind: 'revocation', columns: '', fields: '{}', reason: '权属争议', actor_id: 'a1', created_at: '2026-05-01T00:00:00.000Z' };
const key = generateNoteKey(ORIGIN);

/** A log of seven entries: approval at 2, correction at 4, revocation at 6 (when `revoked`). */
function makePackage(revoked: boolean, version2 = true): EvidencePackage {
  const other = (i: number) => new TextEncoder().encode(`other ${i}\n`);
  const approval = encodeApprovalLeaf(record, salt(1));
  const corr = encodeEventLeaf(work, correction, salt(2));
  const rev = encodeEventLeaf(work, revocation, salt(3));
  const leaves = [other(0), other(1), approval, other(3), corr, other(5), revoked ? rev : other(6)];
  const hashes = leaves.map(leafHash);
  const size = leaves.length;
  const note = signNote(formatCheckpoint({ origin: ORIGIN, size, rootHash: merkleRoot(hashes), extensions: [] }), [ed25519NoteSigner(parseSignerKey(key.signerKey))]);
  const src = nodeSourceFromLeaves(hashes);
  const ev = (row: RegistryEventRow, index: number, leaf: Uint8Array, s: Uint8Array) => ({ index, kind: row.kind, leaf, salt: s, proof: inclusionProof(index, size, src), columns: row.columns, fields: row.fields, reason: row.reason, createdAt: row.created_at });
  const input: EvidenceInput = {
    work, files, entry: { index: 2, kind: 'approval', leaf: approval, salt: salt(1) }, checkpoint: { note, size }, proof: inclusionProof(2, size, src),
    log: { origin: ORIGIN, verifierKey: formatVerifierKey(parseSignerKey(key.signerKey)) }, witnessKeys: [], timestamps: [], now: '2026-06-01T00:00:00.000Z',
    events: version2 ? [ev(correction, 4, corr, salt(2)), ...(revoked ? [ev(revocation, 6, rev, salt(3))] : [])] : [],
  };
  const pkg = buildEvidencePackage(input);
  if (!version2) {
    delete pkg.events;
    pkg.version = 1;
  }
  return pkg;
}

function codeOf(p: unknown): EvidenceReason | 'VALID' {
  try {
    verifyEvidence(JSON.stringify(p));
    return 'VALID';
  } catch (e) {
    if (e instanceof EvidenceError) return e.code;
    throw e;
  }
}
const clone = (p: EvidencePackage): EvidencePackage => JSON.parse(JSON.stringify(p)) as EvidencePackage;
const flip = (s: string) => {
  const b = Buffer.from(s, 'base64');
  b[Math.floor(b.length / 2)]! ^= 1;
  return b.toString('base64');
};

describe('evidence package v2: corrections and revocations', () => {
  const revoked = makePackage(true);
  const corrected = makePackage(false);

  it('verifies the events, derives the status from them and reads the disclosed corrections', () => {
    const v = verifyEvidence(serializeEvidencePackage(revoked));
    expect(v.state).toBe('revoked');
    expect(v.events).toEqual([
      { index: 4, kind: 'correction', createdAt: correction.created_at, columns: ['title', 'authors'], reason: '姓名录入错误', corrected: { title: '校园写生（修订）', authors: [{ name: '李明' }] } },
      { index: 6, kind: 'revocation', createdAt: revocation.created_at, columns: [], reason: '权属争议', corrected: {} },
    ]);
    expect(verifyEvidence(serializeEvidencePackage(corrected)).state).toBe('corrected');
    expect(revoked.summary.en).toContain('REVOKED');
    expect(revoked.summary['zh-CN']).toContain('已撤销');
    // The status member is information: the verifier never trusts it.
    expect(verifyEvidence(JSON.stringify({ ...clone(revoked), status: { state: 'valid', note: '' } })).state).toBe('revoked');
  });

  it('keeps version 1 packages (no events) verifying', () => {
    const v1 = makePackage(false, false);
    expect(v1.version).toBe(1);
    expect(verifyEvidence(JSON.stringify(v1)).state).toBe('valid');
    expect(codeOf({ ...clone(v1), events: [] })).toBe('MALFORMED');
  });

  it('refuses every evidential field of an event tampered, with the right reason code', () => {
    const cases: [string, (p: EvidencePackage) => void, EvidenceReason][] = [
      ['leaf', (p) => (p.events![0]!.leaf = flip(p.events![0]!.leaf)), 'PROOF_MISMATCH'],
      ['index', (p) => (p.events![0]!.index = 5), 'PROOF_MISMATCH'],
      ['proof hash', (p) => (p.events![1]!.inclusionProof.hashes[0] = flip(p.events![1]!.inclusionProof.hashes[0]!)), 'PROOF_MISMATCH'],
      ['proof cut', (p) => p.events![1]!.inclusionProof.hashes.pop(), 'PROOF_MISMATCH'],
      ['kind', (p) => (p.events![0]!.kind = 'revocation'), 'MALFORMED'],
      ['salt', (p) => (p.events![0]!.disclosure!.salt = flip(p.events![0]!.disclosure!.salt)), 'PROOF_MISMATCH'],
      ['corrected title', (p) => (p.events![0]!.disclosure!.fields['works.title'] = '别的标题'), 'PROOF_MISMATCH'],
      ['reason', (p) => (p.events![1]!.disclosure!.fields['registry_events.reason'] = '另一个理由'), 'PROOF_MISMATCH'],
      ['undisclosed field added', (p) => (p.events![0]!.disclosure!.fields['works.description'] = 'x'), 'PROOF_MISMATCH'],
      ['field withheld', (p) => delete p.events![0]!.disclosure!.fields['works.authors'], 'PROOF_MISMATCH'],
      ['order swapped', (p) => p.events!.reverse(), 'PROOF_MISMATCH'],
      ['events missing', (p) => delete p.events, 'MALFORMED'],
      ['event of another registration', (p) => (p.record.registrationNumber = 'x'), 'PROOF_MISMATCH'],
      ['the approval as an event', (p) => p.events!.push({ index: p.entry.index, kind: 'approval', leaf: p.entry.leaf, inclusionProof: p.inclusionProof, disclosure: null }), 'MALFORMED'],
    ];
    const got = cases.map(([name, edit, want]) => {
      const p = clone(revoked);
      edit(p);
      return { name, got: codeOf(p), want };
    });
    expect(got.filter((g) => g.got !== g.want)).toEqual([]);
  });

  it('a package whose events were stripped still verifies: the limit the docs state', () => {
    const stripped = clone(revoked);
    stripped.events = [];
    expect(verifyEvidence(JSON.stringify(stripped)).state).toBe('valid');
  });

  it('the browser verifier checks the same events and reports the status', async () => {
    expect(await verifyEvidenceWeb(serializeEvidencePackage(revoked))).toMatchObject({ ok: true, state: 'revoked', events: [{ index: 4, kind: 'correction' }, { index: 6, kind: 'revocation' }] });
    expect(await verifyEvidenceWeb(JSON.stringify(makePackage(false, false)))).toMatchObject({ ok: true, state: 'valid', events: [] });
    for (const [edit, want] of [
      [(p: EvidencePackage) => (p.events![1]!.leaf = flip(p.events![1]!.leaf)), 'PROOF_MISMATCH'],
      [(p: EvidencePackage) => p.events!.reverse(), 'PROOF_MISMATCH'],
      [(p: EvidencePackage) => (p.events![0]!.kind = 'revocation'), 'MALFORMED'],
    ] as const) {
      const p = clone(revoked);
      edit(p);
      expect(await verifyEvidenceWeb(JSON.stringify(p))).toMatchObject({ ok: false, code: want });
    }
  });
});
