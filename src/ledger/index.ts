/**
 * Public API of the ledger library: a pure (no I/O) toolkit for a
 * tamper-evident transparency log per RFC 9162 §2.1 and the C2SP
 * signed-note, tlog-checkpoint, tlog-cosignature, tlog-tiles and
 * tlog-witness specifications. See docs/ledger.md.
 */
export { LedgerError, isLedgerError, type LedgerErrorCode } from './errors.js';
export { HASH_SIZE, leafHash, nodeHash, emptyRoot } from './hash.js';
export { merkleRoot, rootAt, subtreeHash, nodeSourceFromLeaves, type NodeSource, type NodeId } from './tree.js';
export {
  EMPTY_FRONTIER,
  appendLeaves,
  frontierRoot,
  frontierFromNodes,
  frontierNodeIds,
  type Frontier,
  type StoredNode,
  type AppendResult,
} from './frontier.js';
export { inclusionProof, consistencyProof, inclusionProofNodeIds, consistencyProofNodeIds } from './proof-build.js';
export {
  verifyInclusion,
  verifyConsistency,
  rootFromInclusionProof,
  inclusionProofLength,
  consistencyProofLength,
} from './proof.js';
export {
  SIG_TYPE_ED25519,
  SIG_TYPE_COSIGNATURE_V1,
  isValidKeyName,
  computeKeyId,
  parseVerifierKey,
  formatVerifierKey,
  parseSignerKey,
  formatSignerKey,
  generateNoteKey,
  type VerifierKey,
  type SignerKey,
} from './note-keys.js';
export {
  MAX_NOTE_SIGNATURES,
  parseNote,
  openNote,
  signNote,
  formatNote,
  formatSignatureLine,
  parseSignatureLines,
  type NoteSignature,
  type NoteSigner,
  type NoteVerifier,
  type ParsedNote,
  type OpenedNote,
} from './note.js';
export { ed25519NoteSigner, ed25519NoteVerifier } from './note-ed25519.js';
export { parseCheckpoint, formatCheckpoint, openCheckpoint, type Checkpoint } from './checkpoint.js';
export {
  COSIGNATURE_SIZE,
  cosignedMessage,
  cosigner,
  cosignatureLine,
  cosignatureVerifier,
  verifyCosignatures,
  formatCosignerKey,
  encodeTimestampedSignature,
  decodeTimestampedSignature,
  type Cosigner,
  type CosignatureVerifierOptions,
  type TimestampedSignature,
  type VerifiedCosignature,
} from './cosignature.js';
export {
  TILE_HEIGHT,
  TILE_WIDTH,
  MAX_TILE_LEVEL,
  formatTileIndex,
  parseTileIndex,
  tilePath,
  entryBundlePath,
  parseTilePath,
  type TileRef,
  type ParsedTilePath,
} from './tiles.js';
export { partialTileWidth, tilesForGrowth, tilesForTreeSize, nodeTile, nodeSourceFromTiles } from './tile-layout.js';
export { MAX_ENTRY_SIZE, encodeHashTile, decodeHashTile, encodeEntryBundle, decodeEntryBundle } from './tile-codec.js';
export {
  MAX_WITNESS_PROOF_LINES,
  parseAddCheckpointRequest,
  formatAddCheckpointRequest,
  parseAddCheckpointResponse,
  mergeCosignatures,
  witnessCheckpointPath,
  type AddCheckpointRequest,
  type ParsedAddCheckpointRequest,
} from './witness-request.js';
export { decideAddCheckpoint, type AddCheckpointInput, type AddCheckpointOutcome, type LatestCheckpoint } from './witness.js';
