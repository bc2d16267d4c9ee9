/** Signed notes: round trips, verification rules and each malformed input class. */
import { describe, expect, it } from 'vitest';
import {
  ed25519NoteSigner,
  ed25519NoteVerifier,
  formatSignatureLine,
  generateNoteKey,
  MAX_NOTE_SIGNATURES,
  openNote,
  parseNote,
  parseSignatureLines,
  signNote,
  type NoteSigner,
  type NoteVerifier,
} from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';

function keyPair(name: string): { signer: NoteSigner; verifier: NoteVerifier } {
  const { signerKey, verifierKey } = generateNoteKey(name);
  return { signer: ed25519NoteSigner(signerKey), verifier: ed25519NoteVerifier(verifierKey) };
}

const alice = keyPair('example.com/alice');
const bob = keyPair('example.com/bob');
const TEXT = 'hello\nworld\n';
const signed = signNote(TEXT, [alice.signer]);

describe('round trip', () => {
  it('sign then open returns the text and the signature', () => {
    const opened = openNote(signed, [alice.verifier]);
    expect(opened.text).toBe(TEXT);
    expect(opened.verified).toHaveLength(1);
    expect(opened.verified[0]?.keyId).toBe(alice.signer.keyId);
  });

  it('formats as text, blank line, em-dash signature lines', () => {
    expect(signed.startsWith(`${TEXT}\n\u2014 example.com/alice `)).toBe(true);
    expect(signed.endsWith('\n')).toBe(true);
  });

  it('text may contain blank lines; the last blank line separates the signatures', () => {
    const text = 'a\n\nb\n\n';
    const note = signNote(text, [alice.signer]);
    expect(openNote(note, [alice.verifier]).text).toBe(text);
  });

  it('a leading byte-order mark is part of the signed text', () => {
    const text = '\uFEFFbom\n';
    const bytes = new TextEncoder().encode(signNote(text, [alice.signer]));
    expect(openNote(bytes, [alice.verifier]).text).toBe(text);
  });

  it('non-ASCII text round-trips', () => {
    const text = '版权工作站 — ed è subito sera\n';
    expect(openNote(signNote(text, [alice.signer]), [alice.verifier]).text).toBe(text);
  });

  it('signatures from unknown keys are ignored but kept as unverified', () => {
    const note = signNote(TEXT, [alice.signer, bob.signer]);
    const opened = openNote(note, [alice.verifier]);
    expect(opened.verified.map((s) => s.name)).toEqual(['example.com/alice']);
    expect(opened.unverified.map((s) => s.name)).toEqual(['example.com/bob']);
  });

  it('several known keys all verify', () => {
    const opened = openNote(signNote(TEXT, [alice.signer, bob.signer]), [alice.verifier, bob.verifier]);
    expect(opened.verified).toHaveLength(2);
  });

  it('re-signing keeps existing signatures and replaces the signer’s own', () => {
    const first = parseNote(signNote(TEXT, [alice.signer, bob.signer]));
    const again = parseNote(signNote(TEXT, [alice.signer], first.signatures));
    expect(again.signatures.map((s) => s.name)).toEqual(['example.com/bob', 'example.com/alice']);
  });

  it('repeated identical signatures are reported once', () => {
    const line = signed.slice(TEXT.length + 1);
    expect(openNote(`${signed}${line}`, [alice.verifier]).verified).toHaveLength(1);
  });

  it(`accepts ${MAX_NOTE_SIGNATURES} signatures`, () => {
    const line = signed.slice(TEXT.length + 1);
    expect(openNote(`${TEXT}\n${line.repeat(MAX_NOTE_SIGNATURES)}`, [alice.verifier]).verified).toHaveLength(1);
  });

  it('signature lines parse on their own (witness responses)', () => {
    const sigs = parseNote(signed).signatures;
    expect(parseSignatureLines(sigs.map(formatSignatureLine).join(''))).toEqual(sigs);
  });
});

