/**
 * Offline verification of an evidence package (docs/evidence-package.md). Pure: the
 * package, the optional content files' hashes and the optional trusted keys come in,
 * a verdict with a stable reason code comes out. Uses only src/ledger and SHA-256; no
 * network, no database, no clock.
 *
 * Order matters: cryptography is checked on the raw bytes first (signature, then proof),
 * and only then is the proven leaf read and compared with the human-readable record.
 */
import { createHash } from 'node:crypto';
import {
  ed25519NoteVerifier,
  isLedgerError,
  leafHash,
  openCheckpoint,
  parseNote,
  parseVerifierKey,
  verifyCosignatures,
  verifyInclusion,
  formatNote,
  type Checkpoint,
} from '../ledger/index.js';
import { DISCLOSED_WORK_COLUMNS, EVIDENCE_FORMAT, EVIDENCE_VERSION, EVIDENCE_VERSIONS, JSON_WORK_COLUMNS, RECORD_FIELD_OF, stateOfEvents, type EvidencePackage } from './evidence.js';

export const EVIDENCE_REASONS = ['BAD_SIGNATURE', 'PROOF_MISMATCH', 'CONTENT_HASH_MISMATCH', 'UNKNOWN_KEY', 'MALFORMED'] as const;
export type EvidenceReason = (typeof EVIDENCE_REASONS)[number];

export class EvidenceError extends Error {
  constructor(
    readonly code: EvidenceReason,
    message: string,
  ) {
    super(message);
    this.name = 'EvidenceError';
  }
}

const fail = (code: EvidenceReason, message: string): never => {
  throw new EvidenceError(code, message);
};

export interface VerifyEvidenceOptions {
  /** SHA-256 (lowercase hex) of files to match against the registered content. */
  contentHashes?: readonly { name: string; sha256: string }[];
  /** Log verifier keys trusted out of band; when given, the package's key must be one of them. */
  trustedLogKeys?: readonly string[];
  /**
   * Checks an RFC 3161 token over the log-signed checkpoint note and returns its genTime
   * (ISO 8601); throws when it does not hold. Without it, tokens are carried but not checked.
   */
  checkTimestamp?: (token: Uint8Array, signedNote: Uint8Array) => string;
}

export interface EvidenceVerdict {
  registrationNumber: string;
  workId: string;
  origin: string;
  index: number;
  treeSize: number;
  rootHash: string;
  witnesses: { name: string; timestamp: number }[];
  timestamps: { tsaUrl: string; genTime: string; checked: boolean }[];
  /** Which of the given content files matched which registered file. */
  content: { name: string; sha256: string; fileId: string }[];
  disclosed: boolean;
  /** Derived from the proven events, never from the package's `status` member. */
  state: 'valid' | 'corrected' | 'revoked';
  /** Corrections and revocations proven in the same checkpoint, in log order. */
  events: VerifiedEvent[];
}

export interface VerifiedEvent {
  index: number;
  kind: 'correction' | 'revocation';
  createdAt: string;
  columns: string[];
  /** Null when the event's personal data was erased (nothing disclosed). */
  reason: string | null;
  /** Corrected values by record field (JSON columns parsed); {} when erased or a revocation. */
  corrected: Record<string, unknown>;
}

// ---------------------------------------------------------------------------- shape

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : fail('MALFORMED', `${what} must be a string`));
const nat = (v: unknown, what: string): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail('MALFORMED', `${what} must be a non-negative integer`));
const obj = (v: unknown, what: string): Json => (isObj(v) ? v : fail('MALFORMED', `${what} must be an object`));
const arr = (v: unknown, what: string): unknown[] => (Array.isArray(v) ? v : fail('MALFORMED', `${what} must be an array`));

