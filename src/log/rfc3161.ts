/**
 * RFC 3161 time-stamp tokens for checkpoints: build the request, read the reply, and
 * verify a token (RFC 3161 §2.4.2 and the CMS SignedData of RFC 5652 §5) with node:crypto.
 * A token proves the checkpoint existed at `genTime`, signed by a TSA the operator trusts,
 * independently of our own key and clock.
 */
import { createHash, verify as verifySignature, X509Certificate } from 'node:crypto';
import { boolean, children, DerError, expectTag, generalizedTime, intValue, nullValue, octets, oid, oidToString, readTlv, sequence, unsignedInt, type Tlv } from './der.js';

const OID = {
  sha256: '2.16.840.1.101.3.4.2.1',
  sha384: '2.16.840.1.101.3.4.2.2',
  sha512: '2.16.840.1.101.3.4.2.3',
  signedData: '1.2.840.113549.1.7.2',
  tstInfo: '1.2.840.113549.1.9.16.1.4',
  contentTypeAttr: '1.2.840.113549.1.9.3',
  messageDigestAttr: '1.2.840.113549.1.9.4',
  rsaEncryption: '1.2.840.113549.1.1.1',
  sha256WithRsa: '1.2.840.113549.1.1.11',
  sha384WithRsa: '1.2.840.113549.1.1.12',
  sha512WithRsa: '1.2.840.113549.1.1.13',
  ecdsaSha256: '1.2.840.10045.4.3.2',
  ecdsaSha384: '1.2.840.10045.4.3.3',
  ecdsaSha512: '1.2.840.10045.4.3.4',
  ed25519: '1.3.101.112',
  timeStamping: '1.3.6.1.5.5.7.3.8',
};
const DIGESTS: Record<string, string> = { [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };

export class TimestampError extends Error {
  override readonly name = 'TimestampError';
}
const fail = (why: string): never => {
  throw new TimestampError(why);
};

/** TimeStampReq for a SHA-256 digest, asking for the TSA certificate in the token. */
export function timeStampRequest(digest: Uint8Array, nonce: Uint8Array): Uint8Array {
  if (digest.length !== 32) fail('a SHA-256 digest is 32 bytes');
  const imprint = sequence(sequence(oid(OID.sha256), nullValue()), octets(digest));
  return sequence(unsignedInt(Uint8Array.of(1)), imprint, unsignedInt(nonce), boolean(true));
}

export interface TstInfo {
  policy: string;
  hashAlgorithm: string;
  hashedMessage: Uint8Array;
  serialNumber: bigint;
  genTime: Date;
  nonce: bigint | undefined;
}

export interface ParsedToken {
  tstInfo: TstInfo;
  /** The DER TSTInfo the signature covers (through the messageDigest attribute). */
  eContent: Uint8Array;
  certificates: Uint8Array[];
  signer: { digestAlgorithm: string; signedAttrs: Tlv | undefined; signatureAlgorithm: string; signature: Uint8Array };
}

/** Reads a TimeStampResp; returns the token when the TSA granted the request. */
export function parseTimeStampResponse(der: Uint8Array): { status: number; token: Uint8Array | undefined; text: string } {
  try {
    const resp = expectTag(readTlv(der), 0x30, 'TimeStampResp');
    const [statusInfo, token] = children(resp);
    const fields = children(expectTag(statusInfo, 0x30, 'PKIStatusInfo'));
    const status = Number(intValue(fields[0]!));
    const text = fields[1] && fields[1].tag === 0x30 ? children(fields[1]).map((s) => new TextDecoder().decode(s.content)).join('; ') : '';
    return { status, token: token?.raw, text };
  } catch (e) {
    if (e instanceof DerError) return fail(`malformed time-stamp response: ${e.message}`);
    throw e;
  }
}

function parseTstInfo(der: Uint8Array): TstInfo {
  const f = children(expectTag(readTlv(der), 0x30, 'TSTInfo'));
  const [version, policy, imprint, serial, genTime, ...rest] = f;
  intValue(version!);
  const [alg, hashed] = children(expectTag(imprint, 0x30, 'MessageImprint'));
  const nonce = rest.find((t) => t.tag === 0x02);
  return {
    policy: oidToString(policy!),
    hashAlgorithm: oidToString(children(alg!)[0]!),
    hashedMessage: expectTag(hashed, 0x04, 'hashedMessage').content,
    serialNumber: intValue(serial!),
    genTime: generalizedTime(genTime!),
    nonce: nonce ? intValue(nonce) : undefined,
  };
}

/** Reads a TimeStampToken (CMS ContentInfo with SignedData over a TSTInfo). */
export function parseToken(token: Uint8Array): ParsedToken {
  try {
    const [type, explicit] = children(expectTag(readTlv(token), 0x30, 'ContentInfo'));
    if (oidToString(type!) !== OID.signedData) fail('token is not CMS SignedData');
    const signedData = expectTag(children(expectTag(explicit, 0xa0, 'content'))[0], 0x30, 'SignedData');
    const parts = children(signedData);
    const encap = children(expectTag(parts[2], 0x30, 'EncapsulatedContentInfo'));
    if (oidToString(encap[0]!) !== OID.tstInfo) fail('signed content is not a TSTInfo');
    const eContent = expectTag(children(expectTag(encap[1], 0xa0, 'eContent'))[0], 0x04, 'eContent').content;
    const certs = parts.find((p) => p.tag === 0xa0);
    const signerInfos = expectTag(parts.at(-1), 0x31, 'SignerInfos');
    const si = children(expectTag(children(signerInfos)[0], 0x30, 'SignerInfo'));
    const signedAttrs = si.find((t) => t.tag === 0xa0);
    const afterSid = si.slice(2);
    const digestAlg = children(afterSid[0]!)[0]!;
    const rest = afterSid.filter((t) => t.tag !== 0xa0 && t.tag !== 0xa1).slice(1);
    return {
      tstInfo: parseTstInfo(eContent),
      eContent,
      certificates: certs ? children(certs).map((c) => c.raw) : [],
      signer: { digestAlgorithm: oidToString(digestAlg), signedAttrs, signatureAlgorithm: oidToString(children(rest[0]!)[0]!), signature: expectTag(rest[1], 0x04, 'signature').content },
    };
  } catch (e) {
    if (e instanceof DerError) return fail(`malformed time-stamp token: ${e.message}`);
    throw e;
  }
}

const digest = (alg: string, data: Uint8Array): Buffer => createHash(DIGESTS[alg] ?? fail(`unsupported digest ${alg}`)).update(data).digest();

function attribute(attrs: Tlv, type: string): Tlv | undefined {
  for (const a of children(attrs)) {
    const [t, values] = children(a);
    if (oidToString(t!) === type) return children(values!)[0];
  }
  return undefined;
}

function checkSignature(p: ParsedToken, cert: X509Certificate): boolean {
  if (!p.signer.signedAttrs) return false;
  // The signature covers the attributes re-tagged as a SET (RFC 5652 §5.4).
  const signed = Buffer.from(p.signer.signedAttrs.raw);
  signed[0] = 0x31;
  const alg = p.signer.signatureAlgorithm;
  const hash = alg === OID.ed25519 ? null : alg === OID.rsaEncryption ? DIGESTS[p.signer.digestAlgorithm] : ({ [OID.sha256WithRsa]: 'sha256', [OID.sha384WithRsa]: 'sha384', [OID.sha512WithRsa]: 'sha512', [OID.ecdsaSha256]: 'sha256', [OID.ecdsaSha384]: 'sha384', [OID.ecdsaSha512]: 'sha512' } as Record<string, string>)[alg];
  if (hash === undefined) return fail(`unsupported signature algorithm ${alg}`);
  try {
    return verifySignature(hash, signed, cert.publicKey, p.signer.signature);
  } catch {
    return false;
  }
}

/** Loads PEM certificates (the TSA's trust anchors). */
export function certificatesFromPem(pem: string): X509Certificate[] {
  return (pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? []).map((c) => new X509Certificate(c));
}

/**
 * Verifies that `token` time-stamps `data` and, when `anchors` are given, that a
 * time-stamping certificate chaining to one of them signed it. Returns the TSTInfo.
 */
export function verifyToken(token: Uint8Array, data: Uint8Array, anchors?: readonly X509Certificate[]): TstInfo {
  const p = parseToken(token);
  const info = p.tstInfo;
  if (!DIGESTS[info.hashAlgorithm]) fail(`unsupported imprint algorithm ${info.hashAlgorithm}`);
  if (Buffer.compare(digest(info.hashAlgorithm, data), info.hashedMessage) !== 0) fail('the token is for other data (message imprint differs)');
  if (!anchors) return info;
  const attrs = p.signer.signedAttrs ?? fail('token has no signed attributes');
  const ct = attribute(attrs, OID.contentTypeAttr);
  if (!ct || oidToString(ct) !== OID.tstInfo) fail('content-type attribute is not TSTInfo');
  const md = attribute(attrs, OID.messageDigestAttr);
  if (!md || Buffer.compare(expectTag(md, 0x04, 'messageDigest').content, digest(p.signer.digestAlgorithm, p.eContent)) !== 0) fail('message-digest attribute does not match the TSTInfo');
  const certs = p.certificates.map((c) => new X509Certificate(Buffer.from(c)));
  const signer = certs.find((c) => checkSignature(p, c)) ?? fail('no certificate in the token verifies its signature');
  if (!(signer.keyUsage ?? []).includes(OID.timeStamping)) fail('signing certificate is not for time stamping');
  const at = info.genTime.getTime();
  // Walk up through the token's certificates to a trust anchor, each valid at genTime.
  let cert = signer;
  for (let depth = 0; depth < 8; depth++) {
    if (at < Date.parse(cert.validFrom) || at > Date.parse(cert.validTo)) fail(`certificate ${cert.subject} was not valid at ${info.genTime.toISOString()}`);
    if (anchors.some((a) => a.fingerprint256 === cert.fingerprint256 || (cert.checkIssued(a) && cert.verify(a.publicKey)))) return info;
    const parent = certs.find((c) => c !== cert && cert.checkIssued(c) && cert.verify(c.publicKey));
    if (!parent) break;
    cert = parent;
  }
  return fail('the signing certificate does not chain to a trusted TSA certificate');
}
