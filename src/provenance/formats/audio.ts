import { ascii, le32, u32le, utf8Text } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import { collectId3, readId3 } from './id3.js';
import { fileProblem, newScan, type Scan } from './scan.js';
import { riffChunks } from './webp.js';

const INFO_NAMES: Record<string, string> = { ISFT: 'Software', ICMT: 'Comment', IART: 'Artist', INAM: 'Title', ICOP: 'Copyright', IENG: 'Engineer' };

export function scanWav(b: Uint8Array): Scan {
  const scan = newScan('wav', 'audio/wav');
  const declared = u32le(b, 4) + 8;
  if (declared > b.length) fileProblem(scan, 'truncated', `RIFF header declares ${declared} bytes, the file has ${b.length} (truncated)`, undefined, 'warning');
  for (const c of riffChunks(b, 12, Math.min(b.length, declared), scan, 'WAV')) {
    if (c.id === '_PMX') scan.carriers.push({ type: 'xmp', location: 'WAV _PMX chunk (XMP)', packet: utf8Text(c.data) });
    else if (c.id === 'id3 ' || c.id === 'ID3 ') {
      const tag = readId3(c.data, scan, 'WAV id3 chunk');
      if (tag) collectId3(tag, scan, 'WAV id3 chunk');
    } else if (c.id === 'C2PA') scan.carriers.push({ type: 'c2pa', location: 'WAV C2PA chunk' });
    else if (c.id.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location: `WAV ${c.id} chunk`, value: utf8Text(c.data).replace(/\0+$/, '') });
    else if (c.id === 'LIST' && ascii(c.data, 0, 4) === 'INFO') {
      for (const s of riffChunks(c.data, 4, c.data.length, scan, 'WAV LIST/INFO')) {
        const value = utf8Text(s.data).replace(/\0+$/, '');
        const location = `WAV LIST/INFO ${s.id}`;
        if (s.id.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value });
        else scan.carriers.push({ type: 'field', location, key: INFO_NAMES[s.id] ?? s.id, value });
      }
    }
  }
  return scan;
}

/** Rewrites a WAV with one `_PMX` (XMP) chunk at the end; old XMP is merged, old AIGC chunks dropped. */
export function writeWav(b: Uint8Array, merge: (old: string | undefined) => string): Buffer {
  const scan = newScan('wav', 'audio/wav');
  const list = riffChunks(b, 12, Math.min(b.length, u32le(b, 4) + 8), scan, 'WAV');
  if (scan.problems.some((p) => p.severity === 'error')) throw new Error(`cannot write into this WAV: ${scan.problems[0]!.message}`);
  const old = list.find((c) => c.id === '_PMX');
  const packet = Buffer.from(merge(old ? utf8Text(old.data) : undefined), 'utf8');
  const keep = list.filter((c) => c.id !== '_PMX' && c.id.toUpperCase() !== AIGC_KEY).map((c) => b.subarray(c.start, c.end));
  const xmp = Buffer.concat([Buffer.from('_PMX'), le32(packet.length), packet, packet.length & 1 ? Buffer.alloc(1) : Buffer.alloc(0)]);
  const body = Buffer.concat([Buffer.from('WAVE'), ...keep, xmp]);
  return Buffer.concat([Buffer.from('RIFF'), le32(body.length), body]);
}

/** Vorbis comments (FLAC block 4, Ogg Vorbis/Opus comment header): vendor, then KEY=value pairs. */
function vorbisComments(d: Uint8Array, scan: Scan, where: string): void {
  if (d.length < 8) return;
  const vendorLen = u32le(d, 0);
  let p = 4 + vendorLen;
  if (p + 4 > d.length) {
    fileProblem(scan, 'truncated', `${where}: vendor string runs past the block (truncated)`, where);
    return;
  }
  const vendor = utf8Text(d.subarray(4, p));
  if (vendor) scan.carriers.push({ type: 'field', location: `${where} vendor`, key: 'Encoder', value: vendor });
  const n = u32le(d, p);
  p += 4;
  for (let i = 0; i < n; i++) {
    if (p + 4 > d.length) {
      fileProblem(scan, 'truncated', `${where}: comment ${i + 1} of ${n} is missing (truncated)`, where);
      return;
    }
    const len = u32le(d, p);
    if (p + 4 + len > d.length) {
      fileProblem(scan, 'truncated', `${where}: comment ${i + 1} runs past the block (truncated)`, where);
      return;
    }
    const s = utf8Text(d.subarray(p + 4, p + 4 + len));
    p += 4 + len;
    const eq = s.indexOf('=');
    if (eq < 0) continue;
    const key = s.slice(0, eq);
    const value = s.slice(eq + 1);
    const location = `${where} ${key}`;
    if (key.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value });
    else scan.carriers.push({ type: 'field', location, key, value });
  }
}

interface FlacBlock {
  type: number;
  start: number;
  end: number;
  data: Uint8Array;
}

