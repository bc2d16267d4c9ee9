import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildEvidencePackage, serializeEvidencePackage, type EvidencePackage } from '../../../src/documents/evidence.js';
import { EvidenceError, verifyEvidence, type EvidenceReason, type VerifyEvidenceOptions } from '../../../src/documents/evidence-verify.js';
import {
  cosigner,
  cosignatureLine,
  ed25519NoteSigner,
  formatCheckpoint,
  formatCosignerKey,
  formatVerifierKey,
  generateNoteKey,
  inclusionProof,
  leafHash,
  merkleRoot,
  nodeSourceFromLeaves,
  parseSignerKey,
  signNote,
} from '../../../src/ledger/index.js';
import { encodeApprovalLeaf, type ApprovalRecord } from '../../../src/log/approval-leaf.js';
import { checkTimestampToken } from '../../../src/documents/evidence-timestamp.js';
import { verifyEvidenceWeb } from '../../../src/documents/evidence-verify-web.js';
import { certificatesFromPem, parseToken, verifyToken } from '../../../src/log/rfc3161.js';

const run = promisify(execFile);
const ORIGIN = 'cws.example.edu/registry';
const salt = new Uint8Array(32).fill(7);

const work = {
  id: 'w1', created_at: '2026-03-01T00:00:00.000Z', title: '校园写生', category: 'fine_art', description: '水彩 watercolour',
  authors: '[{"name":"李同学"}]', authors_text: '李同学', owners: '[{"name":"李同学","kind":"person","share":70},{"name":"示范大学","kind":"institution","share":30}]',
  completed_on: '2026-03-01', publication: '{"status":"unpublished"}', ai_disclosure: '{"used":true,"tools":"Midjourney v6","claimedParts":"text"}', status: 'approved',
  owner_id: 'u1', reviewer_id: 'u2', submitted_at: '2026-03-02T00:00:00.000Z', reviewed_at: '2026-03-03T00:00:00.000Z', review_reason: null,
  registration_number: '校作登字-2026-F-00000001', registered_at: '2026-03-03T00:00:00.000Z',
};
const files = [
  { id: 'f1', work_id: 'w1', sha256: 'ab'.repeat(32), size: 10, media_type: 'image/png', kind: 'image', filename: '写生.png', position: 0 },
  { id: 'f2', work_id: 'w1', sha256: 'cd'.repeat(32), size: 20, media_type: 'text/plain; charset=utf-8', kind: 'text', filename: 'notes.txt', position: 1 },
];
const record: ApprovalRecord = {
  work,
  event: { id: 'e1', work_id: 'w1', action: 'approve', from_status: 'in_review', to_status: 'approved', actor_id: 'u2', reason: null, data: '{}', created_at: work.registered_at },
  files,
};

const logKey = generateNoteKey(ORIGIN);
const witnessSkey = generateNoteKey('witness.other-library.example');
const witness = cosigner(witnessSkey.signerKey);
const witnessVkey = formatCosignerKey(witness.name, witness.publicKey);

