import { ascii, utf8 } from './bytes.js';

export type Format = 'png' | 'jpeg' | 'gif' | 'webp' | 'tiff' | 'mp3' | 'wav' | 'flac' | 'ogg' | 'bmff' | 'pdf' | 'docx' | 'zip' | 'markdown' | 'text' | 'unknown';

const isText = (b: Uint8Array): boolean => {
  const head = b.subarray(0, 65536);
  if (head.includes(0)) return false;
  for (let cut = 0; cut < 4 && cut <= head.length; cut++) if (utf8(head.subarray(0, head.length - cut)).ok) return true;
  return false;
};

/** The container format from the bytes (magic numbers); the name only tells Markdown from plain text. */
export function detectFormat(b: Uint8Array, filename = ''): Format {
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return 'png';
  if (b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a') return 'gif';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  if (ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WAVE') return 'wav';
  if (ascii(b, 0, 4) === 'II*\0' || ascii(b, 0, 4) === 'MM\0*') return 'tiff';
  if (ascii(b, 0, 4) === 'fLaC') return 'flac';
  if (ascii(b, 0, 4) === 'OggS') return 'ogg';
  if (['ftyp', 'moov', 'mdat', 'wide', 'free', 'skip'].includes(ascii(b, 4, 4)) && b.length >= 8) return 'bmff';
  if (ascii(b, 0, 3) === 'ID3' || (b[0] === 0xff && ((b[1] ?? 0) & 0xe0) === 0xe0 && b.length > 4)) return 'mp3';
  if (b.length >= 5 && b.subarray(0, 1024).includes(0x25) && /%PDF-\d/.test(ascii(b, 0, Math.min(b.length, 1024)))) return 'pdf';
  if (ascii(b, 0, 4) === 'PK\x03\x04' || ascii(b, 0, 4) === 'PK\x05\x06') {
    const head = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
    return head.includes('word/document.xml') || /\.docx$/i.test(filename) ? 'docx' : 'zip';
  }
  if (b.length && isText(b)) return /\.(md|markdown)$/i.test(filename) || /^\uFEFF?---\r?\n/.test(utf8(b.subarray(0, 8)).text) ? 'markdown' : 'text';
  return 'unknown';
}
