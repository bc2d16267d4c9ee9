/**
 * The golang.org/x/mod/sumdb/note example (shared vectors) and the C2SP
 * signed-note spec example must verify; any alteration must not.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ed25519NoteSigner, ed25519NoteVerifier, openNote, parseVerifierKey, signNote } from '../../../src/ledger/index.js';
import { expectCode } from './helpers.js';
import { describeWithVectors } from './vectors.js';

interface NoteExample {
  vkey: string;
  text: string;
  signature_line: string;
}

describeWithVectors('golang mod note example', ['signed-note/golang-mod-note-example.json'], (dir) => {
  const ex = JSON.parse(fs.readFileSync(path.join(dir, 'signed-note/golang-mod-note-example.json'), 'utf8')) as NoteExample;
  const note = `${ex.text}\n${ex.signature_line}`;
  const verifier = ed25519NoteVerifier(ex.vkey);

  it('parses the verifier key', () => {
    const key = parseVerifierKey(ex.vkey);
    expect(key.name).toBe('PeterNeumann');
    expect(key.keyId).toBe(0xc74f20a3);
  });

  it('verifies', () => {
    const opened = openNote(note, [verifier]);
    expect(opened.text).toBe(ex.text);
    expect(opened.verified.map((s) => s.name)).toEqual(['PeterNeumann']);
    expect(opened.unverified).toEqual([]);
  });

  it('verifies when given as bytes', () => {
    expect(openNote(new TextEncoder().encode(note), [verifier]).text).toBe(ex.text);
  });

  it('signing with the matching published signer key reproduces the signature (Ed25519 is deterministic)', () => {
    // Signer key published next to this vkey in golang/mod sumdb/note/note_test.go (TestNewSigner).
    const signer = ed25519NoteSigner('PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz');
    expect(signNote(ex.text, [signer])).toBe(note);
  });

  it('altered text fails with BAD_SIGNATURE', () => {
    expectCode(() => openNote(`${ex.text.replace('answer', 'answers')}\n${ex.signature_line}`, [verifier]), 'BAD_SIGNATURE');
  });

  it('an extra text line fails with BAD_SIGNATURE', () => {
    expectCode(() => openNote(`${ex.text}extra\n\n${ex.signature_line}`, [verifier]), 'BAD_SIGNATURE');
  });

  /** The signature line with one byte of its decoded base64 XORed with 0x01. */
  function alterSignatureByte(at: number): string {
    const line = ex.signature_line.trimEnd();
    const cut = line.lastIndexOf(' ');
    const raw = Buffer.from(line.slice(cut + 1), 'base64');
    raw[at] = (raw[at] ?? 0) ^ 0x01;
    return `${line.slice(0, cut + 1)}${raw.toString('base64')}\n`;
  }

  it('altered signature bytes fail with BAD_SIGNATURE', () => {
    expectCode(() => openNote(`${ex.text}\n${alterSignatureByte(10)}`, [verifier]), 'BAD_SIGNATURE');
  });

  it('an altered key ID makes the signature unknown (UNKNOWN_KEY)', () => {
    expectCode(() => openNote(`${ex.text}\n${alterSignatureByte(0)}`, [verifier]), 'UNKNOWN_KEY');
  });

  it('an altered key name makes the signature unknown (UNKNOWN_KEY)', () => {
    expectCode(() => openNote(`${ex.text}\n${ex.signature_line.replace('PeterNeumann', 'PeterNeumann2')}`, [verifier]), 'UNKNOWN_KEY');
  });
});

describe('C2SP signed-note spec example', () => {
  // Facts from c2sp.org/signed-note, section "Verifier keys / Example".
  const vkey = 'example.com/foo+530d903a+AekyeRrm56hApGFkyQR4ZCbV54Id2LKaANYcrnKv3U2k';
  const note =
    'This is an example message.\n\n— example.com/foo Uw2QOkn8srV1yJGh2VYRlL1Tnagv1YEq6TfXppzi2ONncAlTgK7Ztg1ERYNZXsYjOBH3mFXmRKuwHjG1Yu72IneyaQM=\n';

  it('verifies', () => {
    expect(openNote(note, [ed25519NoteVerifier(vkey)]).text).toBe('This is an example message.\n');
  });

  it('fails for altered text', () => {
    expectCode(() => openNote(note.replace('example', 'exemple'), [ed25519NoteVerifier(vkey)]), 'BAD_SIGNATURE');
  });
});
