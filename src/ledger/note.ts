/**
 * C2SP signed-note: text, a blank line, then "— <name> base64(keyID || sig)"
 * lines. Parsing is strict because the same bytes are later trusted as a
 * checkpoint: anything ambiguous is MALFORMED_NOTE.
 */
import { fromBase64, fromUtf8, isWellFormedText, toBase64, utf8 } from './bytes.js';
import { ledgerFail } from './errors.js';
import { isValidKeyName } from './note-keys.js';

/**
 * Signature lines accepted per note. The spec requires at least 16 and
 * suggests a cap; 100 matches golang.org/x/mod/sumdb/note.
 */
export const MAX_NOTE_SIGNATURES = 100;

const SIG_PREFIX = '\u2014 ';

export interface NoteSignature {
  readonly name: string;
  /** uint32 key ID from the first four bytes of the decoded signature. */
  readonly keyId: number;
  /** Signature bytes after the key ID. */
  readonly signature: Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** `text` is the UTF-8 note text including its final newline. */
  verify(text: Uint8Array, signature: Uint8Array): boolean;
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  sign(text: Uint8Array): Uint8Array;
}

export interface ParsedNote {
  /** Note text including the final newline. Untrusted until opened with openNote. */
  readonly text: string;
  readonly signatures: readonly NoteSignature[];
}

export interface OpenedNote {
  readonly text: string;
  /** Signatures from known keys, all of which verified (one per key). */
  readonly verified: readonly NoteSignature[];
  /** Signatures from keys the caller did not supply (kept so they can be passed on). */
  readonly unverified: readonly NoteSignature[];
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 && c !== 0x0a) return true;
  }
  return false;
}

function asNoteText(msg: string | Uint8Array): string {
  const text = typeof msg === 'string' ? msg : fromUtf8(msg);
  if (text === undefined || !isWellFormedText(text)) return ledgerFail('MALFORMED_NOTE', 'note is not valid UTF-8');
  if (hasControlCharacter(text)) ledgerFail('MALFORMED_NOTE', 'note contains a control character other than newline');
  return text;
}

function parseSignatureLine(line: string): NoteSignature {
  if (!line.startsWith(SIG_PREFIX)) ledgerFail('MALFORMED_NOTE', 'signature line must start with an em dash and a space');
  const rest = line.slice(SIG_PREFIX.length);
  const space = rest.indexOf(' ');
  const name = rest.slice(0, Math.max(space, 0));
  if (space < 0 || !isValidKeyName(name)) ledgerFail('MALFORMED_NOTE', 'invalid signature key name');
  const raw = fromBase64(rest.slice(space + 1));
  if (raw === undefined || raw.length < 5) return ledgerFail('MALFORMED_NOTE', 'signature is not base64 of key ID and signature');
  const keyId = new DataView(raw.buffer, raw.byteOffset, 4).getUint32(0, false);
  return { name, keyId, signature: raw.subarray(4) };
}

/** Parses newline-terminated signature lines (a note's signature block, or a witness response body). */
export function parseSignatureLines(block: string): NoteSignature[] {
  const body = asNoteText(block);
  if (body === '' || !body.endsWith('\n')) ledgerFail('MALFORMED_NOTE', 'signature block must be non-empty and end in a newline');
  const lines = body.slice(0, -1).split('\n');
  if (lines.length > MAX_NOTE_SIGNATURES) ledgerFail('MALFORMED_NOTE', `more than ${MAX_NOTE_SIGNATURES} signatures`);
  return lines.map(parseSignatureLine);
}

/** Splits a note into text and signatures without verifying anything. */
export function parseNote(msg: string | Uint8Array): ParsedNote {
  const note = asNoteText(msg);
  // The text may contain blank lines; the last one separates the signatures.
  const split = note.lastIndexOf('\n\n');
  if (split < 0) ledgerFail('MALFORMED_NOTE', 'note has no blank line before its signatures');
  return { text: note.slice(0, split + 1), signatures: parseSignatureLines(note.slice(split + 2)) };
}

const keyOf = (name: string, keyId: number): string => `${name}\n${keyId}`;

/**
 * Verifies a note against known keys. Signatures from unknown keys are
 * ignored (returned as unverified); any signature from a known key must
 * verify (BAD_SIGNATURE); at least one must be present (UNKNOWN_KEY).
 */
export function openNote(msg: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const known = new Map<string, NoteVerifier>();
  for (const v of verifiers) {
    const k = keyOf(v.name, v.keyId);
    if (known.has(k)) ledgerFail('AMBIGUOUS_KEY', `two verifiers share name ${v.name} and key ID`);
    known.set(k, v);
  }
  const { text, signatures } = parseNote(msg);
  const textBytes = utf8(text);
  const verified = new Map<string, NoteSignature>();
  const unverified = new Map<string, NoteSignature>();
  for (const sig of signatures) {
    const k = keyOf(sig.name, sig.keyId);
    const v = known.get(k);
    if (v === undefined) {
      unverified.set(`${k}\n${toBase64(sig.signature)}`, sig);
      continue;
    }
    // Every signature from a known key is checked, repeats included: a bad one rejects the note.
    if (!v.verify(textBytes, sig.signature)) ledgerFail('BAD_SIGNATURE', `signature by ${sig.name} does not verify`);
    if (!verified.has(k)) verified.set(k, sig);
  }
  if (verified.size === 0) ledgerFail('UNKNOWN_KEY', 'note has no signature from a known key');
  return { text, verified: [...verified.values()], unverified: [...unverified.values()] };
}

export function formatSignatureLine(sig: NoteSignature): string {
  if (!isValidKeyName(sig.name)) ledgerFail('MALFORMED_NOTE', 'invalid signature key name');
  const raw = new Uint8Array(4 + sig.signature.length);
  new DataView(raw.buffer).setUint32(0, sig.keyId, false);
  raw.set(sig.signature, 4);
  return `${SIG_PREFIX}${sig.name} ${toBase64(raw)}\n`;
}

function assertNoteText(text: string): void {
  asNoteText(text);
  if (!text.endsWith('\n')) ledgerFail('MALFORMED_NOTE', 'note text must end with a newline');
}

/** Assembles a note from text and already-made signatures. */
export function formatNote(text: string, signatures: readonly NoteSignature[]): string {
  assertNoteText(text);
  if (signatures.length === 0) ledgerFail('MALFORMED_NOTE', 'a note needs at least one signature');
  if (signatures.length > MAX_NOTE_SIGNATURES) ledgerFail('MALFORMED_NOTE', `more than ${MAX_NOTE_SIGNATURES} signatures`);
  return `${text}\n${signatures.map(formatSignatureLine).join('')}`;
}

/**
 * Signs `text` with each signer. `existing` signatures (e.g. from a note being
 * cosigned) come first, minus any from a key that is signing again now.
 */
export function signNote(text: string, signers: readonly NoteSigner[], existing: readonly NoteSignature[] = []): string {
  assertNoteText(text);
  const bytes = utf8(text);
  const fresh = signers.map((s) => ({ name: s.name, keyId: s.keyId, signature: s.sign(bytes) }));
  const replaced = new Set(fresh.map((s) => keyOf(s.name, s.keyId)));
  return formatNote(text, [...existing.filter((s) => !replaced.has(keyOf(s.name, s.keyId))), ...fresh]);
}