/** An RFC 3161 token from openssl over `data`, with a throwaway CA (as a real TSA would answer). */
async function opensslToken(dir: string, data: string): Promise<string> {
  const o = (...args: string[]) => run('openssl', args, { cwd: dir });
  await o('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '30', '-subj', '/CN=Test TSA CA', '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  await o('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'tsa.key', '-out', 'tsa.csr', '-subj', '/CN=Test TSA');
  await writeFile(path.join(dir, 'ext.cnf'), 'extendedKeyUsage=critical,timeStamping\nbasicConstraints=CA:false\nkeyUsage=critical,digitalSignature\n');
  await o('x509', '-req', '-in', 'tsa.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'tsa.crt', '-days', '30', '-extfile', 'ext.cnf');
  await writeFile(path.join(dir, 'tsaserial'), '01\n');
  await writeFile(path.join(dir, 'tsa.cnf'), `[ tsa ]\ndefault_tsa = t\n[ t ]\ndir = ${dir}\nserial = $dir/tsaserial\ncrypto_device = builtin\nsigner_cert = $dir/tsa.crt\ncerts = $dir/ca.crt\nsigner_key = $dir/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\naccuracy = secs:1\nordering = yes\ntsa_name = yes\ness_cert_id_chain = no\ness_cert_id_alg = sha256\n`);
  await writeFile(path.join(dir, 'data'), data);
  await o('ts', '-query', '-data', 'data', '-sha256', '-cert', '-out', 'q.tsq');
  await o('ts', '-reply', '-config', 'tsa.cnf', '-queryfile', 'q.tsq', '-token_out', '-out', 'token.der');
  return (await readFile(path.join(dir, 'token.der'))).toString('base64');
}

let dir: string;
let pkg: EvidencePackage;
const checkTimestamp: VerifyEvidenceOptions['checkTimestamp'] = (token, data) => checkTimestampToken(token, data);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'cws-evidence-'));
  // A log of six entries; ours is index 3.
  const leaf = encodeApprovalLeaf(record, salt);
  const other = (i: number): Uint8Array => new TextEncoder().encode(`other ${i}\n`);
  const leaves: Uint8Array[] = [other(0), other(1), other(2), leaf, other(4), other(5)];
  const hashes = leaves.map(leafHash);
  const body = formatCheckpoint({ origin: ORIGIN, size: 6, rootHash: merkleRoot(hashes), extensions: [] });
  const logSigned = signNote(body, [ed25519NoteSigner(parseSignerKey(logKey.signerKey))]);
  const full = `${logSigned}${cosignatureLine(witness, body, 1_767_000_000)}`;
  const token = await opensslToken(dir, logSigned);
  const genTime = verifyToken(new Uint8Array(Buffer.from(token, 'base64')), new TextEncoder().encode(logSigned)).genTime.toISOString();
  pkg = buildEvidencePackage({
    work,
    files,
    entry: { index: 3, kind: 'approval', leaf, salt },
    checkpoint: { note: full, size: 6 },
    proof: inclusionProof(3, 6, nodeSourceFromLeaves(hashes)),
    log: { origin: ORIGIN, verifierKey: formatVerifierKey(parseSignerKey(logKey.signerKey)) },
    witnessKeys: [witnessVkey],
    timestamps: [{ tsaUrl: 'http://tsa.example/', genTime, token }],
    categoryLabel: { zh: '美术作品', en: 'Work of fine art' },
    verifyUrl: 'http://localhost:8080/verify/x',
    now: '2026-03-04T00:00:00.000Z',
  });
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

const clone = (): EvidencePackage => JSON.parse(JSON.stringify(pkg)) as EvidencePackage;
const opts = (): VerifyEvidenceOptions => ({ checkTimestamp });

function codeOf(p: unknown, o: VerifyEvidenceOptions = opts()): EvidenceReason | 'VALID' {
  try {
    verifyEvidence(typeof p === 'string' ? p : JSON.stringify(p), o);
    return 'VALID';
  } catch (e) {
    if (e instanceof EvidenceError) return e.code;
    throw e;
  }
}

/** Every leaf value of a JSON document with its path. */
function leaves(v: unknown, at: (string | number)[] = []): { path: (string | number)[]; value: unknown }[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => leaves(x, [...at, i]));
  if (v !== null && typeof v === 'object') return Object.entries(v).flatMap(([k, x]) => leaves(x, [...at, k]));
  return [{ path: at, value: v }];
}

function setAt(doc: unknown, p: (string | number)[], value: unknown): void {
  let o = doc as Record<string | number, unknown>;
  for (const k of p.slice(0, -1)) o = o[k] as Record<string | number, unknown>;
  o[p.at(-1)!] = value;
}

const BASE64_FIELDS = /^(disclosure\.salt|entry\.leaf|inclusionProof\.hashes\.\d+|timestamps\.\d+\.token)$/;

/** A changed value of the same type (base64 fields: one bit of the decoded bytes flipped). */
function tampered(p: string, value: unknown): unknown {
  if (typeof value === 'number') return value + 1;
  if (typeof value === 'boolean') return !value;
  if (value === null) return 'x';
  const s = value as string;
  if (BASE64_FIELDS.test(p)) {
    const b = Buffer.from(s, 'base64');
    // In a token, flip a byte of the signed TSTInfo (container bytes outside it are not evidence; see the sweep below).
    const at = p.startsWith('timestamps.') ? b.indexOf(Buffer.from(parseToken(b).eContent)) + 20 : Math.floor(b.length / 2);
    b[at]! ^= 0x01;
    return b.toString('base64');
  }
  return `${s}x`;
}

