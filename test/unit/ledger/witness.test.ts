/** tlog-witness add-checkpoint: request wire format and the pure decision. */
import { describe, expect, it } from 'vitest';
import {
  consistencyProof,
  cosigner,
  decideAddCheckpoint,
  ed25519NoteSigner,
  ed25519NoteVerifier,
  emptyRoot,
  formatAddCheckpointRequest,
  formatCheckpoint,
  formatCosignerKey,
  generateNoteKey,
  leafHash,
  mergeCosignatures,
  nodeSourceFromLeaves,
  parseAddCheckpointRequest,
  rootAt,
  signNote,
  verifyCosignatures,
  witnessCheckpointPath,
  type AddCheckpointInput,
  type AddCheckpointOutcome,
  type LatestCheckpoint,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

const ORIGIN = 'example.com/log';
const logKey = generateNoteKey(ORIGIN);
const logSigner = ed25519NoteSigner(logKey.signerKey);
const logs = new Map([[ORIGIN, [ed25519NoteVerifier(logKey.verifierKey)]]]);
const witness = cosigner(generateNoteKey('witness.example/w1').signerKey);
const witnessVkey = formatCosignerKey(witness.name, witness.publicKey);
const NOW = 1_700_000_000;

const leaves = Array.from({ length: 20 }, (_, i) => leafHash(new TextEncoder().encode(`e${i}`)));
const node = nodeSourceFromLeaves(leaves);
const root = (size: number): Uint8Array => rootAt(size, node);
const checkpointNote = (size: number, rootHash = root(size), signer = logSigner, origin = ORIGIN): string =>
  signNote(formatCheckpoint({ origin, size, rootHash, extensions: [] }), [signer]);
const stored = (size: number): LatestCheckpoint => ({ size, rootHash: root(size) });

function decide(body: string | Uint8Array, latest: AddCheckpointInput['latest']): AddCheckpointOutcome {
  return decideAddCheckpoint({ request: body, logs, latest, cosigners: [witness], now: NOW });
}

const request = (oldSize: number, size: number, proof = oldSize > 0 && oldSize < size ? consistencyProof(oldSize, size, node) : []) =>
  formatAddCheckpointRequest({ oldSize, proof, checkpoint: checkpointNote(size) });

describe('request wire format', () => {
  it('round-trips', () => {
    const proof = consistencyProof(5, 13, node);
    const checkpoint = checkpointNote(13);
    const body = formatAddCheckpointRequest({ oldSize: 5, proof, checkpoint });
    expect(body.startsWith('old 5\n')).toBe(true);
    const parsed = parseAddCheckpointRequest(body);
    expect(parsed).toMatchObject({ oldSize: 5, proof, checkpoint });
    expect(parsed.claimed.origin).toBe(ORIGIN);
    expect(parseAddCheckpointRequest(new TextEncoder().encode(body)).checkpoint).toBe(checkpoint);
  });

  it('parses the spec example body', () => {
    const body =
      'old 20852014\nPlRNCrwHpqhGrupue0L7gxbjbMiKA9temvuZZDDpkaw=\njrJZDmY8Y7SyJE0MWLpLozkIVMSMZcD5kvuKxPC3swk=\n' +
      '5+pKlUdi2LeF/BcMHBn+Ku6yhPGNCswZZD1X/6QgPd8=\n/6WVhPs2CwSsb5rYBH5cjHV/wSmA79abXAwhXw3Kj/0=\n\n' +
      'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n\n' +
      '— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n' +
      '— example.com/behind-the-sofa opLqBQsREYCgu6xQkYQwJr9fo45a62DN9EdmHXnZdXNqlcVGlCum2Wks+49/V6267UEjw6QUXTS5Rovnzv++qbSzm9Q=\n';
    const parsed = parseAddCheckpointRequest(body);
    expect(parsed.oldSize).toBe(20852014);
    expect(parsed.proof).toHaveLength(4);
    expect(parsed.claimed).toMatchObject({ origin: 'example.com/behind-the-sofa', size: 20852163 });
  });

  it('monitoring path is the lowercase hex SHA-256 of the origin', () => {
    expect(witnessCheckpointPath('example.com/log')).toMatch(/^[0-9a-f]{64}\/checkpoint$/);
  });
});

describe('malformed requests', () => {
  const note = checkpointNote(3);
  const h = Buffer.from(root(1)).toString('base64');
  const framing: Record<string, string | Uint8Array> = {
    'empty body': '',
    'missing old line': `\n${note}`,
    'capitalised Old': `Old 0\n\n${note}`,
    'old size with leading zero': `old 01\n${h}\n\n${note}`,
    'negative old size': `old -1\n\n${note}`,
    'two spaces after old': `old  1\n\n${note}`,
    'no blank line before the checkpoint': `old 0\n${note}`,
    'proof line not base64': `old 1\nnot*base64\n\n${note}`,
    'proof line of 31 bytes': `old 1\n${Buffer.alloc(31).toString('base64')}\n\n${note}`,
    'proof line with trailing space': `old 1\n${h} \n\n${note}`,
    '64 proof lines': `old 1\n${`${h}\n`.repeat(64)}\n${note}`,
    'invalid UTF-8': Uint8Array.of(0x6f, 0x6c, 0x64, 0x20, 0xff, 0x0a),
  };
  for (const [label, body] of Object.entries(framing)) {
    it(`${label}: MALFORMED_WITNESS_REQUEST`, () => expectCode(() => parseAddCheckpointRequest(body), 'MALFORMED_WITNESS_REQUEST'));
  }

  it('63 proof lines are allowed', () => {
    expect(parseAddCheckpointRequest(`old 1\n${`${h}\n`.repeat(63)}\n${note}`).proof).toHaveLength(63);
  });
  it('unsigned checkpoint: MALFORMED_NOTE', () => {
    expectCode(() => parseAddCheckpointRequest(`old 0\n\n${formatCheckpoint({ origin: ORIGIN, size: 1, rootHash: root(1), extensions: [] })}`), 'MALFORMED_NOTE');
  });
  it('signed text that is not a checkpoint: MALFORMED_CHECKPOINT', () => {
    expectCode(() => parseAddCheckpointRequest(`old 0\n\n${signNote('hello\n', [logSigner])}`), 'MALFORMED_CHECKPOINT');
  });
  it('formatting more than 63 proof hashes: MALFORMED_WITNESS_REQUEST', () => {
    expectCode(() => formatAddCheckpointRequest({ oldSize: 1, proof: Array.from({ length: 64 }, () => root(1)), checkpoint: note }), 'MALFORMED_WITNESS_REQUEST');
  });
});

describe('add-checkpoint decision', () => {
  it('200: first checkpoint from old size 0; the cosignature verifies after merging', () => {
    const out = decide(request(0, 7), null);
    expect(out.status).toBe(200);
    if (out.status !== 200) return;
    expect(out.previousSize).toBe(0);
    expect(out.checkpoint.size).toBe(7);
    expect(out.body).toMatch(/^\u2014 witness\.example\/w1 \S+\n$/);
    const merged = mergeCosignatures(checkpointNote(7), out.body);
    expect(verifyCosignatures(merged, [witnessVkey])).toEqual([{ name: witness.name, keyId: witness.keyId, timestamp: NOW }]);
  });

  it('200: extends the stored checkpoint with a consistency proof', () => {
    const out = decide(request(7, 13), stored(7));
    expect(out).toMatchObject({ status: 200, previousSize: 7 });
  });

  it('200: same size and same root again', () => {
    expect(decide(request(7, 7), stored(7)).status).toBe(200);
  });

  it('200: an empty checkpoint with the empty root', () => {
    expect(decide(request(0, 0), null).status).toBe(200);
  });

  it('200: `latest` may be a lookup by origin', () => {
    const latest = (origin: string) => (origin === ORIGIN ? stored(7) : null);
    expect(decide(request(7, 9), latest).status).toBe(200);
  });

  it('400: malformed body', () => {
    expect(decide('garbage', null)).toMatchObject({ status: 400, code: 'MALFORMED_WITNESS_REQUEST' });
  });

  it('400: old size larger than the checkpoint size', () => {
    expect(decide(request(9, 7, []), stored(9))).toMatchObject({ status: 400, code: 'BAD_SIZE' });
  });

  it('404: unknown origin', () => {
    const other = generateNoteKey('example.com/other');
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: checkpointNote(3, root(3), ed25519NoteSigner(other.signerKey), 'example.com/other') });
    expect(decide(body, null)).toMatchObject({ status: 404, origin: 'example.com/other' });
  });

  it('403: no signature from the trusted log key', () => {
    const impostor = ed25519NoteSigner(generateNoteKey(ORIGIN).signerKey);
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: checkpointNote(3, root(3), impostor) });
    expect(decide(body, null)).toMatchObject({ status: 403, code: 'UNKNOWN_KEY' });
  });

  it('403: trusted key, bad signature', () => {
    const good = checkpointNote(3);
    const forged = good.replace(`\n3\n`, '\n4\n');
    expect(decide(formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: forged }), null)).toMatchObject({ status: 403, code: 'BAD_SIGNATURE' });
  });

  it('409: old size differs from the stored size, with the stored size as body', () => {
    expect(decide(request(5, 9), stored(7))).toMatchObject({ status: 409, latestSize: 7, body: '7\n', contentType: 'text/x.tlog.size' });
  });

  it('409: non-zero old size when nothing is stored yet', () => {
    expect(decide(request(5, 9), null)).toMatchObject({ status: 409, latestSize: 0, body: '0\n' });
  });

  it('409: old size 0 when a checkpoint is stored', () => {
    expect(decide(request(0, 9), stored(7))).toMatchObject({ status: 409, latestSize: 7 });
  });

  it('422: consistency proof does not verify', () => {
    const proof = consistencyProof(7, 13, node).map((h, i) => (i === 0 ? leafHash(h) : h));
    expect(decide(request(7, 13, proof), stored(7))).toMatchObject({ status: 422, code: 'PROOF_MISMATCH' });
  });

  it('422: consistency proof of the wrong length', () => {
    expect(decide(request(7, 13, consistencyProof(7, 13, node).slice(1)), stored(7))).toMatchObject({ status: 422, code: 'BAD_PROOF_LENGTH' });
  });

  it('422: the stored root differs (log fork)', () => {
    const forked: LatestCheckpoint = { size: 7, rootHash: leafHash(new Uint8Array([7])) };
    expect(decide(request(7, 13), forked)).toMatchObject({ status: 422, code: 'PROOF_MISMATCH' });
  });

  it('422: a proof is sent with old size 0', () => {
    expect(decide(request(0, 7, [root(1)]), null)).toMatchObject({ status: 422, code: 'BAD_PROOF_LENGTH' });
  });

  it('422: size 0 with a root other than the empty root', () => {
    const body = formatAddCheckpointRequest({ oldSize: 0, proof: [], checkpoint: checkpointNote(0, root(1)) });
    expect(decide(body, null)).toMatchObject({ status: 422 });
    expect(checkpointNote(0)).toContain(Buffer.from(emptyRoot()).toString('base64'));
  });

  it('422: same size but a different root', () => {
    const body = formatAddCheckpointRequest({ oldSize: 7, proof: [], checkpoint: checkpointNote(7, root(8)) });
    expect(decide(body, stored(7))).toMatchObject({ status: 422, code: 'PROOF_MISMATCH' });
  });

  it('refuses to run without a cosigner or a valid clock', () => {
    expect(() => decideAddCheckpoint({ request: request(0, 1), logs, latest: null, cosigners: [], now: NOW })).toThrow(TypeError);
    expect(() => decideAddCheckpoint({ request: request(0, 1), logs, latest: null, cosigners: [witness], now: 0 })).toThrow(TypeError);
  });
});
