import { createHash, type X509Certificate } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { serializeEvidencePackage } from '../documents/evidence.js';
import { checkTimestampToken } from '../documents/evidence-timestamp.js';
import { EvidenceError, verifyEvidence } from '../documents/evidence-verify.js';
import { certificatesFromPem } from '../log/rfc3161.js';
import { createPlatform } from '../platform.js';

async function sha256File(file: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(file)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export interface VerifyOptions {
  content?: string[];
  key?: string[];
  tsaCa?: string;
  json?: boolean;
}

/**
 * `cws verify PACKAGE [--content FILE…] [--key VKEY…]`: checks an evidence package with no
 * network and no database. Exit 0 when valid (or valid as corrected); 1 with a stable reason
 * code and a sentence; 2 when the package is authentic but its proven events revoke the
 * registration, so that a script testing for 0 never accepts a revoked registration.
 */
export async function verifyCommand(file: string, opts: VerifyOptions): Promise<void> {
  const out = (ok: boolean, body: Record<string, unknown>, line: string) => {
    if (opts.json) console.log(JSON.stringify({ ok, ...body }, null, 2));
    else (ok ? console.log : console.error)(line);
    process.exitCode = ok ? 0 : 1;
  };
  try {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      throw new EvidenceError('MALFORMED', `cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    const contentHashes = [];
    for (const c of opts.content ?? []) {
      try {
        contentHashes.push({ name: path.basename(c), sha256: await sha256File(c) });
      } catch (e) {
        throw new EvidenceError('CONTENT_HASH_MISMATCH', `cannot read content file ${c}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      }
    }
    const trusted = [];
    for (const k of opts.key ?? []) trusted.push(k.includes('+') ? k : (await readFile(k, 'utf8')).trim());
    let anchors: X509Certificate[] | undefined;
    if (opts.tsaCa) {
      try {
        anchors = certificatesFromPem(await readFile(opts.tsaCa, 'utf8'));
      } catch (e) {
        throw new EvidenceError('MALFORMED', `cannot read TSA certificates from ${opts.tsaCa}: ${(e as Error).message}`);
      }
    }
    const v = verifyEvidence(text, {
      contentHashes,
      ...(trusted.length > 0 ? { trustedLogKeys: trusted } : {}),
      checkTimestamp: (token, data) => checkTimestampToken(token, data, anchors),
    });
    const revoked = v.state === 'revoked';
    const lines = [
      `${revoked ? 'REVOKED (authentic package of a revoked registration)' : v.state === 'corrected' ? 'VALID (corrected)' : 'VALID'}: ${v.registrationNumber} is entry ${v.index} of ${v.origin}, proven in the checkpoint of size ${v.treeSize} signed by the log's key`,
      ...v.witnesses.map((w) => `  cosigned by witness ${w.name} at ${new Date(w.timestamp * 1000).toISOString()}`),
      ...v.timestamps.map((t) => `  RFC 3161 timestamp ${t.genTime} from ${t.tsaUrl} ${anchors ? '(signature chains to the given TSA certificates)' : "(imprint and TSA signature checked; pass --tsa-ca to pin the TSA's identity)"}`),
      ...v.content.map((c) => `  ${c.name}: SHA-256 ${c.sha256} is registered file ${c.fileId}`),
      ...v.events.map((e) => `  entry ${e.index}: ${e.kind} at ${e.createdAt}${e.columns.length > 0 ? ` of ${e.columns.join(', ')}` : ''}${e.reason !== null ? ` — reason: ${e.reason}` : ''}`),
      trusted.length === 0 ? "  note: the log's key was taken from the package; pass --key with a copy obtained independently to pin it" : '  the log key matches a trusted key',
    ];
    out(true, { verdict: v }, lines.join('\n'));
    if (revoked) process.exitCode = 2;
  } catch (e) {
    if (!(e instanceof EvidenceError)) throw e;
    out(false, { code: e.code, message: e.message }, `INVALID ${e.code}: ${e.message}`);
  }
}

/** `cws evidence NUMBER -o FILE`: exports the evidence package of a registration. */
export async function evidenceCommand(number: string, opts: { output: string }): Promise<void> {
  const p = await createPlatform(loadConfig(), { logger: pino({ level: 'warn' }) });
  try {
    const pkg = await p.evidence.packageByNumber(number);
    await writeFile(opts.output, serializeEvidencePackage(pkg));
    console.log(`wrote ${opts.output}: evidence package of ${number} (entry ${pkg.entry.index}, checkpoint size ${pkg.inclusionProof.treeSize})`);
  } finally {
    await p.close();
  }
}