/** The reason each tampered field must be refused with; null: information only, not evidence. */
function expectedFor(p: string): EvidenceReason | null {
  const rules: [RegExp, EvidenceReason | null][] = [
    [/^(generatedAt|verifyUrl|summary\..*|status\..*)$/, null],
    [/^(format|version|entry\.kind)$/, 'MALFORMED'],
    [/^record\.files\.\d+\.sha256$/, 'CONTENT_HASH_MISMATCH'],
    [/^record\./, 'PROOF_MISMATCH'],
    [/^disclosure\./, 'PROOF_MISMATCH'],
    [/^(entry\.(index|leaf)|inclusionProof\..*)$/, 'PROOF_MISMATCH'],
    // Appending to a note breaks its syntax; changed contents are refused as BAD_SIGNATURE (below).
    [/^checkpoint\.note$/, 'MALFORMED'],
    [/^log\.origin$/, 'UNKNOWN_KEY'],
    [/^(log\.verifierKey|witnesses\.\d+\.verifierKey)$/, 'MALFORMED'],
    [/^timestamps\.\d+\.(token|genTime)$/, 'BAD_SIGNATURE'],
    [/^timestamps\.\d+\.tsaUrl$/, null],
  ];
  for (const [re, code] of rules) if (re.test(p)) return code;
  throw new Error(`no expectation for ${p}`);
}

