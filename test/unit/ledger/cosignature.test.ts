/** tlog-cosignature (Ed25519, cosignature/v1): signing, verification, malformed input. */
import { createPublicKey, verify } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  computeKeyId,
  cosignatureLine,
  cosignatureVerifier,
  cosignedMessage,
  cosigner,
  decodeTimestampedSignature,
  ed25519NoteSigner,
  encodeTimestampedSignature,
  formatCheckpoint,
  formatCosignerKey,
  generateNoteKey,
  leafHash,
  parseNote,
  parseVerifierKey,
  SIG_TYPE_COSIGNATURE_V1,
  signNote,
  verifyCosignatures,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

const body = formatCheckpoint({ origin: 'example.com/log', size: 3, rootHash: leafHash(new Uint8Array([1])), extensions: [] });
const log = generateNoteKey('example.com/log');
const logNote = signNote(body, [ed25519NoteSigner(log.signerKey)]);
const witnessKeys = generateNoteKey('witness.example/w1');
const witness = cosigner(witnessKeys.signerKey);
const witnessVkey = formatCosignerKey(witness.name, witness.publicKey);
const T = 1679315147;

describe('signed message and encoding', () => {
  it('is "cosignature/v1\\ntime <t>\\n" followed by the checkpoint body', () => {
    expect(new TextDecoder().decode(cosignedMessage(body, T))).toBe(`cosignature/v1\ntime ${T}\n${body}`);
  });

  it('the signature is timestamp (u64 big-endian) || Ed25519 over the message', () => {
    const sig = witness.cosign(body, T);
    expect(sig.signature).toHaveLength(72);
    expect(Buffer.from(sig.signature.subarray(0, 8)).readBigUInt64BE()).toBe(BigInt(T));
    const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), witness.publicKey]);
    const pub = createPublicKey({ key: spki, format: 'der', type: 'spki' });
    expect(verify(null, cosignedMessage(body, T), pub, sig.signature.subarray(8))).toBe(true);
  });

  it('the key ID uses signature type 0x04', () => {
    expect(witness.keyId).toBe(computeKeyId(witness.name, SIG_TYPE_COSIGNATURE_V1, witness.publicKey));
    const vkey = parseVerifierKey(witnessVkey);
    expect(vkey).toMatchObject({ type: 0x04, keyId: witness.keyId });
  });

  it('timestamped signatures round-trip', () => {
    const ts = { timestamp: T, signature: new Uint8Array(64).fill(7) };
    expect(decodeTimestampedSignature(encodeTimestampedSignature(ts))).toEqual(ts);
  });
});

describe('cosigning a checkpoint', () => {
  const cosigned = `${logNote}${cosignatureLine(witness, body, T)}`;

  it('verifies and reports the timestamp', () => {
    expect(verifyCosignatures(cosigned, [witnessVkey])).toEqual([{ name: witness.name, keyId: witness.keyId, timestamp: T }]);
  });

  it('a cosigner accepts an skey of type 0x04 too, with the same key ID', () => {
    const seedKey = generateNoteKey('witness.example/w2', SIG_TYPE_COSIGNATURE_V1);
    const c = cosigner(seedKey.signerKey);
    expect(formatCosignerKey(c.name, c.publicKey)).toBe(seedKey.verifierKey);
  });

  it('different timestamps give different signatures that both verify', () => {
    const a = witness.cosign(body, T);
    const b = witness.cosign(body, T + 1);
    expect(a.signature).not.toEqual(b.signature);
    const v = cosignatureVerifier(witnessVkey);
    const text = new TextEncoder().encode(body);
    expect(v.verify(text, a.signature) && v.verify(text, b.signature)).toBe(true);
  });

  it('a timestamp after notAfter is rejected: BAD_SIGNATURE', () => {
    expectCode(() => verifyCosignatures(cosigned, [witnessVkey], { notAfter: T - 1 }), 'BAD_SIGNATURE');
  });

  it('a tampered timestamp fails: BAD_SIGNATURE', () => {
    const sig = witness.cosign(body, T);
    const bumped = Uint8Array.from(sig.signature);
    bumped[7] = (bumped[7] ?? 0) ^ 1;
    const line = cosignatureLine({ ...witness, cosign: () => ({ ...sig, signature: bumped }) }, body, T);
    expectCode(() => verifyCosignatures(`${logNote}${line}`, [witnessVkey]), 'BAD_SIGNATURE');
  });

  it('a cosignature over a different checkpoint fails: BAD_SIGNATURE', () => {
    const other = formatCheckpoint({ origin: 'example.com/log', size: 4, rootHash: leafHash(new Uint8Array([2])), extensions: [] });
    const note = `${signNote(other, [ed25519NoteSigner(log.signerKey)])}${cosignatureLine(witness, body, T)}`;
    expectCode(() => verifyCosignatures(note, [witnessVkey]), 'BAD_SIGNATURE');
  });

  it('a plain Ed25519 note signature by the witness key is not a cosignature: UNKNOWN_KEY', () => {
    const note = signNote(body, [ed25519NoteSigner(witnessKeys.signerKey)]);
    expectCode(() => verifyCosignatures(note, [witnessVkey]), 'UNKNOWN_KEY');
  });

  it('no cosignature from a trusted witness: UNKNOWN_KEY', () => {
    expectCode(() => verifyCosignatures(logNote, [witnessVkey]), 'UNKNOWN_KEY');
  });

  it('the log signature stays an unverified signature when opening with witness keys', () => {
    const sigs = parseNote(cosigned).signatures.map((s) => s.name);
    expect(sigs).toEqual(['example.com/log', 'witness.example/w1']);
  });
});

describe('malformed input', () => {
  it('a cosignature of the wrong length does not verify', () => {
    const v = cosignatureVerifier(witnessVkey);
    expect(v.verify(new TextEncoder().encode(body), new Uint8Array(71))).toBe(false);
  });
  it('decoding a short cosignature: MALFORMED_COSIGNATURE', () => {
    expectCode(() => decodeTimestampedSignature(new Uint8Array(71)), 'MALFORMED_COSIGNATURE');
  });
  it('decoding a timestamp beyond 2^53: MALFORMED_COSIGNATURE', () => {
    const bytes = new Uint8Array(72);
    bytes[0] = 0x7f;
    expectCode(() => decodeTimestampedSignature(bytes), 'MALFORMED_COSIGNATURE');
  });
  it('signing with a negative timestamp: MALFORMED_COSIGNATURE', () => {
    expectCode(() => witness.cosign(body, -1), 'MALFORMED_COSIGNATURE');
  });
  it('cosigning text that is not a checkpoint: MALFORMED_CHECKPOINT', () => {
    expectCode(() => witness.cosign('just one line\n', T), 'MALFORMED_CHECKPOINT');
  });
  it('a cosignature verifier refuses a type 0x01 key: MALFORMED_KEY', () => {
    expectCode(() => cosignatureVerifier(log.verifierKey), 'MALFORMED_KEY');
  });
});