const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function b64(v: unknown, what: string, length?: number): Uint8Array {
  const s = str(v, what);
  if (!B64.test(s)) fail('MALFORMED', `${what} is not base64`);
  const bytes = new Uint8Array(Buffer.from(s, 'base64'));
  if (Buffer.from(bytes).toString('base64') !== s) fail('MALFORMED', `${what} is not canonical base64`);
  if (length !== undefined && bytes.length !== length) fail('MALFORMED', `${what} must be ${length} bytes`);
  return bytes;
}

/** Parses the JSON text and checks every field's type; the values are checked later. */
export function parseEvidencePackage(text: string): EvidencePackage {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('MALFORMED', 'the file is not JSON (truncated or not an evidence package)');
  }
  const p = obj(raw, 'the package');
  if (p.format !== EVIDENCE_FORMAT) fail('MALFORMED', `not an evidence package (format must be "${EVIDENCE_FORMAT}")`);
  if (typeof p.version !== 'number' || !EVIDENCE_VERSIONS.includes(p.version)) fail('MALFORMED', `unsupported evidence package version ${JSON.stringify(p.version)} (this verifier reads versions ${EVIDENCE_VERSIONS.join(', ')})`);
  // Version 1 had no events; from version 2 on the list is required (empty when there are none).
  if (p.version === 1 && p.events !== undefined) fail('MALFORMED', 'a version 1 package has no events member');
  if (p.version !== 1) {
    arr(p.events, 'events').forEach((e, i) => {
      const ev = obj(e, `events[${i}]`);
      nat(ev.index, `events[${i}].index`);
      str(ev.kind, `events[${i}].kind`);
      b64(ev.leaf, `events[${i}].leaf`);
      arr(obj(ev.inclusionProof, `events[${i}].inclusionProof`).hashes, `events[${i}].inclusionProof.hashes`).forEach((h, j) => b64(h, `events[${i}].inclusionProof.hashes[${j}]`, 32));
      if (ev.disclosure !== null) {
        const d = obj(ev.disclosure, `events[${i}].disclosure`);
        b64(d.salt, `events[${i}].disclosure.salt`, 32);
        for (const [k, v] of Object.entries(obj(d.fields, `events[${i}].disclosure.fields`))) str(v, `events[${i}].disclosure.fields["${k}"]`);
      }
    });
  }
  const record = obj(p.record, 'record');
  for (const k of ['workId', 'registrationNumber', 'category', 'registeredAt']) str(record[k], `record.${k}`);
  arr(record.files, 'record.files').forEach((f, i) => {
    const file = obj(f, `record.files[${i}]`);
    for (const k of ['id', 'sha256', 'mediaType', 'kind']) str(file[k], `record.files[${i}].${k}`);
    nat(file.position, `record.files[${i}].position`);
    nat(file.size, `record.files[${i}].size`);
    if (file.filename !== null) str(file.filename, `record.files[${i}].filename`);
  });
  if (p.disclosure !== null) {
    const d = obj(p.disclosure, 'disclosure');
    b64(d.salt, 'disclosure.salt', 32);
    const fields = obj(d.fields, 'disclosure.fields');
    for (const c of DISCLOSED_WORK_COLUMNS) str(fields[`works.${c}`], `disclosure.fields["works.${c}"]`);
    arr(d.filenames, 'disclosure.filenames').forEach((n, i) => str(n, `disclosure.filenames[${i}]`));
  }
  const entry = obj(p.entry, 'entry');
  nat(entry.index, 'entry.index');
  str(entry.kind, 'entry.kind');
  b64(entry.leaf, 'entry.leaf');
  const proof = obj(p.inclusionProof, 'inclusionProof');
  nat(proof.treeSize, 'inclusionProof.treeSize');
  arr(proof.hashes, 'inclusionProof.hashes').forEach((h, i) => b64(h, `inclusionProof.hashes[${i}]`, 32));
  str(obj(p.checkpoint, 'checkpoint').note, 'checkpoint.note');
  const log = obj(p.log, 'log');
  str(log.origin, 'log.origin');
  str(log.verifierKey, 'log.verifierKey');
  arr(p.witnesses, 'witnesses').forEach((w, i) => str(obj(w, `witnesses[${i}]`).verifierKey, `witnesses[${i}].verifierKey`));
  arr(p.timestamps, 'timestamps').forEach((t, i) => {
    const ts = obj(t, `timestamps[${i}]`);
    str(ts.tsaUrl, `timestamps[${i}].tsaUrl`);
    str(ts.genTime, `timestamps[${i}].genTime`);
    b64(ts.token, `timestamps[${i}].token`);
  });
  return p as unknown as EvidencePackage;
}

