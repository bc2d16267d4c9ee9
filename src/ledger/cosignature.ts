/**
 * C2SP tlog-cosignature, Ed25519 flavour (cosignature/v1, signature type
 * 0x04). The signed message commits to a timestamp, so the same checkpoint
 * cosigned twice gives different signatures; the note signature carries
 * timestamp (u64 big-endian) || Ed25519 signature.
 *
 * The ML-DSA-44 flavour (type 0x06) is not implemented: Node 20's crypto has
 * no ML-DSA.
 */
import { isUint } from './bits.js';
import { utf8 } from './bytes.js';
import { parseCheckpoint } from './checkpoint.js';
import { ed25519FromSeed, ed25519PublicKey, ed25519Sign, ed25519Verify, ED25519_SIGNATURE_SIZE } from './ed25519.js';
import { ledgerFail } from './errors.js';
import {
  computeKeyId,
  formatVerifierKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  type SignerKey,
  type VerifierKey,
} from './note-keys.js';
import { formatSignatureLine, openNote, type NoteSignature, type NoteVerifier } from './note.js';

const TIMESTAMP_SIZE = 8;
export const COSIGNATURE_SIZE = TIMESTAMP_SIZE + ED25519_SIGNATURE_SIZE;

export interface TimestampedSignature {
  /** POSIX seconds. */
  readonly timestamp: number;
  readonly signature: Uint8Array;
}

/** "cosignature/v1\ntime <t>\n" followed by the whole checkpoint text. */
export function cosignedMessage(checkpointText: string, timestamp: number): Uint8Array {
  if (!isUint(timestamp)) ledgerFail('MALFORMED_COSIGNATURE', 'timestamp must be a non-negative safe integer');
  parseCheckpoint(checkpointText);
  return utf8(`cosignature/v1\ntime ${timestamp}\n${checkpointText}`);
}

export function encodeTimestampedSignature({ timestamp, signature }: TimestampedSignature): Uint8Array {
  if (!isUint(timestamp)) ledgerFail('MALFORMED_COSIGNATURE', 'timestamp must be a non-negative safe integer');
  if (signature.length !== ED25519_SIGNATURE_SIZE) ledgerFail('MALFORMED_COSIGNATURE', 'Ed25519 signature must be 64 bytes');
  const out = new Uint8Array(COSIGNATURE_SIZE);
  new DataView(out.buffer).setBigUint64(0, BigInt(timestamp), false);
  out.set(signature, TIMESTAMP_SIZE);
  return out;
}

export function decodeTimestampedSignature(bytes: Uint8Array): TimestampedSignature {
  if (bytes.length !== COSIGNATURE_SIZE) ledgerFail('MALFORMED_COSIGNATURE', `cosignature must be ${COSIGNATURE_SIZE} bytes`);
  const t = new DataView(bytes.buffer, bytes.byteOffset, TIMESTAMP_SIZE).getBigUint64(0, false);
  // The spec caps at 2^63-1; this library further needs a safe JS integer (year ~285 million).
  if (t > BigInt(Number.MAX_SAFE_INTEGER)) ledgerFail('MALFORMED_COSIGNATURE', 'timestamp out of range');
  return { timestamp: Number(t), signature: bytes.slice(TIMESTAMP_SIZE) };
}

/** A cosigner vkey: name+id+base64(0x04 || Ed25519 public key). */
export const formatCosignerKey = (name: string, publicKey: Uint8Array): string =>
  formatVerifierKey({ name, type: SIG_TYPE_COSIGNATURE_V1, publicKey });

export interface Cosigner {
  readonly name: string;
  readonly keyId: number;
  readonly publicKey: Uint8Array;
  /** The cosignature as a note signature (format with formatSignatureLine). */
  cosign(checkpointText: string, timestamp: number): NoteSignature;
}

/**
 * A cosigner from an Ed25519 skey. Type 0x01 keys are accepted as well as
 * 0x04 (as transparency-dev/formats does) so an operator can reuse a key
 * file; the cosignature key ID is always the 0x04 one.
 */
export function cosigner(skey: string | SignerKey): Cosigner {
  const key = typeof skey === 'string' ? parseSignerKey(skey) : skey;
  const { privateKey, publicKey } = ed25519FromSeed(key.seed);
  const keyId = computeKeyId(key.name, SIG_TYPE_COSIGNATURE_V1, publicKey);
  return {
    name: key.name,
    keyId,
    publicKey,
    cosign(checkpointText, timestamp) {
      const signature = ed25519Sign(privateKey, cosignedMessage(checkpointText, timestamp));
      return { name: key.name, keyId, signature: encodeTimestampedSignature({ timestamp, signature }) };
    },
  };
}

/** The signature line a witness returns: "— <name> base64(keyID || timestamp || sig)\n". */
export const cosignatureLine = (c: Cosigner, checkpointText: string, timestamp: number): string =>
  formatSignatureLine(c.cosign(checkpointText, timestamp));

export interface CosignatureVerifierOptions {
  /** Reject cosignatures dated after this POSIX time (the spec allows rejecting future timestamps). */
  readonly notAfter?: number;
}

/** A note verifier for cosignature/v1 signatures by the cosigner with this 0x04 vkey. */
export function cosignatureVerifier(vkey: string | VerifierKey, options: CosignatureVerifierOptions = {}): NoteVerifier {
  const key = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (key.type !== SIG_TYPE_COSIGNATURE_V1) ledgerFail('MALFORMED_KEY', 'not a cosignature/v1 key (type 0x04)');
  const publicKey = ed25519PublicKey(key.publicKey);
  return {
    name: key.name,
    keyId: key.keyId,
    verify(text, sig) {
      try {
        const { timestamp, signature } = decodeTimestampedSignature(sig);
        if (options.notAfter !== undefined && timestamp > options.notAfter) return false;
        return ed25519Verify(publicKey, cosignedMessage(new TextDecoder().decode(text), timestamp), signature);
      } catch {
        return false;
      }
    },
  };
}

export interface VerifiedCosignature {
  readonly name: string;
  readonly keyId: number;
  readonly timestamp: number;
}

/**
 * Opens a cosigned checkpoint with cosigner keys only (the log's own
 * signature is then just an unknown key) and reports who cosigned when.
 * Throws UNKNOWN_KEY if none of the cosigners signed, BAD_SIGNATURE if one's
 * signature is bad. Quorum policy is the caller's.
 */
export function verifyCosignatures(
  signedCheckpoint: string | Uint8Array,
  cosignerKeys: readonly (string | VerifierKey)[],
  options: CosignatureVerifierOptions = {},
): VerifiedCosignature[] {
  const opened = openNote(signedCheckpoint, cosignerKeys.map((k) => cosignatureVerifier(k, options)));
  return opened.verified.map((s) => ({ name: s.name, keyId: s.keyId, timestamp: decodeTimestampedSignature(s.signature).timestamp }));
}
