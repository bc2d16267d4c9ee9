/**
 * Ed25519 through node:crypto. Keys travel as raw 32-byte seeds and public
 * keys (the signed-note encoding), so they are wrapped in fixed DER headers
 * (PKCS#8 / SPKI, RFC 8410) to hand them to OpenSSL.
 */
import { Buffer } from 'node:buffer';
import { createPrivateKey, createPublicKey, randomBytes, sign, verify, type KeyObject } from 'node:crypto';
import { concatBytes } from './bytes.js';
import { ledgerFail } from './errors.js';

export const ED25519_KEY_SIZE = 32;
export const ED25519_SIGNATURE_SIZE = 64;

const PKCS8_SEED_HEADER = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);
const SPKI_HEADER = Uint8Array.from([0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]);

export interface Ed25519KeyPair {
  readonly seed: Uint8Array;
  readonly publicKey: Uint8Array;
  readonly privateKey: KeyObject;
}

export function ed25519FromSeed(seed: Uint8Array): Ed25519KeyPair {
  if (seed.length !== ED25519_KEY_SIZE) ledgerFail('MALFORMED_KEY', 'Ed25519 seed must be 32 bytes');
  const privateKey = createPrivateKey({ key: Buffer.from(concatBytes(PKCS8_SEED_HEADER, seed)), format: 'der', type: 'pkcs8' });
  const spki = createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  return { seed: Uint8Array.from(seed), publicKey: new Uint8Array(spki.subarray(SPKI_HEADER.length)), privateKey };
}

export const generateEd25519 = (): Ed25519KeyPair => ed25519FromSeed(new Uint8Array(randomBytes(ED25519_KEY_SIZE)));

export function ed25519PublicKey(publicKey: Uint8Array): KeyObject {
  if (publicKey.length !== ED25519_KEY_SIZE) ledgerFail('MALFORMED_KEY', 'Ed25519 public key must be 32 bytes');
  try {
    return createPublicKey({ key: Buffer.from(concatBytes(SPKI_HEADER, publicKey)), format: 'der', type: 'spki' });
  } catch {
    return ledgerFail('MALFORMED_KEY', 'not a valid Ed25519 public key');
  }
}

export const ed25519Sign = (key: KeyObject, message: Uint8Array): Uint8Array => new Uint8Array(sign(null, message, key));

export function ed25519Verify(key: KeyObject, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== ED25519_SIGNATURE_SIZE) return false;
  try {
    return verify(null, message, key, signature);
  } catch {
    return false;
  }
}