// ---------------------------------------------------------------------------- leaf

const LEAF_MAGIC = 'cws-registry-entry/v1';
const HEADER_KEYS = [
  'work_events.id', 'work_events.created_at', 'work_events.from_status',
  'works.id', 'works.registration_number', 'works.registered_at', 'works.category', 'works.created_at', 'works.submitted_at', 'works.reviewed_at',
  ...['title', 'description', 'authors', 'authors_text', 'owners', 'completed_on', 'publication', 'ai_disclosure', 'owner_id', 'reviewer_id', 'review_reason'].map((c) => `commit:works.${c}`),
  ...['actor_id', 'reason', 'data'].map((c) => `commit:work_events.${c}`),
];
const FILE_KEYS = ['work_files.id', 'work_files.position', 'work_files.sha256', 'work_files.size', 'work_files.media_type', 'work_files.kind', 'commit:work_files.filename'];

interface ApprovalLeafView {
  saltHash: string;
  header: Map<string, string>;
  files: Map<string, string>[];
}

/** Reads a proven approval leaf (docs/leaf-format.md). The bytes are already proven; a leaf we cannot read is MALFORMED. */
function readApprovalLeaf(bytes: Uint8Array): ApprovalLeafView {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('MALFORMED', 'the leaf is not UTF-8');
  }
  if (!text.endsWith('\n')) fail('MALFORMED', 'the leaf does not end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines[0] !== LEAF_MAGIC) fail('MALFORMED', `unknown leaf version ${JSON.stringify(lines[0])}`);
  const pairs = lines.slice(1).map((l) => {
    const sp = l.indexOf(' ');
    return sp < 0 ? fail('MALFORMED', 'leaf line without a value') : ([l.slice(0, sp), l.slice(sp + 1)] as const);
  });
  if (pairs[0]?.[0] !== 'kind' || pairs[0][1] !== 'approval') fail('MALFORMED', `this verifier reads approval entries; the leaf is ${JSON.stringify(pairs[0]?.[1])}`);
  if (pairs[1]?.[0] !== 'salt-hash') fail('MALFORMED', 'the leaf has no salt-hash line');
  // `record-commitment` (one commitment over all committed values, for the audit) may follow; the per-field commitments are what a package discloses against.
  const body = pairs.slice(pairs[2]?.[0] === 'record-commitment' ? 3 : 2);
  if (body.length < HEADER_KEYS.length || (body.length - HEADER_KEYS.length) % FILE_KEYS.length !== 0) fail('MALFORMED', 'the leaf is not an approval leaf of version 1');
  HEADER_KEYS.forEach((k, i) => body[i]![0] !== k && fail('MALFORMED', `the leaf has ${body[i]![0]} where ${k} belongs`));
  const files: Map<string, string>[] = [];
  for (let i = HEADER_KEYS.length; i < body.length; i += FILE_KEYS.length) {
    const group = body.slice(i, i + FILE_KEYS.length);
    FILE_KEYS.forEach((k, j) => group[j]![0] !== k && fail('MALFORMED', `the leaf has ${group[j]![0]} where ${k} belongs`));
    files.push(new Map(group));
  }
  return { saltHash: pairs[1]![1], header: new Map(body.slice(0, HEADER_KEYS.length)), files };
}

// ---------------------------------------------------------------------------- commitments