describe('evidence package v1', () => {
  it('verifies: signature, witness cosignature, RFC 3161 token, inclusion proof, commitments and content', () => {
    const v = verifyEvidence(serializeEvidencePackage(pkg), { ...opts(), contentHashes: [{ name: 'a.png', sha256: 'AB'.repeat(32) }] });
    expect(v).toMatchObject({ registrationNumber: work.registration_number, index: 3, treeSize: 6, origin: ORIGIN, disclosed: true });
    expect(v.witnesses).toEqual([{ name: witness.name, timestamp: 1_767_000_000 }]);
    expect(v.timestamps[0]!.checked).toBe(true);
    expect(v.content).toEqual([{ name: 'a.png', sha256: 'ab'.repeat(32), fileId: 'f1' }]);
    expect(pkg.record).toMatchObject({ title: '校园写生', authors: [{ name: '李同学' }], files: [{ filename: '写生.png' }, { filename: 'notes.txt' }] });
    expect(pkg.summary['zh-CN']).toContain('校作登字-2026-F-00000001');
  });

  const paths = () => leaves(pkg).map((l) => ({ ...l, key: l.path.join('.') }));
  it('has a rule for every field of the package', () => {
    expect(paths().length).toBeGreaterThan(40);
    for (const { key } of paths()) expect(() => expectedFor(key)).not.toThrow();
  });

  it('refuses every evidential field tampered one at a time with the right reason code, and ignores only the informational ones', () => {
    const results = paths().map(({ path: p, key, value }) => {
      const doc = clone();
      setAt(doc, p, tampered(key, value));
      return { key, got: codeOf(doc), want: expectedFor(key) ?? 'VALID' };
    });
    expect(results.filter((r) => r.got !== r.want)).toEqual([]);
  });

  it('refuses every required member removed as MALFORMED', () => {
    for (const k of ['format', 'version', 'record', 'entry', 'inclusionProof', 'checkpoint', 'log', 'witnesses', 'timestamps', 'disclosure', 'events']) {
      const doc = clone() as unknown as Record<string, unknown>;
      delete doc[k];
      expect([k, codeOf(doc)]).toEqual([k, 'MALFORMED']);
    }
  });

  it('tells apart the ways a checkpoint can be forged', () => {
    const note = pkg.checkpoint.note;
    const [body, sigs] = note.split('\n\n') as [string, string];
    const [logSig, witnessSig] = sigs.split('\n');
    const flipSig = (line: string) => {
      const [dash, name, b64] = line.split(' ') as [string, string, string];
      const b = Buffer.from(b64, 'base64');
      b[b.length - 1]! ^= 1;
      return `${dash} ${name} ${b.toString('base64')}`;
    };
    const withNote = (n: string) => ({ ...clone(), checkpoint: { note: n } });
    // Another root, same signature.
    expect(codeOf(withNote(note.replace(body.split('\n')[2]!, Buffer.alloc(32, 1).toString('base64'))))).toBe('BAD_SIGNATURE');
    expect(codeOf(withNote(`${body}\n\n${flipSig(logSig!)}\n${witnessSig}\n`))).toBe('BAD_SIGNATURE');
    expect(codeOf(withNote(`${body}\n\n${logSig}\n${flipSig(witnessSig!)}\n`))).toBe('BAD_SIGNATURE');
    // The log's signature removed: only the witness signed it.
    expect(codeOf(withNote(`${body}\n\n${witnessSig}\n`))).toBe('UNKNOWN_KEY');
    // The witness's cosignature removed while the package still names the witness.
    expect(codeOf(withNote(`${body}\n\n${logSig}\n`))).toBe('UNKNOWN_KEY');
    // Re-signed by a forger's key of the same name, and the package's key swapped for it.
    const forger = generateNoteKey(ORIGIN);
    const forged = { ...clone(), checkpoint: { note: signNote(`${body}\n`, [ed25519NoteSigner(parseSignerKey(forger.signerKey))]) }, log: { origin: ORIGIN, verifierKey: formatVerifierKey(parseSignerKey(forger.signerKey)) } };
    forged.witnesses = [];
    forged.timestamps = [];
    expect(codeOf(forged)).toBe('VALID');
    expect(codeOf(forged, { ...opts(), trustedLogKeys: [pkg.log.verifierKey] })).toBe('UNKNOWN_KEY');
    expect(codeOf(pkg, { ...opts(), trustedLogKeys: [pkg.log.verifierKey] })).toBe('VALID');
    // Another key of the log's name in the package: the note carries no signature from it.
    expect(codeOf({ ...clone(), log: { origin: ORIGIN, verifierKey: formatVerifierKey(parseSignerKey(forger.signerKey)) } })).toBe('UNKNOWN_KEY');
    // A witness the checkpoint was never shown to.
    const stranger = cosigner(generateNoteKey('stranger.example').signerKey);
    expect(codeOf({ ...clone(), witnesses: [{ verifierKey: formatCosignerKey(stranger.name, stranger.publicKey) }] })).toBe('UNKNOWN_KEY');
  });

  it('refuses an RFC 3161 token with any byte of its signed TSTInfo or its signature changed', () => {
    const token = Buffer.from(pkg.timestamps[0]!.token, 'base64');
    const parsed = parseToken(token);
    // Where the signed content (imprint, genTime, serial) and the signature sit in the DER.
    const ranges = [parsed.eContent, parsed.signer.signature].map((part) => {
      const at = token.indexOf(Buffer.from(part));
      expect(at).toBeGreaterThan(0);
      return [at, at + part.length] as const;
    });
    const accepted: number[] = [];
    for (const [from, to] of ranges) {
      for (let i = from; i < to; i++) {
        const b = Buffer.from(token);
        b[i]! ^= 0x04;
        const doc = clone();
        doc.timestamps[0]!.token = b.toString('base64');
        const got = codeOf(doc);
        if (got === 'VALID') accepted.push(i);
        else expect(got).toBe('BAD_SIGNATURE');
      }
    }
    expect(accepted).toEqual([]);
  });

  it('pins the TSA with trust anchors (--tsa-ca): the test CA is accepted, another CA is not', async () => {
    const token = new Uint8Array(Buffer.from(pkg.timestamps[0]!.token, 'base64'));
    const data = new TextEncoder().encode(`${pkg.checkpoint.note.split('\n\n')[0]}\n\n${pkg.checkpoint.note.split('\n\n')[1]!.split('\n')[0]}\n`);
    expect(checkTimestampToken(token, data, certificatesFromPem(await readFile(path.join(dir, 'ca.crt'), 'utf8')))).toBe(pkg.timestamps[0]!.genTime);
    const other = await mkdtemp(path.join(tmpdir(), 'cws-other-ca-'));
    try {
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'o.key', '-out', 'o.crt', '-days', '3', '-subj', '/CN=Other CA'], { cwd: other });
      expect(() => checkTimestampToken(token, data, certificatesFromPem(readFileSync(path.join(other, 'o.crt'), 'utf8')))).toThrow(/does not chain/);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });

  it('refuses truncated, non-JSON and future-version files as MALFORMED', () => {
    const text = serializeEvidencePackage(pkg);
    for (const cut of [0, 1, 100, Math.floor(text.length / 2), text.length - 3]) expect(codeOf(text.slice(0, cut))).toBe('MALFORMED');
    expect(codeOf({ ...clone(), version: 3 })).toBe('MALFORMED');
    expect(codeOf('[]')).toBe('MALFORMED');
  });

  it('refuses a content file that is not registered content', () => {
    expect(codeOf(pkg, { ...opts(), contentHashes: [{ name: 'other.png', sha256: 'ef'.repeat(32) }] })).toBe('CONTENT_HASH_MISMATCH');
  });

  it('proves the wrong entry for a moved index, and the wrong tree for a proof cut short', () => {
    expect(codeOf({ ...clone(), entry: { ...pkg.entry, index: 2 } })).toBe('PROOF_MISMATCH');
    const doc = clone();
    doc.inclusionProof.hashes.pop();
    expect(codeOf(doc)).toBe('PROOF_MISMATCH');
  });

  it('after erasure carries no personal data and still verifies its public facts', () => {
    const erased = buildEvidencePackage({
      work, files, entry: { index: 3, kind: 'approval', leaf: Buffer.from(pkg.entry.leaf, 'base64'), salt: null },
      checkpoint: { note: pkg.checkpoint.note, size: 6 }, proof: pkg.inclusionProof.hashes.map((h) => Buffer.from(h, 'base64')),
      log: pkg.log, witnessKeys: [witnessVkey], timestamps: pkg.timestamps, now: pkg.generatedAt,
    });
    const text = serializeEvidencePackage(erased);
    for (const secret of ['校园写生', '李同学', '写生.png']) expect(text).not.toContain(secret);
    expect(codeOf(erased)).toBe('VALID');
    expect(codeOf({ ...erased, record: { ...erased.record, title: '校园写生' } })).toBe('PROOF_MISMATCH');
  });

  // The browser's verifier (WebCrypto only) checks the signature, the proof and the record's public facts.
  const WEB_CHECKED = /^(format|version|record\.(workId|registrationNumber|category|registeredAt)|record\.files\.\d+\.sha256|entry\.(index|leaf)|inclusionProof\..*|checkpoint\.note|log\..*)$/;
  it('browser verifier (WebCrypto) accepts the package and refuses what it checks with the same codes as cws verify', async () => {
    expect(await verifyEvidenceWeb(serializeEvidencePackage(pkg), ['AB'.repeat(32)])).toMatchObject({ ok: true, registrationNumber: work.registration_number, index: 3, treeSize: 6 });
    expect(await verifyEvidenceWeb(serializeEvidencePackage(pkg), ['ef'.repeat(32)])).toMatchObject({ ok: false, code: 'CONTENT_HASH_MISMATCH' });
    const mismatches: unknown[] = [];
    for (const { path: p, key, value } of paths()) {
      if (!WEB_CHECKED.test(key)) continue;
      const doc = clone();
      setAt(doc, p, tampered(key, value));
      const got = await verifyEvidenceWeb(JSON.stringify(doc));
      const want = expectedFor(key);
      if (got.ok || got.code !== want) mismatches.push({ key, got, want });
    }
    expect(mismatches).toEqual([]);
    const note = pkg.checkpoint.note;
    const other = note.replace(note.split('\n')[2]!, Buffer.alloc(32, 1).toString('base64'));
    expect(await verifyEvidenceWeb(JSON.stringify({ ...clone(), checkpoint: { note: other } }))).toMatchObject({ ok: false, code: 'BAD_SIGNATURE' });
    expect(await verifyEvidenceWeb(serializeEvidencePackage(pkg).slice(0, 300))).toMatchObject({ ok: false, code: 'MALFORMED' });
    const doc = clone();
    doc.inclusionProof.hashes.pop();
    expect(await verifyEvidenceWeb(JSON.stringify(doc))).toMatchObject({ ok: false, code: 'PROOF_MISMATCH' });
  });

  it('browser verifier reads log keys whose base64 contains "+" (found by the browser test)', async () => {
    for (let i = 0; i < 40; i++) {
      const k = generateNoteKey(ORIGIN);
      const vkey = formatVerifierKey(parseSignerKey(k.signerKey));
      const body = pkg.checkpoint.note.split('\n\n')[0]! + '\n';
      const doc = { ...clone(), witnesses: [], timestamps: [], log: { origin: ORIGIN, verifierKey: vkey }, checkpoint: { note: signNote(body, [ed25519NoteSigner(parseSignerKey(k.signerKey))]) } };
      expect([vkey, await verifyEvidenceWeb(JSON.stringify(doc))]).toMatchObject([vkey, { ok: true }]);
      expect(codeOf(doc)).toBe('VALID');
    }
  });
});
