import { spawnSync } from 'node:child_process';
import { webcrypto } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as x509 from '@peculiar/x509';
import { JPEG } from '@trustnxt/c2pa-ts/asset';
import { CoseAlgorithmIdentifier, LocalSigner } from '@trustnxt/c2pa-ts/cose';
import { ActionAssertion, DataHashAssertion, ManifestStore } from '@trustnxt/c2pa-ts/manifest';
import { crc32 } from '../../../src/provenance/bytes.js';
import { writeZip, zipEntry } from '../../../src/provenance/formats/zip.js';

/**
 * External tools (exiftool, ffmpeg, ffprobe) are the independent readers our writers are
 * checked against. A missing tool fails the test run loudly; CWS_AIGC_ALLOW_MISSING_TOOLS=1
 * turns that into a skip (for a laptop without them, never in CI).
 */
export function haveTool(name: string): boolean {
  const ok = spawnSync(name, [name === 'exiftool' ? '-ver' : '-version'], { encoding: 'utf8' }).status === 0;
  if (!ok && process.env.CWS_AIGC_ALLOW_MISSING_TOOLS !== '1') throw new Error(`${name} is required by the AIGC round-trip tests (apt-get install -y libimage-exiftool-perl ffmpeg); set CWS_AIGC_ALLOW_MISSING_TOOLS=1 to skip them`);
  if (!ok) console.warn(`\n!! ${name} missing: AIGC round-trip tests that need it are SKIPPED\n`);
  return ok;
}

