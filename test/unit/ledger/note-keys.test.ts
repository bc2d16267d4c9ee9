/** Verifier (vkey) and signer (skey) key encodings. */
import { describe, expect, it } from 'vitest';
import {
  computeKeyId,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKey,
  parseSignerKey,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  SIG_TYPE_ED25519,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

// Published in golang/mod sumdb/note/note_test.go.
const VKEY = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const SKEY = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';

describe('round trips', () => {
  it('vkey parses and formats back identically', () => {
    const key = parseVerifierKey(VKEY);
    expect(key).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3, type: SIG_TYPE_ED25519 });
    expect(key.publicKey).toHaveLength(32);
    expect(formatVerifierKey(key)).toBe(VKEY);
  });

  it('skey parses, derives the published vkey’s public key, and formats back', () => {
    const key = parseSignerKey(SKEY);
    expect(key.publicKey).toEqual(parseVerifierKey(VKEY).publicKey);
    expect(formatSignerKey(key)).toBe(SKEY);
  });

  it('key ID is SHA-256(name || 0x0A || type || key)[:4]', () => {
    const key = parseVerifierKey(VKEY);
    expect(computeKeyId(key.name, SIG_TYPE_ED25519, key.publicKey)).toBe(0xc74f20a3);
    expect(computeKeyId(key.name, SIG_TYPE_COSIGNATURE_V1, key.publicKey)).not.toBe(0xc74f20a3);
  });

  it('generated keys work together and differ each time', () => {
    const a = generateNoteKey('example.com/log');
    const b = generateNoteKey('example.com/log');
    expect(a.signerKey).not.toBe(b.signerKey);
    const signer = ed25519NoteSigner(a.signerKey);
    const verifier = ed25519NoteVerifier(a.verifierKey);
    expect(signer.keyId).toBe(verifier.keyId);
    const msg = new TextEncoder().encode('x\n');
    expect(verifier.verify(msg, signer.sign(msg))).toBe(true);
  });

  it('a cosignature-type key pair can be generated', () => {
    const { verifierKey } = generateNoteKey('witness.example/w1', SIG_TYPE_COSIGNATURE_V1);
    expect(parseVerifierKey(verifierKey).type).toBe(SIG_TYPE_COSIGNATURE_V1);
  });
});

describe('malformed verifier keys (MALFORMED_KEY)', () => {
  const cases: Record<string, string> = {
    'missing parts': 'PeterNeumann+c74f20a3',
    'empty name': '+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'name with a space': 'Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'uppercase hex key ID': 'PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'short key ID': 'PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'wrong key ID': 'PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
    'bad base64': 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10T!',
    // From note_test.go: wrong length key / unknown algorithm, each with an adjusted key hash.
    'wrong key length': 'PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==',
    'unknown signature type': 'PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW',
  };
  for (const [label, vkey] of Object.entries(cases)) {
    it(label, () => expectCode(() => parseVerifierKey(vkey), 'MALFORMED_KEY'));
  }

  it('every proper substring and every single-byte change is rejected', () => {
    const bytes = [...VKEY];
    for (let i = 0; i <= bytes.length; i++) {
      for (let j = i + 1; j <= bytes.length; j++) {
        if (i !== 0 || j !== bytes.length) expectCode(() => parseVerifierKey(VKEY.slice(i, j)), 'MALFORMED_KEY');
      }
    }
    for (let i = 0; i < bytes.length; i++) {
      const changed = [...bytes];
      changed[i] = String.fromCharCode((VKEY.charCodeAt(i) + 1) % 128);
      expectCode(() => parseVerifierKey(changed.join('')), 'MALFORMED_KEY');
    }
  });

  it('an Ed25519 note verifier refuses a cosignature-type key', () => {
    const { verifierKey } = generateNoteKey('w', SIG_TYPE_COSIGNATURE_V1);
    expectCode(() => ed25519NoteVerifier(verifierKey), 'MALFORMED_KEY');
  });
});

describe('malformed signer keys (MALFORMED_KEY)', () => {
  const cases: Record<string, string> = {
    'no PRIVATE+KEY prefix': SKEY.replace('PRIVATE+KEY+', ''),
    'wrong key ID for the derived public key': SKEY.replace('c74f20a3', 'c74f20a4'),
    'different name than the key ID covers': SKEY.replace('PeterNeumann', 'PaulNeumann'),
    'seed too short': 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKA==',
    'a verifier key given as signer key': `PRIVATE+KEY+${VKEY}`,
  };
  for (const [label, skey] of Object.entries(cases)) {
    it(label, () => expectCode(() => parseSignerKey(skey), 'MALFORMED_KEY'));
  }

  it('every proper substring and every single-byte change is rejected', () => {
    for (let i = 0; i <= SKEY.length; i++) {
      for (let j = i + 1; j <= SKEY.length; j++) {
        if (i !== 0 || j !== SKEY.length) expectCode(() => parseSignerKey(SKEY.slice(i, j)), 'MALFORMED_KEY');
      }
    }
    for (let i = 0; i < SKEY.length; i++) {
      const changed = `${SKEY.slice(0, i)}${String.fromCharCode((SKEY.charCodeAt(i) + 1) % 128)}${SKEY.slice(i + 1)}`;
      expectCode(() => parseSignerKey(changed), 'MALFORMED_KEY');
    }
  });
});