const sha256 = (...parts: Uint8Array[]): Buffer => {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest();
};
const utf8 = (s: string): Uint8Array => new TextEncoder().encode(s);
const commitment = (salt: Uint8Array, key: string, value: string): string =>
  sha256(utf8('cws-commit/v1\n'), salt, utf8(`${key}\n`), Uint8Array.of(1), utf8(value)).toString('base64');
const saltHash = (salt: Uint8Array): string => sha256(utf8('cws-salt/v1\n'), salt).toString('base64');

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObj(a) && isObj(b)) {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return deepEqual(ka, kb) && ka.every((k) => deepEqual(a[k], b[k]));
  }
  return false;
}

// ---------------------------------------------------------------------------- verify

function ledgerCode(e: unknown): EvidenceReason {
  if (!isLedgerError(e)) return 'MALFORMED';
  switch (e.code) {
    case 'BAD_SIGNATURE':
      return 'BAD_SIGNATURE';
    case 'UNKNOWN_KEY':
    case 'ORIGIN_MISMATCH':
      return 'UNKNOWN_KEY';
    case 'PROOF_MISMATCH':
    case 'BAD_PROOF_LENGTH':
    case 'BAD_INDEX':
    case 'BAD_SIZE':
      return 'PROOF_MISMATCH';
    default:
      return 'MALFORMED';
  }
}

function guard<T>(fn: () => T, message: string): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof EvidenceError) throw e;
    return fail(ledgerCode(e), `${message}: ${(e as Error).message}`);
  }
}

/** The note as the log signed it (without witness cosignatures): what RFC 3161 tokens cover. */
function logSignedNote(note: string, origin: string): string {
  const parsed = parseNote(note);
  return formatNote(parsed.text, parsed.signatures.filter((s) => s.name === origin));
}