describe('verification failures', () => {
  it('no signature from a known key: UNKNOWN_KEY', () => {
    expectCode(() => openNote(signed, [bob.verifier]), 'UNKNOWN_KEY');
  });

  it('no verifiers at all: UNKNOWN_KEY', () => {
    expectCode(() => openNote(signed, []), 'UNKNOWN_KEY');
  });

  it('a known key’s bad signature rejects the note even beside a good one: BAD_SIGNATURE', () => {
    const forged = signNote('other\n', [alice.signer]).slice('other\n'.length + 1);
    expectCode(() => openNote(`${signed}${forged}`, [alice.verifier]), 'BAD_SIGNATURE');
  });

  it('a verifier with the same name and key ID but another key: BAD_SIGNATURE', () => {
    const impostor: NoteVerifier = { ...bob.verifier, name: alice.verifier.name, keyId: alice.verifier.keyId };
    expectCode(() => openNote(signed, [impostor]), 'BAD_SIGNATURE');
  });

  it('a blank line among signature lines turns the earlier ones into text: BAD_SIGNATURE', () => {
    const line = signed.slice(TEXT.length + 1);
    expectCode(() => openNote(`${signed}\n${line}`, [alice.verifier]), 'BAD_SIGNATURE');
  });

  it('two verifiers with the same name and key ID: AMBIGUOUS_KEY', () => {
    expectCode(() => openNote(signed, [alice.verifier, { ...alice.verifier }]), 'AMBIGUOUS_KEY');
  });
});

/** Sets an unused low bit in the last data character before '=' padding: same bytes, different text. */
function withPaddingBitSet(b64: string): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
  const body = b64.replace(/=+$/, '');
  const last = alphabet.indexOf(body.at(-1) ?? 'A');
  return `${body.slice(0, -1)}${alphabet[last | 1]}${b64.slice(body.length)}`;
}

describe('malformed notes (MALFORMED_NOTE)', () => {
  const sigLine = signed.slice(TEXT.length + 1);
  const [, name = '', b64 = ''] = /^\u2014 (\S+) (\S+)\n$/.exec(sigLine) ?? [];
  const cases: Record<string, string | Uint8Array> = {
    'no blank line before signatures': `${TEXT}${sigLine}`,
    'no signature lines': `${TEXT}\n`,
    'signature block without final newline': `${TEXT}\n${sigLine.trimEnd()}`,
    'hyphen instead of em dash': `${TEXT}\n- ${name} ${b64}\n`,
    'en dash instead of em dash': `${TEXT}\n\u2013 ${name} ${b64}\n`,
    'missing space after em dash': `${TEXT}\n\u2014${name} ${b64}\n`,
    'empty key name': `${TEXT}\n\u2014  ${b64}\n`,
    'key name with plus': `${TEXT}\n\u2014 a+b ${b64}\n`,
    'key name with no-break space': `${TEXT}\n\u2014 a\u00a0b ${b64}\n`,
    'two spaces before signature': `${TEXT}\n\u2014 ${name}  ${b64}\n`,
    'signature not base64': `${TEXT}\n\u2014 ${name} not*base64\n`,
    'signature base64 without padding': `${TEXT}\n\u2014 ${name} ${b64.replace(/=+$/, '')}\n`,
    'signature base64 non-canonical trailing bits': `${TEXT}\n\u2014 ${name} ${withPaddingBitSet(b64)}\n`,
    'signature shorter than key ID + 1 byte': `${TEXT}\n\u2014 ${name} AAAAAA==\n`,
    'empty signature': `${TEXT}\n\u2014 ${name} \n`,
    'carriage return in text': `hello\r\nworld\n\n${sigLine}`,
    'tab in text': `hello\tworld\n\n${sigLine}`,
    'NUL in text': `hello\u0000\n\n${sigLine}`,
    'lone surrogate in text': `hello\ud800\n\n${sigLine}`,
    'invalid UTF-8 bytes': Uint8Array.from([...new TextEncoder().encode('hello'), 0xff, ...new TextEncoder().encode(`\n\n${sigLine}`)]),
    [`more than ${MAX_NOTE_SIGNATURES} signatures`]: `${TEXT}\n${sigLine.repeat(MAX_NOTE_SIGNATURES + 1)}`,
    'empty input': '',
  };
  for (const [label, input] of Object.entries(cases)) {
    it(label, () => expectCode(() => openNote(input, [alice.verifier]), 'MALFORMED_NOTE'));
  }

  it('signing text without a final newline', () => expectCode(() => signNote('no newline', [alice.signer]), 'MALFORMED_NOTE'));
  it('signing text with a control character', () => expectCode(() => signNote('a\u0007\n', [alice.signer]), 'MALFORMED_NOTE'));
  it('signing with no signers', () => expectCode(() => signNote(TEXT, []), 'MALFORMED_NOTE'));
});
