/**
 * The add-checkpoint decision of c2sp.org/tlog-witness as a pure function.
 * Storage and HTTP live elsewhere: the caller supplies the stored latest
 * checkpoint for the origin and, on 200, must persist the new one with a
 * compare-and-swap on `previousSize` before replying (the spec's rollback
 * race), then send `body`.
 */
import { equalBytes } from './bytes.js';
import { parseCheckpoint, type Checkpoint } from './checkpoint.js';
import type { Cosigner } from './cosignature.js';
import { isLedgerError, LedgerError, type LedgerErrorCode } from './errors.js';
import { emptyRoot } from './hash.js';
import { formatSignatureLine, openNote, type NoteSignature, type NoteVerifier, type OpenedNote } from './note.js';
import { verifyConsistency } from './proof.js';
import { parseAddCheckpointRequest, type ParsedAddCheckpointRequest } from './witness-request.js';

export interface LatestCheckpoint {
  readonly size: number;
  readonly rootHash: Uint8Array;
}

export interface AddCheckpointInput {
  /** Raw body, or one already parsed (e.g. to learn the origin before loading state). */
  readonly request: string | Uint8Array | ParsedAddCheckpointRequest;
  /** Trusted log keys by origin. */
  readonly logs: ReadonlyMap<string, readonly NoteVerifier[]>;
  /** The latest checkpoint this witness cosigned for the origin, or null if none. */
  readonly latest: LatestCheckpoint | null | ((origin: string) => LatestCheckpoint | null | undefined);
  readonly cosigners: readonly Cosigner[];
  /** Current POSIX time in seconds; the cosignature timestamp (must be > 0). */
  readonly now: number;
}

export type AddCheckpointOutcome =
  | {
      readonly status: 200;
      /** Response body: the cosignature lines. */
      readonly body: string;
      readonly cosignatures: readonly NoteSignature[];
      readonly checkpoint: Checkpoint;
      /** The log's verified note, to store and serve on the monitoring path. */
      readonly note: OpenedNote;
      /** Stored size this decision was based on: persist only if it is still current. */
      readonly previousSize: number;
    }
  | { readonly status: 400 | 403 | 422; readonly code: LedgerErrorCode; readonly reason: string }
  | { readonly status: 404; readonly origin: string; readonly reason: string }
  | {
      readonly status: 409;
      readonly latestSize: number;
      /** "<latest size>\n", sent with content type text/x.tlog.size. */
      readonly body: string;
      readonly contentType: 'text/x.tlog.size';
      readonly reason: string;
    };

const refuse = (status: 400 | 403 | 422, err: unknown): AddCheckpointOutcome => {
  if (!(err instanceof LedgerError)) throw err;
  return { status, code: err.code, reason: err.message };
};

export function decideAddCheckpoint(input: AddCheckpointInput): AddCheckpointOutcome {
  if (input.cosigners.length === 0) throw new TypeError('a witness needs at least one cosigner');
  if (!Number.isSafeInteger(input.now) || input.now < 1) throw new TypeError('now must be a positive POSIX time');

  let req: ParsedAddCheckpointRequest;
  try {
    req = typeof input.request === 'string' || input.request instanceof Uint8Array ? parseAddCheckpointRequest(input.request) : input.request;
  } catch (err) {
    return refuse(400, err);
  }

  const origin = req.claimed.origin;
  const verifiers = input.logs.get(origin);
  if (verifiers === undefined || verifiers.length === 0) return { status: 404, origin, reason: `unknown log origin ${origin}` };

  let note: OpenedNote;
  let cp: Checkpoint;
  try {
    note = openNote(req.checkpoint, verifiers);
    cp = parseCheckpoint(note.text, origin);
  } catch (err) {
    if (isLedgerError(err, 'BAD_SIGNATURE') || isLedgerError(err, 'UNKNOWN_KEY')) return refuse(403, err);
    return refuse(400, err);
  }

  if (req.oldSize > cp.size) {
    return { status: 400, code: 'BAD_SIZE', reason: `old size ${req.oldSize} exceeds checkpoint size ${cp.size}` };
  }
  const latest = (typeof input.latest === 'function' ? input.latest(origin) : input.latest) ?? null;
  const latestSize = latest?.size ?? 0;
  if (req.oldSize !== latestSize) {
    return {
      status: 409,
      latestSize,
      body: `${latestSize}\n`,
      contentType: 'text/x.tlog.size',
      reason: `old size ${req.oldSize} does not match latest cosigned size ${latestSize}`,
    };
  }

  const unprocessable = (reason: string): AddCheckpointOutcome => ({ status: 422, code: 'PROOF_MISMATCH', reason });
  if (cp.size === 0 && !equalBytes(cp.rootHash, emptyRoot())) return unprocessable('a size-0 checkpoint must have the empty root');
  if (req.oldSize === 0) {
    // The empty tree is consistent with every tree: nothing to prove.
    if (req.proof.length > 0) return { status: 422, code: 'BAD_PROOF_LENGTH', reason: 'old size 0 needs an empty proof' };
  } else {
    // oldSize matched a non-zero stored size, so `latest` is present.
    const latestRoot = latest?.rootHash ?? emptyRoot();
    try {
      verifyConsistency(req.oldSize, cp.size, req.proof, latestRoot, cp.rootHash);
    } catch (err) {
      return refuse(422, err);
    }
  }

  const cosignatures = input.cosigners.map((c) => c.cosign(note.text, input.now));
  return {
    status: 200,
    body: cosignatures.map(formatSignatureLine).join(''),
    cosignatures,
    checkpoint: cp,
    note,
    previousSize: latestSize,
  };
}