/** Verifies a package; throws EvidenceError with a stable code, or returns what was proven. */
export function verifyEvidence(input: string | EvidencePackage, options: VerifyEvidenceOptions = {}): EvidenceVerdict {
  const pkg = typeof input === 'string' ? parseEvidencePackage(input) : parseEvidencePackage(JSON.stringify(input));

  // 1. The log's key and the signed checkpoint.
  const vkey = pkg.log.verifierKey;
  const key = guard(() => parseVerifierKey(vkey), 'the log verifier key is malformed');
  if (options.trustedLogKeys && !options.trustedLogKeys.includes(vkey)) fail('UNKNOWN_KEY', `the package is signed by ${key.name}, a key that is not among the trusted log keys`);
  if (key.name !== pkg.log.origin) fail('UNKNOWN_KEY', `the verifier key is for ${key.name}, not for the log ${pkg.log.origin}`);
  const opened = guard(() => openCheckpoint(pkg.checkpoint.note, pkg.log.origin, [ed25519NoteVerifier(vkey)]), 'the checkpoint does not verify with the log key');
  const cp: Checkpoint = opened.checkpoint;

  // 2. Witness cosignatures named by the package must all verify.
  const witnesses = pkg.witnesses.map((w, i) => {
    const found = guard(() => verifyCosignatures(pkg.checkpoint.note, [w.verifierKey]), `witness ${i + 1} cosignature`);
    return found.length > 0 ? { name: found[0]!.name, timestamp: found[0]!.timestamp } : fail('UNKNOWN_KEY', `witness ${i + 1} has not cosigned the checkpoint`);
  });

  // 3. RFC 3161 tokens over the log-signed note.
  const signedNote = utf8(logSignedNote(pkg.checkpoint.note, pkg.log.origin));
  const timestamps = pkg.timestamps.map((t, i) => {
    if (!options.checkTimestamp) return { tsaUrl: t.tsaUrl, genTime: t.genTime, checked: false };
    let genTime: string;
    try {
      genTime = options.checkTimestamp(b64(t.token, `timestamps[${i}].token`), signedNote);
    } catch (e) {
      return fail('BAD_SIGNATURE', `timestamp ${i + 1} does not cover this checkpoint: ${(e as Error).message}`);
    }
    if (genTime !== t.genTime) fail('BAD_SIGNATURE', `timestamp ${i + 1} says ${genTime}, the package says ${t.genTime}`);
    return { tsaUrl: t.tsaUrl, genTime, checked: true };
  });

  // 4. The entry is in the tree the checkpoint commits to.
  const leaf = b64(pkg.entry.leaf, 'entry.leaf');
  if (pkg.inclusionProof.treeSize !== cp.size) fail('PROOF_MISMATCH', `the proof is for a tree of ${pkg.inclusionProof.treeSize} entries, the checkpoint has ${cp.size}`);
  const proof = pkg.inclusionProof.hashes.map((h, i) => b64(h, `inclusionProof.hashes[${i}]`, 32));
  guard(() => verifyInclusion(pkg.entry.index, cp.size, leafHash(leaf), proof, cp.rootHash), `entry ${pkg.entry.index} is not proven in the checkpoint`);

  // 5. The proven leaf says what the record says.
  if (pkg.entry.kind !== 'approval') fail('MALFORMED', `entry kind ${pkg.entry.kind} is not one this verifier reads`);
  const lv = readApprovalLeaf(leaf);
  const r = pkg.record;
  const mismatch = (what: string, shown: unknown, logged: unknown) => fail('PROOF_MISMATCH', `the record's ${what} is ${JSON.stringify(shown)} but the logged entry says ${JSON.stringify(logged)}`);
  const same = (what: string, shown: string, key: string) => {
    const logged = lv.header.get(key);
    if (shown !== logged) mismatch(what, shown, logged);
  };
  same('work id', r.workId, 'works.id');
  same('registration number', r.registrationNumber, 'works.registration_number');
  same('registration time', r.registeredAt, 'works.registered_at');
  same('category', r.category, 'works.category');
  if (r.files.length !== lv.files.length) mismatch('number of files', r.files.length, lv.files.length);
  r.files.forEach((f, i) => {
    const lf = lv.files[i]!;
    if (f.sha256 !== lf.get('work_files.sha256')) fail('CONTENT_HASH_MISMATCH', `file ${i + 1}'s SHA-256 in the record is ${f.sha256}, the logged entry says ${lf.get('work_files.sha256')}`);
    if (f.id !== lf.get('work_files.id')) mismatch(`file ${i + 1} id`, f.id, lf.get('work_files.id'));
    if (String(f.position) !== lf.get('work_files.position')) mismatch(`file ${i + 1} position`, f.position, lf.get('work_files.position'));
    if (String(f.size) !== lf.get('work_files.size')) mismatch(`file ${i + 1} size`, f.size, lf.get('work_files.size'));
    if (f.mediaType !== lf.get('work_files.media_type')) mismatch(`file ${i + 1} media type`, f.mediaType, lf.get('work_files.media_type'));
    if (f.kind !== lf.get('work_files.kind')) mismatch(`file ${i + 1} kind`, f.kind, lf.get('work_files.kind'));
  });

  // 6. Disclosed personal fields match their commitments, and the record shows them.
  const rec = r as unknown as Record<string, unknown>;
  if (pkg.disclosure) {
    const salt = b64(pkg.disclosure.salt, 'disclosure.salt', 32);
    if (saltHash(salt) !== lv.saltHash) fail('PROOF_MISMATCH', 'the disclosed salt is not the one the logged entry commits to');
    for (const col of DISCLOSED_WORK_COLUMNS) {
      const key = `works.${col}`;
      const raw = pkg.disclosure.fields[key]!;
      if (commitment(salt, key, raw) !== lv.header.get(`commit:${key}`)) fail('PROOF_MISMATCH', `the disclosed ${key} does not match its commitment in the logged entry`);
      let shown: unknown = raw;
      if (JSON_WORK_COLUMNS.includes(col)) {
        try {
          shown = JSON.parse(raw);
        } catch {
          fail('MALFORMED', `the disclosed ${key} is not JSON`);
        }
      }
      const field = RECORD_FIELD_OF[col];
      if (!deepEqual(rec[field], shown)) mismatch(field, rec[field], shown);
    }
    if (pkg.disclosure.filenames.length !== lv.files.length) mismatch('number of file names', pkg.disclosure.filenames.length, lv.files.length);
    pkg.disclosure.filenames.forEach((name, i) => {
      if (commitment(salt, 'work_files.filename', name) !== lv.files[i]!.get('commit:work_files.filename')) fail('PROOF_MISMATCH', `the disclosed name of file ${i + 1} does not match its commitment in the logged entry`);
      if (r.files[i]!.filename !== name) mismatch(`file ${i + 1} name`, r.files[i]!.filename, name);
    });
  } else {
    // Erased: nothing personal may be shown, since nothing can be checked.
    for (const col of DISCLOSED_WORK_COLUMNS) if (rec[RECORD_FIELD_OF[col]] !== undefined) fail('PROOF_MISMATCH', `the record shows ${RECORD_FIELD_OF[col]} but discloses nothing to check it against`);
    r.files.forEach((f, i) => f.filename !== null && fail('PROOF_MISMATCH', `the record shows file ${i + 1}'s name but discloses nothing to check it against`));
  }
  const known = new Set(['workId', 'registrationNumber', 'category', 'registeredAt', 'files', ...Object.values(RECORD_FIELD_OF)]);
  for (const k of Object.keys(rec)) if (!known.has(k)) fail('MALFORMED', `record.${k} is not a field of version ${EVIDENCE_VERSION}`);

  // 7. The content files given by the checker are registered content.
  const content = (options.contentHashes ?? []).map((c) => {
    const hit = r.files.find((f) => f.sha256 === c.sha256.toLowerCase());
    return hit ? { name: c.name, sha256: hit.sha256, fileId: hit.id } : fail('CONTENT_HASH_MISMATCH', `${c.name} (SHA-256 ${c.sha256}) is not a file of this registration`);
  });

  // 8. Later events: each proven in the same checkpoint, about this registration, in log order.
  const events = verifyEvents(pkg, cp);

  return {
    state: stateOfEvents(events.map((e) => e.kind)),
    events,
    registrationNumber: r.registrationNumber,
    workId: r.workId,
    origin: cp.origin,
    index: pkg.entry.index,
    treeSize: cp.size,
    rootHash: Buffer.from(cp.rootHash).toString('base64'),
    witnesses,
    timestamps,
    content,
    disclosed: pkg.disclosure !== null,
  };
}

