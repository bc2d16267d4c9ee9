/**
 * C2SP tlog-checkpoint note text:
 *   <origin>\n<decimal size>\n<base64 root hash>\n[<extension line>\n]*
 *
 * Every field is attacker controlled until the note carrying it has been
 * opened with the log's key: parse only to route (pick keys by origin), and
 * trust size/root only from openCheckpoint. Even then the origin must be
 * compared with the one the caller expects (a log key could sign for
 * several origins), and extension lines stay opaque: witnesses make no
 * statement about them.
 */
import { isUint } from './bits.js';
import { fromBase64, isWellFormedText, parseDecimal, toBase64 } from './bytes.js';
import { ledgerFail } from './errors.js';
import { HASH_SIZE } from './hash.js';
import { openNote, type NoteVerifier, type OpenedNote } from './note.js';

export interface Checkpoint {
  readonly origin: string;
  readonly size: number;
  readonly rootHash: Uint8Array;
  /** Optional opaque lines after the root hash (use is NOT RECOMMENDED by the spec). */
  readonly extensions: readonly string[];
}

const bad = (why: string): never => ledgerFail('MALFORMED_CHECKPOINT', why);

function checkLine(line: string, what: string): void {
  if (line === '') bad(`${what} must not be empty`);
  if (!isWellFormedText(line) || /[\p{Cc}]/u.test(line)) bad(`${what} contains a control character or invalid text`);
}

export function parseCheckpoint(text: string, expectedOrigin?: string): Checkpoint {
  if (!text.endsWith('\n')) bad('checkpoint text must end with a newline');
  const [origin = '', sizeLine = '', rootLine = '', ...extensions] = text.slice(0, -1).split('\n');
  checkLine(origin, 'origin');
  const size = parseDecimal(sizeLine);
  if (size === undefined) return bad('tree size must be a decimal without leading zeros');
  const rootHash = fromBase64(rootLine);
  if (rootHash === undefined || rootHash.length !== HASH_SIZE) return bad('root hash must be base64 of 32 bytes');
  extensions.forEach((line, i) => checkLine(line, `extension line ${i + 1}`));
  if (expectedOrigin !== undefined && origin !== expectedOrigin) {
    ledgerFail('ORIGIN_MISMATCH', `checkpoint is for ${origin}, expected ${expectedOrigin}`);
  }
  return { origin, size, rootHash, extensions };
}

export function formatCheckpoint(cp: Checkpoint): string {
  checkLine(cp.origin, 'origin');
  if (!isUint(cp.size)) bad('tree size must be a non-negative safe integer');
  if (!(cp.rootHash instanceof Uint8Array) || cp.rootHash.length !== HASH_SIZE) bad('root hash must be 32 bytes');
  cp.extensions.forEach((line, i) => checkLine(line, `extension line ${i + 1}`));
  return [cp.origin, String(cp.size), toBase64(cp.rootHash), ...cp.extensions].map((l) => `${l}\n`).join('');
}

/** Verifies a signed checkpoint with the log's keys and checks it is for `origin`. */
export function openCheckpoint(
  note: string | Uint8Array,
  origin: string,
  verifiers: readonly NoteVerifier[],
): { checkpoint: Checkpoint; note: OpenedNote } {
  const opened = openNote(note, verifiers);
  return { checkpoint: parseCheckpoint(opened.text, origin), note: opened };
}
