/** tlog-checkpoint bodies: round trips, signed checkpoints, each malformed class. */
import { describe, expect, it } from 'vitest';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  emptyRoot,
  formatCheckpoint,
  generateNoteKey,
  openCheckpoint,
  parseCheckpoint,
  signNote,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

// The example body from c2sp.org/tlog-checkpoint.
const SPEC_BODY = 'example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n';
const ROOT = emptyRoot();
const ROOT_B64 = Buffer.from(ROOT).toString('base64');

describe('round trip', () => {
  it('parses the spec example', () => {
    const cp = parseCheckpoint(SPEC_BODY);
    expect(cp.origin).toBe('example.com/behind-the-sofa');
    expect(cp.size).toBe(20852163);
    expect(Buffer.from(cp.rootHash).toString('base64')).toBe('CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=');
    expect(cp.extensions).toEqual([]);
    expect(formatCheckpoint(cp)).toBe(SPEC_BODY);
  });

  it('keeps extension lines', () => {
    const body = `${SPEC_BODY}ext one\next-two\n`;
    const cp = parseCheckpoint(body);
    expect(cp.extensions).toEqual(['ext one', 'ext-two']);
    expect(formatCheckpoint(cp)).toBe(body);
  });

  it('size 0 is "0"', () => {
    const body = formatCheckpoint({ origin: 'o', size: 0, rootHash: ROOT, extensions: [] });
    expect(body).toBe(`o\n0\n${ROOT_B64}\n`);
    expect(parseCheckpoint(body).size).toBe(0);
  });

  it('opens a signed checkpoint and checks the origin', () => {
    const { signerKey, verifierKey } = generateNoteKey('example.com/log');
    const note = signNote(formatCheckpoint({ origin: 'example.com/log', size: 5, rootHash: ROOT, extensions: [] }), [ed25519NoteSigner(signerKey)]);
    const { checkpoint } = openCheckpoint(note, 'example.com/log', [ed25519NoteVerifier(verifierKey)]);
    expect(checkpoint.size).toBe(5);
    expectCode(() => openCheckpoint(note, 'example.com/other', [ed25519NoteVerifier(verifierKey)]), 'ORIGIN_MISMATCH');
  });

  it('parseCheckpoint with an expected origin: ORIGIN_MISMATCH', () => {
    expectCode(() => parseCheckpoint(SPEC_BODY, 'example.com/elsewhere'), 'ORIGIN_MISMATCH');
  });
});

describe('malformed checkpoints (MALFORMED_CHECKPOINT)', () => {
  const cases: Record<string, string> = {
    'no final newline': SPEC_BODY.trimEnd(),
    'only two lines': 'example.com/log\n5\n',
    'empty origin': `\n5\n${ROOT_B64}\n`,
    'size with leading zero': `o\n05\n${ROOT_B64}\n`,
    'negative size': `o\n-5\n${ROOT_B64}\n`,
    'size with plus sign': `o\n+5\n${ROOT_B64}\n`,
    'size with spaces': `o\n 5\n${ROOT_B64}\n`,
    'hex size': `o\n0x5\n${ROOT_B64}\n`,
    'size beyond 2^53': `o\n18446744073709551615\n${ROOT_B64}\n`,
    'root not base64': `o\n5\nnot base64!\n`,
    'root of 31 bytes': `o\n5\n${Buffer.alloc(31).toString('base64')}\n`,
    'root of 33 bytes': `o\n5\n${Buffer.alloc(33).toString('base64')}\n`,
    'root without padding': `o\n5\n${ROOT_B64.replace(/=$/, '')}\n`,
    'empty extension line': `o\n5\n${ROOT_B64}\n\n`,
    'control character in origin': `o\u0001\n5\n${ROOT_B64}\n`,
  };
  for (const [label, body] of Object.entries(cases)) {
    it(label, () => expectCode(() => parseCheckpoint(body), 'MALFORMED_CHECKPOINT'));
  }

  it('formatting refuses an origin with a newline', () => {
    expectCode(() => formatCheckpoint({ origin: 'a\nb', size: 1, rootHash: ROOT, extensions: [] }), 'MALFORMED_CHECKPOINT');
  });
  it('formatting refuses a bad size', () => {
    expectCode(() => formatCheckpoint({ origin: 'o', size: -1, rootHash: ROOT, extensions: [] }), 'MALFORMED_CHECKPOINT');
  });
  it('formatting refuses a short root', () => {
    expectCode(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: new Uint8Array(31), extensions: [] }), 'MALFORMED_CHECKPOINT');
  });
  it('formatting refuses an empty extension line', () => {
    expectCode(() => formatCheckpoint({ origin: 'o', size: 1, rootHash: ROOT, extensions: [''] }), 'MALFORMED_CHECKPOINT');
  });
});