// ---------------------------------------------------------------------------- events

const EVENT_HEAD = ['registry_events.id', 'registry_events.created_at', 'works.id', 'works.registration_number'];
const COLUMN_FIELD: Readonly<Record<string, string>> = RECORD_FIELD_OF;

/** Reads a proven correction or revocation leaf (docs/leaf-format.md); anything else is MALFORMED. */
function readEventLeaf(bytes: Uint8Array, what: string) {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail('MALFORMED', `${what}'s leaf is not UTF-8`);
  }
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : fail('MALFORMED', `${what}'s leaf does not end with a newline`);
  if (lines[0] !== LEAF_MAGIC) fail('MALFORMED', `${what}'s leaf has an unknown version`);
  const pairs = lines.slice(1).map((l) => {
    const sp = l.indexOf(' ');
    return sp < 0 ? fail('MALFORMED', `${what}'s leaf has a line without a value`) : ([l.slice(0, sp), l.slice(sp + 1)] as const);
  });
  const kind = pairs[0]?.[0] === 'kind' ? pairs[0][1] : '';
  if (kind !== 'correction' && kind !== 'revocation') fail('MALFORMED', `${what} is a ${JSON.stringify(kind)} entry; events are corrections or revocations`);
  if (pairs[1]?.[0] !== 'salt-hash' || pairs[2]?.[0] !== 'record-commitment') fail('MALFORMED', `${what}'s leaf lacks its salt-hash or record-commitment line`);
  const body = pairs.slice(3);
  const values = new Map(body);
  const columns = kind === 'correction' ? (values.get('registry_events.columns') ?? '').split(' ') : [];
  const want = [...EVENT_HEAD, ...(kind === 'correction' ? ['registry_events.columns', ...columns.map((c) => `commit:works.${c}`)] : []), 'commit:registry_events.reason', 'commit:registry_events.actor_id'];
  if (body.length !== want.length || want.some((k, i) => body[i]![0] !== k)) fail('MALFORMED', `${what}'s leaf is not a ${kind} leaf of version 1`);
  if (columns.some((c) => !(DISCLOSED_WORK_COLUMNS as readonly string[]).includes(c))) fail('MALFORMED', `${what} corrects a column this verifier does not know`);
  return { kind: kind as 'correction' | 'revocation', saltHash: pairs[1]![1], values, columns };
}

