import { AppError } from './errors.js';

export type FileKind = 'image' | 'audio' | 'video' | 'pdf' | 'text' | 'document' | 'archive';

interface TypeRule {
  ext: string;
  mediaType: string;
  kind: FileKind;
  /** Checks the first bytes (at least 64 of them when the file is that long). */
  magic: (b: Buffer) => boolean;
}

const at = (b: Buffer, off: number, ascii: string): boolean => b.subarray(off, off + ascii.length).toString('latin1') === ascii;
const bytes = (b: Buffer, sig: number[]): boolean => sig.every((x, i) => b[i] === x);
const isZip = (b: Buffer): boolean => bytes(b, [0x50, 0x4b, 0x03, 0x04]) || bytes(b, [0x50, 0x4b, 0x05, 0x06]);
const isoBrand = (b: Buffer, brands: string[]): boolean => at(b, 4, 'ftyp') && brands.some((x) => at(b, 8, x));
const isMp3 = (b: Buffer): boolean => at(b, 0, 'ID3') || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0);

/**
 * Text has no magic number; we accept it when the head is valid UTF-8 without NULs.
 * That still rejects an executable or an image renamed to .txt.
 */
function looksLikeText(b: Buffer): boolean {
  if (b.includes(0)) return false;
  // A multi-byte character may be cut at the end of the sampled head; drop up to 3 bytes.
  for (let cut = 0; cut < 4 && cut <= b.length; cut++) {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(0, b.length - cut));
      return true;
    } catch {
      /* try a shorter head */
    }
  }
  return false;
}

const RULES: TypeRule[] = [
  { ext: 'png', mediaType: 'image/png', kind: 'image', magic: (b) => bytes(b, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]) },
  { ext: 'jpg', mediaType: 'image/jpeg', kind: 'image', magic: (b) => bytes(b, [0xff, 0xd8, 0xff]) },
  { ext: 'jpeg', mediaType: 'image/jpeg', kind: 'image', magic: (b) => bytes(b, [0xff, 0xd8, 0xff]) },
  { ext: 'gif', mediaType: 'image/gif', kind: 'image', magic: (b) => at(b, 0, 'GIF87a') || at(b, 0, 'GIF89a') },
  { ext: 'webp', mediaType: 'image/webp', kind: 'image', magic: (b) => at(b, 0, 'RIFF') && at(b, 8, 'WEBP') },
  { ext: 'tif', mediaType: 'image/tiff', kind: 'image', magic: (b) => at(b, 0, 'II*\0') || at(b, 0, 'MM\0*') },
  { ext: 'tiff', mediaType: 'image/tiff', kind: 'image', magic: (b) => at(b, 0, 'II*\0') || at(b, 0, 'MM\0*') },
  { ext: 'mp3', mediaType: 'audio/mpeg', kind: 'audio', magic: isMp3 },
  { ext: 'wav', mediaType: 'audio/wav', kind: 'audio', magic: (b) => at(b, 0, 'RIFF') && at(b, 8, 'WAVE') },
  { ext: 'flac', mediaType: 'audio/flac', kind: 'audio', magic: (b) => at(b, 0, 'fLaC') },
  { ext: 'ogg', mediaType: 'audio/ogg', kind: 'audio', magic: (b) => at(b, 0, 'OggS') },
  { ext: 'm4a', mediaType: 'audio/mp4', kind: 'audio', magic: (b) => isoBrand(b, ['M4A ', 'mp42', 'isom']) },
  { ext: 'mp4', mediaType: 'video/mp4', kind: 'video', magic: (b) => at(b, 4, 'ftyp') },
  { ext: 'mov', mediaType: 'video/quicktime', kind: 'video', magic: (b) => at(b, 4, 'ftyp') || at(b, 4, 'moov') || at(b, 4, 'wide') || at(b, 4, 'mdat') },
  { ext: 'webm', mediaType: 'video/webm', kind: 'video', magic: (b) => bytes(b, [0x1a, 0x45, 0xdf, 0xa3]) },
  { ext: 'pdf', mediaType: 'application/pdf', kind: 'pdf', magic: (b) => at(b, 0, '%PDF-') },
  { ext: 'txt', mediaType: 'text/plain; charset=utf-8', kind: 'text', magic: looksLikeText },
  { ext: 'md', mediaType: 'text/markdown; charset=utf-8', kind: 'text', magic: looksLikeText },
  { ext: 'docx', mediaType: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', kind: 'document', magic: isZip },
  { ext: 'zip', mediaType: 'application/zip', kind: 'archive', magic: isZip },
];

export const ALLOWED_EXTENSIONS = [...new Set(RULES.map((r) => r.ext))];
export const MAGIC_HEAD_BYTES = 4096;

/** Longest file name we keep; longer ones are refused rather than silently cut. */
const MAX_NAME = 255;

/**
 * Refuses names that try to escape a folder or smuggle control characters, instead of
 * silently rewriting them: the creator should know what name the registry keeps.
 */
export function checkFileName(raw: string): string {
  const name = raw.normalize('NFC');
  // eslint-disable-next-line no-control-regex
  const bad = /[\u0000-\u001f\u007f/\\]/.test(name) || name === '.' || name === '..' || name.trim() !== name || name.length === 0 || Buffer.byteLength(name) > MAX_NAME;
  if (bad) throw new AppError('FILE_NAME', `file name not allowed: ${JSON.stringify(raw.slice(0, 80))}`, { filename: raw.slice(0, 80) });
  return name;
}

export function extensionOf(name: string): string {
  const i = name.lastIndexOf('.');
  return i <= 0 ? '' : name.slice(i + 1).toLowerCase();
}

/** Returns the type for an allowed extension, or throws FILE_TYPE. */
export function typeForName(name: string): { ext: string; mediaType: string; kind: FileKind } {
  const ext = extensionOf(name);
  const rule = RULES.find((r) => r.ext === ext);
  if (!rule) throw new AppError('FILE_TYPE', `file type .${ext || '?'} is not accepted`, { filename: name, ext, allowed: ALLOWED_EXTENSIONS });
  return { ext: rule.ext, mediaType: rule.mediaType, kind: rule.kind };
}

/** Checks the content against the extension's magic bytes; a mismatch is a polyglot or a renamed file. */
export function checkContent(name: string, head: Buffer): { ext: string; mediaType: string; kind: FileKind } {
  const t = typeForName(name);
  const rule = RULES.find((r) => r.ext === t.ext)!;
  if (head.length === 0 || !rule.magic(head)) {
    throw new AppError('FILE_CONTENT_MISMATCH', `content of ${name} is not a .${t.ext} file`, { filename: name, ext: t.ext });
  }
  return t;
}

/** The image type (png, jpg, gif, webp, tif) the first bytes announce, or null: decides whether an anonymous upload is worth decoding. */
export function imageTypeOfHead(head: Buffer): string | null {
  return RULES.find((r) => r.kind === 'image' && r.magic(head))?.ext ?? null;
}
