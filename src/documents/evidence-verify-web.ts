/**
 * The evidence check for browsers (the /verify page and verifier.html): no Node APIs, only
 * WebCrypto (SHA-256, Ed25519), so the same file runs in Chromium, Firefox, Safari and
 * Node 20. It checks what proves a registration: the checkpoint's signature by the log
 * key, the inclusion proof of the leaf (RFC 9162 §2.1.3.2), and that the proven leaf
 * states the record's number, time, category and file hashes. Witness cosignatures,
 * RFC 3161 tokens and the disclosed personal fields are checked by `cws verify`
 * (src/documents/evidence-verify.ts), which gives the same reason codes.
 */

export type WebEvidenceReason = 'BAD_SIGNATURE' | 'PROOF_MISMATCH' | 'CONTENT_HASH_MISMATCH' | 'UNKNOWN_KEY' | 'MALFORMED';
export type WebVerdict =
  | {
      ok: true;
      registrationNumber: string;
      origin: string;
      index: number;
      treeSize: number;
      files: { sha256: string; filename: string | null }[];
      /** From the proven events (version 2): valid, corrected or revoked. */
      state: 'valid' | 'corrected' | 'revoked';
      /** Each correction or revocation, proven in the same checkpoint. */
      events: { index: number; kind: 'correction' | 'revocation'; createdAt: string }[];
    }
  | { ok: false; code: WebEvidenceReason; message: string };

class Refusal extends Error {
  constructor(
    readonly code: WebEvidenceReason,
    message: string,
  ) {
    super(message);
  }
}
const fail = (code: WebEvidenceReason, message: string): never => {
  throw new Refusal(code, message);
};

const enc = new TextEncoder();
const B64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
function fromB64(s: unknown, what: string): Uint8Array {
  if (typeof s !== 'string' || !B64.test(s)) return fail('MALFORMED', `${what} is not base64`);
  const bin = atob(s);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}
const toHex = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
const concat = (...parts: Uint8Array[]): Uint8Array => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};
const sha256 = async (...parts: Uint8Array[]): Promise<Uint8Array> => new Uint8Array(await crypto.subtle.digest('SHA-256', concat(...parts) as Uint8Array<ArrayBuffer>));
const equal = (a: Uint8Array, b: Uint8Array): boolean => a.length === b.length && a.every((x, i) => x === b[i]);

/** RFC 9162 §2.1.3.2 inclusion proof verification. */
async function rootFromProof(index: number, size: number, leaf: Uint8Array, proof: Uint8Array[]): Promise<Uint8Array> {
  if (!(index < size)) fail('PROOF_MISMATCH', `entry ${index} is beyond the tree of ${size}`);
  let fn = index;
  let sn = size - 1;
  let r = await sha256(Uint8Array.of(0), leaf);
  for (const p of proof) {
    if (sn === 0) fail('PROOF_MISMATCH', 'the inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = await sha256(Uint8Array.of(1), p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else r = await sha256(Uint8Array.of(1), r, p);
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) fail('PROOF_MISMATCH', 'the inclusion proof is too short');
  return r;
}

type Json = Record<string, unknown>;
const obj = (v: unknown, what: string): Json => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Json) : fail('MALFORMED', `${what} must be an object`));
const str = (v: unknown, what: string): string => (typeof v === 'string' ? v : fail('MALFORMED', `${what} must be a string`));
const nat = (v: unknown, what: string): number => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : fail('MALFORMED', `${what} must be a non-negative integer`));

