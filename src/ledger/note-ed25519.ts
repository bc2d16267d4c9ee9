/** Ed25519 note signers and verifiers (signature type 0x01) from vkey/skey strings. */
import { ed25519FromSeed, ed25519PublicKey, ed25519Sign, ed25519Verify } from './ed25519.js';
import { ledgerFail } from './errors.js';
import { parseSignerKey, parseVerifierKey, SIG_TYPE_ED25519, type SignerKey, type VerifierKey } from './note-keys.js';
import type { NoteSigner, NoteVerifier } from './note.js';

export function ed25519NoteVerifier(vkey: string | VerifierKey): NoteVerifier {
  const key = typeof vkey === 'string' ? parseVerifierKey(vkey) : vkey;
  if (key.type !== SIG_TYPE_ED25519) ledgerFail('MALFORMED_KEY', 'not an Ed25519 note key (type 0x01)');
  const publicKey = ed25519PublicKey(key.publicKey);
  return { name: key.name, keyId: key.keyId, verify: (text, sig) => ed25519Verify(publicKey, text, sig) };
}

export function ed25519NoteSigner(skey: string | SignerKey): NoteSigner {
  const key = typeof skey === 'string' ? parseSignerKey(skey) : skey;
  if (key.type !== SIG_TYPE_ED25519) ledgerFail('MALFORMED_KEY', 'not an Ed25519 note key (type 0x01)');
  const { privateKey } = ed25519FromSeed(key.seed);
  return { name: key.name, keyId: key.keyId, sign: (text) => ed25519Sign(privateKey, text) };
}