function flacBlocks(b: Uint8Array, scan: Scan): { list: FlacBlock[]; audio: number } {
  const list: FlacBlock[] = [];
  let o = 4;
  for (;;) {
    if (o + 4 > b.length) {
      fileProblem(scan, 'truncated', 'FLAC ends inside its metadata blocks (truncated)');
      return { list, audio: -1 };
    }
    const last = (b[o]! & 0x80) !== 0;
    const type = b[o]! & 0x7f;
    const len = (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!;
    if (o + 4 + len > b.length) {
      fileProblem(scan, 'truncated', `FLAC metadata block ${type} declares ${len} bytes past the end (truncated)`);
      return { list, audio: -1 };
    }
    list.push({ type, start: o, end: o + 4 + len, data: b.subarray(o + 4, o + 4 + len) });
    o += 4 + len;
    if (last) return { list, audio: o };
  }
}

export function scanFlac(b: Uint8Array): Scan {
  const scan = newScan('flac', 'audio/flac');
  for (const blk of flacBlocks(b, scan).list) if (blk.type === 4) vorbisComments(blk.data, scan, 'FLAC VORBIS_COMMENT');
  return scan;
}

function vorbisBlock(vendor: string, comments: string[]): Buffer {
  const parts: Buffer[] = [le32(Buffer.byteLength(vendor)), Buffer.from(vendor, 'utf8'), le32(comments.length)];
  for (const c of comments) parts.push(le32(Buffer.byteLength(c)), Buffer.from(c, 'utf8'));
  return Buffer.concat(parts);
}

/** Rewrites the FLAC VORBIS_COMMENT block with `AIGC=<label>` (other comments kept). */
export function writeFlac(b: Uint8Array, value: string): Buffer {
  const scan = newScan('flac', 'audio/flac');
  const { list, audio } = flacBlocks(b, scan);
  if (audio < 0) throw new Error(`cannot write into this FLAC: ${scan.problems[0]?.message}`);
  const vc = list.find((x) => x.type === 4);
  let vendor = 'Copyright Workstation';
  const comments: string[] = [];
  if (vc) {
    const d = vc.data;
    const vl = u32le(d, 0);
    vendor = utf8Text(d.subarray(4, 4 + vl));
    let p = 4 + vl;
    const n = u32le(d, p);
    p += 4;
    for (let i = 0; i < n && p + 4 <= d.length; i++) {
      const len = u32le(d, p);
      const s = utf8Text(d.subarray(p + 4, p + 4 + len));
      p += 4 + len;
      if (s.split('=')[0]!.toUpperCase() !== AIGC_KEY) comments.push(s);
    }
  }
  comments.push(`${AIGC_KEY}=${value}`);
  const blocks = list.filter((x) => x.type !== 4).map((x) => ({ type: x.type, data: x.data as Uint8Array }));
  blocks.splice(1, 0, { type: 4, data: vorbisBlock(vendor, comments) });
  const out: Buffer[] = [Buffer.from('fLaC')];
  blocks.forEach((blk, i) => {
    const h = Buffer.alloc(4);
    h[0] = (i === blocks.length - 1 ? 0x80 : 0) | blk.type;
    h.writeUIntBE(blk.data.length, 1, 3);
    out.push(h, Buffer.from(blk.data));
  });
  out.push(Buffer.from(b.subarray(audio)));
  return Buffer.concat(out);
}

/** Reassembles the first packets of the first logical Ogg stream (headers only). */
export function scanOgg(b: Uint8Array): Scan {
  const scan = newScan('ogg', 'audio/ogg');
  const packets: Buffer[] = [];
  let current: Uint8Array[] = [];
  let serial: number | null = null;
  let o = 0;
  while (o + 27 <= b.length && packets.length < 3) {
    if (ascii(b, o, 4) !== 'OggS') {
      fileProblem(scan, 'corrupt', `Ogg: no page at byte ${o}`);
      break;
    }
    const segs = b[o + 26]!;
    const s = u32le(b, o + 14);
    if (o + 27 + segs > b.length) {
      fileProblem(scan, 'truncated', 'Ogg page header cut off (truncated)');
      break;
    }
    let p = o + 27 + segs;
    let cut = false;
    for (let i = 0; i < segs; i++) {
      const len = b[o + 27 + i]!;
      if (p + len > b.length) {
        fileProblem(scan, 'truncated', 'Ogg page data cut off (truncated)');
        cut = true;
        break;
      }
      if (serial === null || s === serial) {
        serial ??= s;
        current.push(b.subarray(p, p + len));
        if (len < 255) {
          packets.push(Buffer.concat(current));
          current = [];
        }
      }
      p += len;
    }
    if (cut) break;
    o = p;
  }
  const comment = packets[1];
  if (comment) {
    if (ascii(comment, 0, 7) === '\x03vorbis') vorbisComments(comment.subarray(7), scan, 'Ogg Vorbis comment');
    else if (ascii(comment, 0, 8) === 'OpusTags') vorbisComments(comment.subarray(8), scan, 'Ogg Opus tags');
    else if (ascii(comment, 0, 1) === '\x84' || ascii(comment, 0, 5) === '\x7fFLAC') {
      /* FLAC-in-Ogg comment packets: block header then comments */
      vorbisComments(comment.subarray(4), scan, 'Ogg FLAC comment');
    }
  }
  return scan;
}