async function check(text: string, contentHashes: readonly string[]): Promise<WebVerdict> {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return fail('MALFORMED', 'the file is not JSON (truncated or not an evidence package)');
  }
  const p = obj(raw, 'the package');
  if (p.format !== 'cws-evidence-package' || (p.version !== 1 && p.version !== 2)) fail('MALFORMED', 'not an evidence package of version 1 or 2');
  if (p.version === 1 && p.events !== undefined) fail('MALFORMED', 'a version 1 package has no events member');
  const log = obj(p.log, 'log');
  const origin = str(log.origin, 'log.origin');
  const vkey = str(log.verifierKey, 'log.verifierKey');

  // The log's key: name+hash(base64(0x01 ‖ 32-byte Ed25519 key)), C2SP signed-note.
  // The base64 key may itself contain '+': split at the first two only.
  const [, name, idHex, keyB64] = /^([^+\s]+)\+([0-9a-f]{8})\+(\S+)$/.exec(vkey) ?? fail('MALFORMED', 'the log verifier key is malformed');
  if (!name || !idHex || !keyB64) return fail('MALFORMED', 'the log verifier key is malformed');
  const keyBytes = fromB64(keyB64, 'the log verifier key');
  if (keyBytes.length !== 33 || keyBytes[0] !== 1) fail('MALFORMED', 'the log verifier key is not an Ed25519 key');
  const keyId = (await sha256(enc.encode(`${name}\n`), keyBytes)).slice(0, 4);
  if (toHex(keyId) !== idHex) fail('MALFORMED', 'the log verifier key has a wrong key ID');
  if (name !== origin) fail('UNKNOWN_KEY', `the verifier key is for ${name}, not for the log ${origin}`);

  // The signed checkpoint.
  const note = str(obj(p.checkpoint, 'checkpoint').note, 'checkpoint.note');
  const split = note.lastIndexOf('\n\n');
  if (split < 0 || !note.endsWith('\n')) fail('MALFORMED', 'the checkpoint is not a signed note');
  const body = note.slice(0, split + 1);
  const sigs = note.slice(split + 2, -1).split('\n').map((line) => {
    const m = /^\u2014 (\S+) (\S+)$/.exec(line) ?? fail('MALFORMED', 'a signature line of the checkpoint is malformed');
    return { name: m[1]!, bytes: fromB64(m[2], 'a checkpoint signature') };
  });
  const ours = sigs.filter((s) => s.name === name && s.bytes.length >= 4 && equal(s.bytes.slice(0, 4), keyId));
  if (ours.length === 0) fail('UNKNOWN_KEY', 'the checkpoint carries no signature by the log key');
  const key = await crypto.subtle.importKey('raw', keyBytes.slice(1), { name: 'Ed25519' }, false, ['verify']);
  for (const s of ours) {
    const ok = s.bytes.length === 68 && (await crypto.subtle.verify({ name: 'Ed25519' }, key, s.bytes.slice(4), enc.encode(body)));
    if (!ok) fail('BAD_SIGNATURE', 'the log signature on the checkpoint does not verify');
  }
  const [cpOrigin, sizeLine, rootLine] = body.slice(0, -1).split('\n');
  if (cpOrigin !== origin) fail('UNKNOWN_KEY', `the checkpoint is for ${cpOrigin}, not ${origin}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine ?? '')) fail('MALFORMED', 'the checkpoint size is malformed');
  const size = Number(sizeLine);
  const root = fromB64(rootLine, 'the checkpoint root');

  // The entry is in the tree.
  const entry = obj(p.entry, 'entry');
  const index = nat(entry.index, 'entry.index');
  const leaf = fromB64(entry.leaf, 'entry.leaf');
  const proof = obj(p.inclusionProof, 'inclusionProof');
  if (nat(proof.treeSize, 'inclusionProof.treeSize') !== size) fail('PROOF_MISMATCH', `the proof is for a tree of ${String(proof.treeSize)} entries, the checkpoint has ${size}`);
  const hashes = (Array.isArray(proof.hashes) ? proof.hashes : fail('MALFORMED', 'inclusionProof.hashes must be an array')).map((h, i) => {
    const b = fromB64(h, `inclusionProof.hashes[${i}]`);
    return b.length === 32 ? b : fail('MALFORMED', 'a proof hash is not 32 bytes');
  });
  if (!equal(await rootFromProof(index, size, leaf, hashes), root)) fail('PROOF_MISMATCH', `entry ${index} is not proven in the checkpoint`);

  // The proven leaf states the record's public facts.
  let leafText: string;
  try {
    leafText = new TextDecoder('utf-8', { fatal: true }).decode(leaf);
  } catch {
    return fail('MALFORMED', 'the leaf is not UTF-8');
  }
  const lines = leafText.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const);
  const value = (k: string) => lines.find(([key]) => key === k)?.[1];
  const all = (k: string) => lines.filter(([key]) => key === k).map(([, v]) => v);
  const record = obj(p.record, 'record');
  for (const [field, key] of [['registrationNumber', 'works.registration_number'], ['registeredAt', 'works.registered_at'], ['category', 'works.category'], ['workId', 'works.id']] as const) {
    if (str(record[field], `record.${field}`) !== value(key)) fail('PROOF_MISMATCH', `the record's ${field} is not what the logged entry says`);
  }
  const files = (Array.isArray(record.files) ? record.files : fail('MALFORMED', 'record.files must be an array')).map((f, i) => obj(f, `record.files[${i}]`));
  const logged = all('work_files.sha256');
  if (files.length !== logged.length) fail('PROOF_MISMATCH', 'the record lists other files than the logged entry');
  files.forEach((f, i) => {
    if (str(f.sha256, `record.files[${i}].sha256`) !== logged[i]) fail('CONTENT_HASH_MISMATCH', `file ${i + 1}'s SHA-256 differs from the logged one`);
  });
  for (const h of contentHashes) if (!logged.includes(h.toLowerCase())) fail('CONTENT_HASH_MISMATCH', `a dropped file (SHA-256 ${h}) is not a file of this registration`);
  const events = await checkEvents(p, index, size, root, str(record.workId, 'record.workId'), str(record.registrationNumber, 'record.registrationNumber'));
  const state = events.some((e) => e.kind === 'revocation') ? 'revoked' : events.length > 0 ? 'corrected' : 'valid';
  return { ok: true, state, events, registrationNumber: value('works.registration_number')!, origin, index, treeSize: size, files: files.map((f) => ({ sha256: f.sha256 as string, filename: typeof f.filename === 'string' ? f.filename : null })) };
}