function withTemp<T>(ext: string, data: Uint8Array, fn: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'cws-aigc-'));
  const file = path.join(dir, `f.${ext}`);
  writeFileSync(file, data);
  try {
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** exiftool's view of a file: `-G1 -a -u` JSON (tag names like "XMP-TC260:Aigc"). */
export function exiftool(data: Uint8Array, ext: string): Record<string, unknown> {
  return withTemp(ext, data, (file) => {
    const r = spawnSync('exiftool', ['-j', '-G1', '-a', '-u', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`exiftool failed: ${r.stderr}`);
    return (JSON.parse(r.stdout) as Record<string, unknown>[])[0]!;
  });
}

export function ffprobeTags(data: Uint8Array, ext: string): Record<string, string> {
  return withTemp(ext, data, (file) => {
    const r = spawnSync('ffprobe', ['-v', 'error', '-show_format', '-show_streams', '-of', 'json', file], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`ffprobe failed: ${r.stderr}`);
    // Ogg keeps its comments per stream; other containers per file.
    const j = JSON.parse(r.stdout) as { format: { tags?: Record<string, string> }; streams?: { tags?: Record<string, string> }[] };
    return Object.assign({}, ...(j.streams ?? []).map((st) => st.tags ?? {}), j.format.tags ?? {}) as Record<string, string>;
  });
}

/** Decodes the whole file with ffmpeg; returns its error output ('' when clean). */
export function ffmpegDecodeErrors(data: Uint8Array, ext: string): string {
  return withTemp(ext, data, (file) => {
    const r = spawnSync('ffmpeg', ['-v', 'error', '-i', file, '-f', 'null', '-'], { encoding: 'utf8' });
    return r.status === 0 ? r.stderr.trim() : `exit ${r.status}: ${r.stderr}`;
  });
}

/** A one-second test signal encoded by ffmpeg (lavfi sources: no input files). */
export function ffmpegSample(ext: 'mp3' | 'flac' | 'm4a' | 'mp4' | 'ogg' | 'opus' | 'wav' | 'mov'): Buffer {
  const dir = mkdtempSync(path.join(tmpdir(), 'cws-aigc-'));
  const out = path.join(dir, `s.${ext}`);
  const video = ext === 'mp4' || ext === 'mov';
  const args = ['-v', 'error', '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=16000:duration=1'];
  if (video) args.push('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=10:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p');
  if (ext === 'm4a' || video) args.push('-c:a', 'aac');
  if (ext === 'ogg') args.push('-c:a', 'libvorbis');
  args.push('-shortest', '-y', out);
  const r = spawnSync('ffmpeg', args, { encoding: 'utf8' });
  try {
    if (r.status !== 0) throw new Error(`ffmpeg could not make a ${ext} sample: ${r.stderr}`);
    return readFileSync(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** A 16-bit mono PCM WAV of a sine tone, built by hand. */
export function wavSample(seconds = 0.5, rate = 8000): Buffer {
  const n = Math.round(seconds * rate);
  const data = Buffer.alloc(n * 2);
  for (let i = 0; i < n; i++) data.writeInt16LE(Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / rate)), 2 * i);
  const fmt = Buffer.alloc(16);
  fmt.writeUInt16LE(1, 0);
  fmt.writeUInt16LE(1, 2);
  fmt.writeUInt32LE(rate, 4);
  fmt.writeUInt32LE(rate * 2, 8);
  fmt.writeUInt16LE(2, 12);
  fmt.writeUInt16LE(16, 14);
  const chunk = (id: string, b: Buffer) => {
    const h = Buffer.alloc(8);
    h.write(id, 0, 'latin1');
    h.writeUInt32LE(b.length, 4);
    return Buffer.concat([h, b]);
  };
  const body = Buffer.concat([Buffer.from('WAVE'), chunk('fmt ', fmt), chunk('data', data)]);
  const head = Buffer.alloc(8);
  head.write('RIFF', 0, 'latin1');
  head.writeUInt32LE(body.length, 4);
  return Buffer.concat([head, body]);
}

/** A one-page PDF with a classic cross-reference table and an Info dictionary, offsets computed. */
export function pdfSample(info = '/Producer (CWS test) /Title (sample)'): Buffer {
  const objs = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources << >> >>',
    null,
    `<< ${info} >>`,
  ];
  const content = '0 0 1 rg 20 20 160 160 re f';
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(Buffer.byteLength(out, 'latin1'));
    out += o === null ? `${i + 1} 0 obj\n<< /Length ${content.length} >>\nstream\n${content}\nendstream\nendobj\n` : `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objs.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objs.length + 1} /Root 1 0 R /Info 5 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** A minimal WordprocessingML document with one paragraph per line of `text`. */
export function docxSample(text: string): Buffer {
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const parts: [string, string][] = [
    ['[Content_Types].xml', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'],
    ['_rels/.rels', '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>'],
    ['word/document.xml', `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${text.split('\n').map((l) => `<w:p><w:r><w:t xml:space="preserve">${esc(l)}</w:t></w:r></w:p>`).join('')}</w:body></w:document>`],
  ];
  return writeZip(parts.map(([n, t]) => zipEntry(n, Buffer.from(t, 'utf8'))));
}

export const IPTC = 'http://cv.iptc.org/newscodes/digitalsourcetype/';

/**
 * Signs a JPEG with a C2PA manifest of our own: an ES256 leaf certificate issued by a test
 * CA made on the spot (meeting the C2PA certificate profile), a data-hash binding and a
 * `c2pa.created` action with the given digital source type.
 */
export async function signJpegC2pa(jpeg: Uint8Array, sourceType = `${IPTC}trainedAlgorithmicMedia`, generator = 'CWS test generator'): Promise<Buffer> {
  x509.cryptoProvider.set(webcrypto as unknown as Crypto);
  const alg = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
  const caKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const leafKeys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
  const notBefore = new Date(Date.now() - 86_400_000);
  const notAfter = new Date(Date.now() + 365 * 86_400_000);
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01', name: 'CN=CWS Test CA, O=Copyright Workstation tests', notBefore, notAfter, keys: caKeys as CryptoKeyPair, signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(true, 0, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true), await x509.SubjectKeyIdentifierExtension.create(caKeys.publicKey as CryptoKey)],
  });
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '02', subject: 'CN=CWS Test Signer, O=Copyright Workstation tests', issuer: ca.subject, notBefore, notAfter, signingKey: caKeys.privateKey as CryptoKey, publicKey: leafKeys.publicKey as CryptoKey, signingAlgorithm: alg,
    extensions: [new x509.BasicConstraintsExtension(false, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true), new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.emailProtection]), await x509.AuthorityKeyIdentifierExtension.create(ca), await x509.SubjectKeyIdentifierExtension.create(leafKeys.publicKey as CryptoKey)],
  });
  const pkcs8 = new Uint8Array(await webcrypto.subtle.exportKey('pkcs8', leafKeys.privateKey as CryptoKey));
  const signer = new LocalSigner(pkcs8, CoseAlgorithmIdentifier.ES256, leaf, [ca]);
  const asset = new JPEG(jpeg);
  const store = new ManifestStore();
  const manifest = store.createManifest({ assetFormat: 'image/jpeg', instanceID: 'xmp:iid:cws-test-0001', defaultHashAlgorithm: 'SHA-256', signer });
  manifest.claim!.claimGeneratorName = generator;
  const actions = new ActionAssertion();
  actions.actions = [{ action: 'c2pa.created' as never, digitalSourceType: sourceType as never, softwareAgent: { name: generator } }];
  manifest.addAssertion(actions);
  const hash = DataHashAssertion.create('SHA-256');
  manifest.addAssertion(hash);
  await asset.ensureManifestSpace(store.measureSize());
  await hash.updateWithAsset(asset);
  await manifest.sign(signer);
  await asset.writeManifestJUMBF(store.getBytes());
  return Buffer.from(await asset.getDataRange());
}

/** Inserts PNG text chunks after IHDR (built by hand: keyword NUL text). */
export function withTextChunks(png: Buffer, chunks: [type: 'tEXt' | 'iTXt', keyword: string, text: string][]): Buffer {
  const parts = chunks.map(([type, k, t]) => {
    const data = type === 'tEXt' ? Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0]), Buffer.from(t, 'latin1')]) : Buffer.concat([Buffer.from(k, 'latin1'), Buffer.from([0, 0, 0, 0, 0]), Buffer.from(t, 'utf8')]);
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(Buffer.from(type, 'latin1'), data));
    return Buffer.concat([len, Buffer.from(type, 'latin1'), data, crc]);
  });
  return Buffer.concat([png.subarray(0, 33), ...parts, png.subarray(33)]);
}

