import { open } from 'node:fs/promises';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { AppError } from '../domain/errors.js';
import { checkContent, MAGIC_HEAD_BYTES, type FileKind } from '../domain/files.js';
import { errorMessage } from '../i18n/messages.js';
import { createPlatform } from '../platform.js';
import { MediaDecoder } from '../repositories/media.decoder.js';
import { Fingerprinter, type FilePrint, type SimilarityReport } from '../services/similarity.service.js';

/** The kind of a local file from its extension, checked against its first bytes like an upload. */
async function kindOf(file: string): Promise<FileKind> {
  const fh = await open(file, 'r').catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot open ${file}: ${e.code ?? e.message}`);
  });
  try {
    const head = Buffer.alloc(MAGIC_HEAD_BYTES);
    const { bytesRead } = await fh.read(head, 0, MAGIC_HEAD_BYTES, 0);
    return checkContent(path.basename(file), head.subarray(0, bytesRead)).kind;
  } catch (e) {
    if (e instanceof AppError) throw new Error(`${e.code}: ${errorMessage('en', e.code, e.details)}`, { cause: e });
    throw e;
  } finally {
    await fh.close();
  }
}

function describe(p: FilePrint): string {
  const lines = [`sha256      ${p.sha256}`, `kind        ${p.kind}`];
  if (p.pdq) lines.push(`pdq         ${p.pdq.hash}  quality ${p.pdq.quality}`);
  if (p.chromaprint) lines.push(`chromaprint ${p.chromaprint.fingerprint.slice(0, 60)}…  ${p.chromaprint.raw.length} values, ${p.chromaprint.duration} s`);
  if (p.video) lines.push(`video       ${p.video.duration} s, ${p.video.sampled} frames sampled, ${p.video.frames.length} distinct`);
  if (p.text) lines.push(`text        ${p.text.chars} characters (${p.text.normalizedChars} after normalisation), ${p.text.chunks} chunks${p.text.truncated ? ', truncated' : ''}`);
  if (p.error) lines.push(p.error);
  return lines.join('\n');
}

/** `cws fingerprint FILE`: prints the file's fingerprints; no database needed. */
export async function fingerprintCommand(file: string, opts: { json: boolean }): Promise<void> {
  const kind = await kindOf(file);
  const { print } = await new Fingerprinter(new MediaDecoder()).compute(file, kind);
  console.log(opts.json ? JSON.stringify(print) : describe(print));
  if (print.error) process.exitCode = 2;
}

function describeReport(r: SimilarityReport): string {
  if (r.matches.length === 0) return `no match among ${r.index.files} fingerprinted files`;
  const lines = r.matches.map((m) => {
    const who = `${m.target.title} (${m.target.registrationNumber ?? m.target.status}, ${m.target.ownerName}) — ${m.target.filename}`;
    const d = m.detail as Record<string, unknown>;
    const why = m.type === 'exact' ? 'same bytes' : m.type === 'image' ? `PDQ distance ${String(d.distance)} (${String(d.transform)})` : m.type === 'audio' ? `offset ${String(d.offsetSeconds)} s, bit error rate ${String(d.bitErrorRate)}` : m.type === 'video' ? `${Math.round(Number(d.matchA) * 100)} % of frames` : `${Math.round(m.score * 100)} % of the text in ${(d.passages as unknown[]).length} passages`;
    return `${m.type.padEnd(6)} ${m.score.toFixed(3)}  ${why}\n       ${who}  work ${m.target.workId}`;
  });
  return `${r.matches.length} match(es) among ${r.index.files} fingerprinted files:\n${lines.join('\n')}`;
}

/** `cws match FILE`: searches the registry of this data folder / database for the file. */
export async function matchCommand(file: string, opts: { json: boolean }): Promise<void> {
  const kind = await kindOf(file);
  const p = await createPlatform(loadConfig(), { logger: pino({ level: 'warn' }) });
  try {
    const { print, report } = await p.similarity.matchFile(file, kind);
    if (opts.json) console.log(JSON.stringify({ fingerprint: print, matches: report.matches, index: report.index }));
    else console.log(`${describe(print)}\n\n${describeReport(report)}`);
    process.exitCode = print.error ? 2 : report.matches.length > 0 ? 0 : 1;
  } finally {
    await p.close();
  }
}