/** Version 2's events: each leaf proven in the same tree, about this registration, in log order, nothing after a revocation. */
async function checkEvents(p: Json, after: number, size: number, root: Uint8Array, workId: string, number: string) {
  const out: { index: number; kind: 'correction' | 'revocation'; createdAt: string }[] = [];
  const list = p.version === 1 ? [] : Array.isArray(p.events) ? p.events : fail('MALFORMED', 'events must be an array');
  for (const [i, raw] of list.entries()) {
    const e = obj(raw, `events[${i}]`);
    const index = nat(e.index, `events[${i}].index`);
    const leaf = fromB64(e.leaf, `events[${i}].leaf`);
    const hashes = (Array.isArray(obj(e.inclusionProof, `events[${i}].inclusionProof`).hashes) ? (e.inclusionProof as Json).hashes as unknown[] : fail('MALFORMED', `events[${i}].inclusionProof.hashes must be an array`)).map((h, j) => {
      const b = fromB64(h, `events[${i}].inclusionProof.hashes[${j}]`);
      return b.length === 32 ? b : fail('MALFORMED', 'a proof hash is not 32 bytes');
    });
    if (!equal(await rootFromProof(index, size, leaf, hashes), root)) fail('PROOF_MISMATCH', `event ${i + 1} (entry ${index}) is not proven in the checkpoint`);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(leaf);
    } catch {
      return fail('MALFORMED', `event ${i + 1}'s leaf is not UTF-8`);
    }
    const lines = new Map(text.split('\n').map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)] as const));
    const kind = lines.get('kind');
    if ((kind !== 'correction' && kind !== 'revocation') || e.kind !== kind) fail('MALFORMED', `event ${i + 1} is not a correction or revocation entry as listed`);
    if (index <= after) fail('PROOF_MISMATCH', `event ${i + 1} (entry ${index}) must come after entry ${after} in the log`);
    after = index;
    if (lines.get('works.id') !== workId || lines.get('works.registration_number') !== number) fail('PROOF_MISMATCH', `event ${i + 1} is not about this registration`);
    if (out.some((x) => x.kind === 'revocation')) fail('PROOF_MISMATCH', `event ${i + 1} follows a revocation; nothing can follow one`);
    out.push({ index, kind: kind as 'correction' | 'revocation', createdAt: lines.get('registry_events.created_at') ?? '' });
  }
  return out;
}

/** Verifies a package's text; never throws. `contentHashes`: SHA-256 (hex) of dropped work files. */
export async function verifyEvidenceWeb(text: string, contentHashes: readonly string[] = []): Promise<WebVerdict> {
  try {
    return await check(text, contentHashes);
  } catch (e) {
    if (e instanceof Refusal) return { ok: false, code: e.code, message: e.message };
    return { ok: false, code: 'MALFORMED', message: (e as Error).message };
  }
}

/** SHA-256 (hex) of a dropped file, in the browser. */
export const sha256Hex = async (bytes: ArrayBuffer | Uint8Array): Promise<string> => toHex(await sha256(new Uint8Array(bytes)));