function verifyEvents(pkg: EvidencePackage, cp: Checkpoint): VerifiedEvent[] {
  const out: VerifiedEvent[] = [];
  let after = pkg.entry.index;
  (pkg.events ?? []).forEach((e, i) => {
    const what = `event ${i + 1}`;
    const leaf = b64(e.leaf, `events[${i}].leaf`);
    const proof = e.inclusionProof.hashes.map((h, j) => b64(h, `events[${i}].inclusionProof.hashes[${j}]`, 32));
    guard(() => verifyInclusion(e.index, cp.size, leafHash(leaf), proof, cp.rootHash), `${what} (entry ${e.index}) is not proven in the checkpoint`);
    const lv = readEventLeaf(leaf, what);
    if (e.kind !== lv.kind) fail('MALFORMED', `${what} is listed as ${JSON.stringify(e.kind)} but its proven leaf is a ${lv.kind}`);
    if (e.index <= after) fail('PROOF_MISMATCH', `${what} (entry ${e.index}) must come after entry ${after} in the log`);
    after = e.index;
    if (lv.values.get('works.id') !== pkg.record.workId || lv.values.get('works.registration_number') !== pkg.record.registrationNumber) {
      fail('PROOF_MISMATCH', `${what} is about ${lv.values.get('works.registration_number')}, not this registration`);
    }
    if (out.some((x) => x.kind === 'revocation')) fail('PROOF_MISMATCH', `${what} follows a revocation; nothing can follow one`);
    const verified: VerifiedEvent = { index: e.index, kind: lv.kind, createdAt: lv.values.get('registry_events.created_at')!, columns: lv.columns.filter(Boolean), reason: null, corrected: {} };
    if (e.disclosure) {
      const salt = b64(e.disclosure.salt, `events[${i}].disclosure.salt`, 32);
      if (saltHash(salt) !== lv.saltHash) fail('PROOF_MISMATCH', `${what}'s disclosed salt is not the one its entry commits to`);
      const keys = [...verified.columns.map((c) => `works.${c}`), 'registry_events.reason'];
      const given = Object.keys(e.disclosure.fields);
      if (given.length !== keys.length || !keys.every((k) => given.includes(k))) fail('PROOF_MISMATCH', `${what} must disclose exactly ${keys.join(', ')}`);
      for (const k of keys) {
        const raw = e.disclosure.fields[k]!;
        if (commitment(salt, k, raw) !== lv.values.get(`commit:${k}`)) fail('PROOF_MISMATCH', `${what}'s disclosed ${k} does not match its commitment in the logged entry`);
        if (k === 'registry_events.reason') verified.reason = raw;
        else {
          const col = k.slice('works.'.length);
          let shown: unknown = raw;
          if ((JSON_WORK_COLUMNS as readonly string[]).includes(col)) {
            try {
              shown = JSON.parse(raw);
            } catch {
              fail('MALFORMED', `${what}'s disclosed ${k} is not JSON`);
            }
          }
          verified.corrected[COLUMN_FIELD[col] ?? col] = shown;
        }
      }
    }
    out.push(verified);
  });
  return out;
}
