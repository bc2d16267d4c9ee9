/**
 * Signed-note key encodings (c2sp.org/signed-note "Verifier keys"):
 *   vkey: <name>+<hex key ID>+base64(type || public key)
 *   skey: PRIVATE+KEY+<name>+<hex key ID>+base64(type || Ed25519 seed)
 * The skey form is not in the spec; it is golang.org/x/mod/sumdb/note's,
 * which the ecosystem's tools share.
 */
import { fromBase64, isWellFormedText, toBase64, utf8 } from './bytes.js';
import { ed25519FromSeed, generateEd25519, ED25519_KEY_SIZE } from './ed25519.js';
import { ledgerFail } from './errors.js';
import { sha256 } from './hash.js';

/** Signature type bytes from c2sp.org/signed-note "Signature types" that this library implements. */
export const SIG_TYPE_ED25519 = 0x01;
export const SIG_TYPE_COSIGNATURE_V1 = 0x04;
const ED25519_SEED_TYPES: readonly number[] = [SIG_TYPE_ED25519, SIG_TYPE_COSIGNATURE_V1];

export interface VerifierKey {
  readonly name: string;
  /** uint32 key ID. */
  readonly keyId: number;
  readonly type: number;
  readonly publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  readonly seed: Uint8Array;
}

/** Non-empty, no Unicode White_Space, no '+'; also no control characters, which notes forbid anyway. */
export const isValidKeyName = (name: string): boolean =>
  name.length > 0 && isWellFormedText(name) && !/[\p{White_Space}+\p{Cc}]/u.test(name);

/** key ID = SHA-256(name || 0x0A || type || public key)[:4], big-endian. */
export function computeKeyId(name: string, type: number, publicKey: Uint8Array): number {
  const digest = sha256(utf8(name), Uint8Array.of(0x0a, type), publicKey);
  return new DataView(digest.buffer, digest.byteOffset, 4).getUint32(0, false);
}

export const formatKeyId = (keyId: number): string => keyId.toString(16).padStart(8, '0');

function parseKeyId(text: string): number {
  // The spec's hex is fixed-length lowercase; anything else is a different string for the same key.
  if (!/^[0-9a-f]{8}$/.test(text)) return ledgerFail('MALFORMED_KEY', 'key ID must be 8 lowercase hex digits');
  return Number.parseInt(text, 16);
}

/** Splits "<name>+<id>+<base64>" (the base64 may itself contain '+'). */
function splitKey(text: string): { name: string; keyId: number; material: Uint8Array } {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) ledgerFail('MALFORMED_KEY', 'key must be name+id+base64');
  const name = text.slice(0, first);
  if (!isValidKeyName(name)) ledgerFail('MALFORMED_KEY', 'invalid key name');
  const keyId = parseKeyId(text.slice(first + 1, second));
  const material = fromBase64(text.slice(second + 1));
  if (material === undefined || material.length < 2) ledgerFail('MALFORMED_KEY', 'key material is not canonical base64');
  return { name, keyId, material: material as Uint8Array };
}

export function parseVerifierKey(text: string): VerifierKey {
  const { name, keyId, material } = splitKey(text);
  const type = material[0] as number;
  const publicKey = material.subarray(1);
  if (!ED25519_SEED_TYPES.includes(type)) ledgerFail('MALFORMED_KEY', `unsupported signature type 0x${type.toString(16)}`);
  if (publicKey.length !== ED25519_KEY_SIZE) ledgerFail('MALFORMED_KEY', 'Ed25519 public key must be 32 bytes');
  if (computeKeyId(name, type, publicKey) !== keyId) ledgerFail('MALFORMED_KEY', 'key ID does not match name and key');
  return { name, keyId, type, publicKey: Uint8Array.from(publicKey) };
}

export function formatVerifierKey(key: Pick<VerifierKey, 'name' | 'type' | 'publicKey'>): string {
  if (!isValidKeyName(key.name)) ledgerFail('MALFORMED_KEY', 'invalid key name');
  const keyId = computeKeyId(key.name, key.type, key.publicKey);
  return `${key.name}+${formatKeyId(keyId)}+${toBase64(Uint8Array.of(key.type, ...key.publicKey))}`;
}

const SKEY_PREFIX = 'PRIVATE+KEY+';

/**
 * Parses an Ed25519 signer key of type 0x01 (note signatures) or 0x04
 * (cosignature/v1). The key ID is checked against the derived public key so a
 * mislabelled key cannot produce signatures under someone else's ID.
 */
export function parseSignerKey(text: string): SignerKey {
  if (!text.startsWith(SKEY_PREFIX)) ledgerFail('MALFORMED_KEY', 'signer key must start with PRIVATE+KEY+');
  const { name, keyId, material } = splitKey(text.slice(SKEY_PREFIX.length));
  const type = material[0] as number;
  if (!ED25519_SEED_TYPES.includes(type)) ledgerFail('MALFORMED_KEY', `unsupported signature type 0x${type.toString(16)}`);
  const { seed, publicKey } = ed25519FromSeed(material.subarray(1));
  if (computeKeyId(name, type, publicKey) !== keyId) ledgerFail('MALFORMED_KEY', 'key ID does not match derived public key');
  return { name, keyId, type, publicKey, seed };
}

export function formatSignerKey(key: Pick<SignerKey, 'name' | 'type' | 'seed'>): string {
  const { publicKey } = ed25519FromSeed(key.seed);
  const keyId = computeKeyId(key.name, key.type, publicKey);
  if (!isValidKeyName(key.name)) ledgerFail('MALFORMED_KEY', 'invalid key name');
  return `${SKEY_PREFIX}${key.name}+${formatKeyId(keyId)}+${toBase64(Uint8Array.of(key.type, ...key.seed))}`;
}

/** New random Ed25519 key pair for `name`, as skey/vkey strings. Keep the signer key secret. */
export function generateNoteKey(name: string, type: number = SIG_TYPE_ED25519): { signerKey: string; verifierKey: string } {
  if (!ED25519_SEED_TYPES.includes(type)) ledgerFail('MALFORMED_KEY', `unsupported signature type 0x${type.toString(16)}`);
  const { seed, publicKey } = generateEd25519();
  return { signerKey: formatSignerKey({ name, type, seed }), verifierKey: formatVerifierKey({ name, type, publicKey }) };
}
