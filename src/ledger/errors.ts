/**
 * One error class for the whole ledger library. Callers (routes, the witness
 * service, tests) branch on `code`, which is stable; messages are for humans
 * and may change.
 */
export type LedgerErrorCode =
  // Merkle tree arithmetic and proofs (RFC 9162 §2.1)
  | 'BAD_INDEX'
  | 'BAD_SIZE'
  | 'BAD_HASH_LENGTH'
  | 'BAD_PROOF_LENGTH'
  | 'PROOF_MISMATCH'
  | 'MISSING_NODE'
  | 'MALFORMED_FRONTIER'
  // Signed notes and keys (c2sp.org/signed-note)
  | 'MALFORMED_NOTE'
  | 'MALFORMED_KEY'
  | 'AMBIGUOUS_KEY'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  // Checkpoints and cosignatures
  | 'MALFORMED_CHECKPOINT'
  | 'ORIGIN_MISMATCH'
  | 'MALFORMED_COSIGNATURE'
  // Tiles (c2sp.org/tlog-tiles)
  | 'MALFORMED_TILE_PATH'
  | 'MALFORMED_TILE'
  | 'MALFORMED_BUNDLE'
  | 'ENTRY_TOO_LARGE'
  // Witness protocol (c2sp.org/tlog-witness)
  | 'MALFORMED_WITNESS_REQUEST';

export class LedgerError extends Error {
  constructor(
    readonly code: LedgerErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'LedgerError';
  }
}

export const ledgerFail = (code: LedgerErrorCode, message: string): never => {
  throw new LedgerError(code, message);
};

export const isLedgerError = (err: unknown, code?: LedgerErrorCode): err is LedgerError =>
  err instanceof LedgerError && (code === undefined || err.code === code);
