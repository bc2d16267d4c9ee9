/**
 * The offline check of an evidence package's RFC 3161 tokens (Node only; the browser
 * verifier carries tokens without checking them). Without trust anchors the token must
 * still be internally sound: its message imprint covers the checkpoint, and its signature
 * verifies with its signing certificate, which chains to a self-signed root carried in the
 * token (or is itself the anchor when the token carries no root). Who that TSA is can
 * only be pinned with anchors (`--tsa-ca`).
 */
import { X509Certificate } from 'node:crypto';
import { parseToken, verifyToken } from '../log/rfc3161.js';

export function checkTimestampToken(token: Uint8Array, data: Uint8Array, anchors?: readonly X509Certificate[]): string {
  if (anchors) return verifyToken(token, data, anchors).genTime.toISOString();
  const certs = parseToken(token).certificates.map((c) => new X509Certificate(Buffer.from(c)));
  const roots = certs.filter((c) => c.checkIssued(c));
  if (roots.some((c) => !c.verify(c.publicKey))) throw new Error('a root certificate in the token does not verify itself');
  // No root carried: the certificates no other certificate in the token issued are the top of what can be checked.
  const tops = certs.filter((c) => !certs.some((p) => p !== c && c.checkIssued(p) && c.verify(p.publicKey)));
  return verifyToken(token, data, roots.length > 0 ? roots : tops).genTime.toISOString();
}
