/**
 * Wire formats of c2sp.org/tlog-witness add-checkpoint:
 *   request:  "old <size>\n" (<base64 hash>\n){0,63} "\n" <signed checkpoint note>
 *   response: cosignature lines, appended by the log to its own note.
 */
import { fromBase64, fromUtf8, parseDecimal, toBase64, toHex, utf8 } from './bytes.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import { ledgerFail } from './errors.js';
import { assertHash, HASH_SIZE, sha256 } from './hash.js';
import { formatNote, parseNote, parseSignatureLines, type NoteSignature } from './note.js';

export const MAX_WITNESS_PROOF_LINES = 63;

export interface AddCheckpointRequest {
  readonly oldSize: number;
  readonly proof: readonly Uint8Array[];
  /** The signed checkpoint note, verbatim. */
  readonly checkpoint: string;
}

export interface ParsedAddCheckpointRequest extends AddCheckpointRequest {
  /**
   * The checkpoint body as sent: attacker controlled until its signature is
   * verified. Use `claimed.origin` only to look up keys and stored state.
   */
  readonly claimed: Checkpoint;
}

const bad = (why: string): never => ledgerFail('MALFORMED_WITNESS_REQUEST', why);

/**
 * Parses the request body. Throws MALFORMED_WITNESS_REQUEST for the framing,
 * MALFORMED_NOTE / MALFORMED_CHECKPOINT for the embedded note (all 400s).
 */
export function parseAddCheckpointRequest(body: string | Uint8Array): ParsedAddCheckpointRequest {
  const text = typeof body === 'string' ? body : (fromUtf8(body) ?? bad('body is not UTF-8'));
  let pos = 0;
  const nextLine = (): string => {
    const end = text.indexOf('\n', pos);
    if (end < 0) return bad('every line must end with a newline, and a blank line must precede the checkpoint');
    const line = text.slice(pos, end);
    pos = end + 1;
    return line;
  };
  const oldSize = parseDecimal(/^old (.*)$/.exec(nextLine())?.[1] ?? bad('first line must be "old <size>"'));
  if (oldSize === undefined) return bad('old size must be a decimal without leading zeros');
  const proof: Uint8Array[] = [];
  for (let line = nextLine(); line !== ''; line = nextLine()) {
    if (proof.length === MAX_WITNESS_PROOF_LINES) bad(`more than ${MAX_WITNESS_PROOF_LINES} proof lines`);
    const hash = fromBase64(line);
    if (hash === undefined || hash.length !== HASH_SIZE) bad('proof line is not base64 of a 32-byte hash');
    proof.push(hash as Uint8Array);
  }
  const checkpoint = text.slice(pos);
  const claimed = parseCheckpoint(parseNote(checkpoint).text);
  return { oldSize, proof, checkpoint, claimed };
}

export function formatAddCheckpointRequest(req: AddCheckpointRequest): string {
  if (!Number.isSafeInteger(req.oldSize) || req.oldSize < 0) bad('old size must be a non-negative safe integer');
  if (req.proof.length > MAX_WITNESS_PROOF_LINES) bad(`more than ${MAX_WITNESS_PROOF_LINES} proof lines`);
  req.proof.forEach((h, i) => assertHash(h, `proof[${i}]`));
  parseNote(req.checkpoint);
  return `old ${req.oldSize}\n${req.proof.map((h) => `${toBase64(h)}\n`).join('')}\n${req.checkpoint}`;
}

/** Parses a 200 response body: one or more note signature lines. */
export const parseAddCheckpointResponse = (body: string): NoteSignature[] => parseSignatureLines(body);

/**
 * Adds a witness's cosignature lines to the log's signed checkpoint, dropping
 * exact duplicates. Verify the result with the witness keys before relying on it.
 */
export function mergeCosignatures(signedCheckpoint: string, responseBody: string): string {
  const { text, signatures } = parseNote(signedCheckpoint);
  const all = [...signatures];
  const seen = new Set(all.map((s) => `${s.name} ${s.keyId} ${toBase64(s.signature)}`));
  for (const s of parseAddCheckpointResponse(responseBody)) {
    const k = `${s.name} ${s.keyId} ${toBase64(s.signature)}`;
    if (!seen.has(k)) all.push(s);
    seen.add(k);
  }
  return formatNote(text, all);
}

/** Monitoring path "<lowercase hex SHA-256(origin)>/checkpoint" under the witness's monitoring prefix. */
export const witnessCheckpointPath = (origin: string): string => `${toHex(sha256(utf8(origin)))}/checkpoint`;
