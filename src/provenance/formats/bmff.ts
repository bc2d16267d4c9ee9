import { ascii, be32, latin1, u32be, u64be, utf8Text } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import { fileProblem, newScan, type Scan } from './scan.js';

/** ISO base media file format (MP4, MOV, M4A, HEIF): box walking, metadata reading and writing. */
export interface Box {
  type: string;
  start: number;
  /** First byte after the header. */
  body: number;
  end: number;
  uuid?: string;
}

const XMP_UUID = 'be7acfcb97a942e89c71999491e3afac';
const C2PA_UUID = 'd8fec3d61b0e483c92975828877ec481';

export function boxes(b: Uint8Array, from: number, to: number, scan?: Scan, where = 'MP4'): Box[] {
  const out: Box[] = [];
  let o = from;
  while (o + 8 <= to) {
    let size = u32be(b, o);
    const type = ascii(b, o + 4, 4);
    let hdr = 8;
    if (size === 1) {
      if (o + 16 > to) break;
      size = u64be(b, o + 8);
      hdr = 16;
    } else if (size === 0) size = to - o;
    if (size < hdr || o + size > to) {
      if (scan) fileProblem(scan, 'truncated', `${where}: box ${JSON.stringify(type)} at byte ${o} declares ${size} bytes but its parent ends first (truncated)`, `${where} ${type}`);
      break;
    }
    const box: Box = { type, start: o, body: o + hdr, end: o + size };
    if (type === 'uuid' && size >= hdr + 16) {
      box.uuid = Buffer.from(b.subarray(o + hdr, o + hdr + 16)).toString('hex');
      box.body += 16;
    }
    out.push(box);
    o += size;
  }
  return out;
}

/** A `meta` box is a full box in ISO files (4 bytes of version/flags) but not always in QuickTime. */
function metaChildrenStart(b: Uint8Array, meta: Box): number {
  return ascii(b, meta.body + 4, 4) === 'hdlr' ? meta.body : meta.body + 4;
}

function dataValue(b: Uint8Array, item: Box, scan: Scan, where: string): string | null {
  const data = boxes(b, item.body, item.end, scan, where).find((x) => x.type === 'data');
  if (!data || data.end - data.body < 8) return null;
  const type = u32be(b, data.body) & 0xffffff;
  const raw = b.subarray(data.body + 8, data.end);
  return type === 1 || type === 0 ? utf8Text(raw) : null;
}

function readMeta(b: Uint8Array, meta: Box, scan: Scan, where: string): void {
  const kids = boxes(b, metaChildrenStart(b, meta), meta.end, scan, where);
  const hdlr = kids.find((k) => k.type === 'hdlr');
  const handler = hdlr ? ascii(b, hdlr.body + 8, 4) : '';
  const keysBox = kids.find((k) => k.type === 'keys');
  const keys: string[] = [];
  if (keysBox) {
    const n = u32be(b, keysBox.body + 4);
    let p = keysBox.body + 8;
    for (let i = 0; i < n && p + 8 <= keysBox.end; i++) {
      const sz = u32be(b, p);
      if (sz < 8 || p + sz > keysBox.end) {
        fileProblem(scan, 'truncated', `${where}/keys entry ${i + 1} is cut off`, `${where}/keys`);
        break;
      }
      keys.push(latin1(b, p + 8, p + sz));
      p += sz;
    }
  }
  const ilst = kids.find((k) => k.type === 'ilst');
  if (ilst) {
    for (const item of boxes(b, ilst.body, ilst.end, scan, `${where}/ilst`)) {
      let key: string;
      if (handler === 'mdta' || (keys.length && !/^[\x20-\x7e\xa9]{4}$/.test(item.type))) key = keys[u32be(b, item.start + 4) - 1] ?? `#${u32be(b, item.start + 4)}`;
      else if (item.type === '----') {
        const nm = boxes(b, item.body, item.end).find((x) => x.type === 'name');
        key = nm ? latin1(b, nm.body + 4, nm.end) : '----';
      } else key = item.type;
      const value = dataValue(b, item, scan, `${where}/ilst/${key}`);
      if (value === null) continue;
      const location = `${where}/ilst "${key}"`;
      // Keys may be reverse-DNS (com.example.AIGC); the label is the one whose last part is AIGC.
      if (key.split(/[.:]/).pop()!.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value });
      else scan.carriers.push({ type: 'field', location, key: key.replace(/^\xa9/, '©'), value });
    }
  }
  for (const k of kids) if (k.type === 'uuid' && k.uuid === XMP_UUID) scan.carriers.push({ type: 'xmp', location: `${where}/uuid XMP`, packet: utf8Text(b.subarray(k.body, k.end)) });
}

export function scanBmff(b: Uint8Array): Scan {
  const major = ascii(b, 8, 4);
  const heif = ['heic', 'heix', 'mif1', 'avif', 'msf1'].includes(major);
  const scan = newScan(heif ? 'heif' : major === 'qt  ' ? 'mov' : 'mp4', heif ? 'image/heif' : major === 'qt  ' ? 'video/quicktime' : major.startsWith('M4A') ? 'audio/mp4' : 'video/mp4');
  const visit = (from: number, to: number, path: string, depth: number) => {
    if (depth > 8) return;
    for (const box of boxes(b, from, to, scan, path || 'MP4')) {
      const where = path ? `${path}/${box.type}` : box.type;
      if (box.type === 'uuid' && box.uuid === XMP_UUID) scan.carriers.push({ type: 'xmp', location: `${where} XMP`, packet: utf8Text(b.subarray(box.body, box.end)) });
      else if (box.type === 'uuid' && box.uuid === C2PA_UUID) scan.carriers.push({ type: 'c2pa', location: `${where} C2PA` });
      else if (box.type === 'XMP_') scan.carriers.push({ type: 'xmp', location: where, packet: utf8Text(b.subarray(box.body, box.end)) });
      else if (box.type === 'meta') {
        readMeta(b, box, scan, where);
        // HEIF keeps XMP and EXIF as items in meta/iinf+iloc; read them when small and in-file.
        if (heif && depth === 0) readHeifItems(b, box, scan, where);
      } else if (['moov', 'udta', 'trak', 'moof'].includes(box.type)) visit(box.body, box.end, where, depth + 1);
    }
  };
  visit(0, b.length, '', 0);
  return scan;
}

/** HEIF metadata items (mime application/rdf+xml = XMP, type Exif) located by iloc. */
function readHeifItems(b: Uint8Array, meta: Box, scan: Scan, where: string): void {
  const kids = boxes(b, metaChildrenStart(b, meta), meta.end);
  const iinf = kids.find((k) => k.type === 'iinf');
  const iloc = kids.find((k) => k.type === 'iloc');
  if (!iinf || !iloc) return;
  const items = new Map<number, string>();
  const ver = b[iinf.body]!;
  for (const infe of boxes(b, iinf.body + 4 + (ver === 0 ? 2 : 4), iinf.end)) {
    if (infe.type !== 'infe') continue;
    const v = b[infe.body]!;
    if (v < 2) continue;
    const id = v === 2 ? (b[infe.body + 4]! << 8) | b[infe.body + 5]! : u32be(b, infe.body + 4);
    const p = infe.body + (v === 2 ? 8 : 10);
    const itemType = ascii(b, p, 4);
    if (itemType === 'Exif') items.set(id, 'exif');
    else if (itemType === 'mime') {
      const rest = latin1(b, p + 4, infe.end).split('\0');
      if (rest[1] === 'application/rdf+xml') items.set(id, 'xmp');
    }
  }
  if (!items.size) return;
  const v = b[iloc.body]!;
  const s1 = b[iloc.body + 4]!;
  const s2 = b[iloc.body + 5]!;
  const offSize = s1 >> 4;
  const lenSize = s1 & 15;
  const baseSize = s2 >> 4;
  const idxSize = v === 1 || v === 2 ? s2 & 15 : 0;
  const rd = (p: number, n: number) => (n === 0 ? 0 : n === 4 ? u32be(b, p) : n === 8 ? u64be(b, p) : n === 2 ? (b[p]! << 8) | b[p + 1]! : 0);
  let p = iloc.body + 6;
  const count = v < 2 ? (b[p]! << 8) | b[p + 1]! : u32be(b, p);
  p += v < 2 ? 2 : 4;
  for (let i = 0; i < count && p < iloc.end; i++) {
    const id = v < 2 ? (b[p]! << 8) | b[p + 1]! : u32be(b, p);
    p += v < 2 ? 2 : 4;
    const method = v === 1 || v === 2 ? b[p + 1]! & 15 : 0;
    if (v === 1 || v === 2) p += 2;
    p += 2; // data_reference_index
    const base = rd(p, baseSize);
    p += baseSize;
    const extents = (b[p]! << 8) | b[p + 1]!;
    p += 2;
    const parts: Uint8Array[] = [];
    for (let e = 0; e < extents; e++) {
      p += idxSize;
      const off = rd(p, offSize);
      p += offSize;
      const len = rd(p, lenSize);
      p += lenSize;
      if (method === 0 && base + off + len <= b.length && len < 16 * 1024 * 1024) parts.push(b.subarray(base + off, base + off + len));
    }
    const kind = items.get(id);
    if (!kind || !parts.length) continue;
    const data = Buffer.concat(parts);
    if (kind === 'xmp') scan.carriers.push({ type: 'xmp', location: `${where} item ${id} (XMP)`, packet: utf8Text(data) });
    else scan.carriers.push({ type: 'exif', location: `${where} item ${id} (Exif)`, tiff: data.subarray(4 + data.readUInt32BE(0)) });
  }
}

function box(type: string, ...parts: Uint8Array[]): Buffer {
  const body = Buffer.concat(parts);
  return Buffer.concat([be32(body.length + 8), Buffer.from(type, 'latin1'), body]);
}

const fullHeader = Buffer.alloc(4);

/** The moov/udta/meta (handler mdta) box with `entries` as keys + ilst, as ffmpeg's use_metadata_tags writes. */
function mdtaMeta(entries: [string, string][], extra: Uint8Array[]): Buffer {
  const hdlr = box('hdlr', fullHeader, Buffer.alloc(4), Buffer.from('mdta'), Buffer.alloc(12), Buffer.from([0]));
  const keys = box('keys', fullHeader, be32(entries.length), ...entries.map(([k]) => box('mdta', Buffer.from(k, 'utf8'))));
  const ilst = box('ilst', ...entries.map(([, v], i) => {
    const item = box('data', be32(1), be32(0), Buffer.from(v, 'utf8'));
    return Buffer.concat([be32(item.length + 8), be32(i + 1), item]);
  }));
  return box('meta', fullHeader, hdlr, keys, ilst, ...extra);
}

function shiftChunkOffsets(m: Buffer, from: number, to: number, threshold: number, delta: number): void {
  for (const bx of boxes(m, from, to)) {
    if (['trak', 'mdia', 'minf', 'stbl'].includes(bx.type)) shiftChunkOffsets(m, bx.body, bx.end, threshold, delta);
    else if (bx.type === 'stco') {
      const n = m.readUInt32BE(bx.body + 4);
      for (let i = 0; i < n; i++) {
        const p = bx.body + 8 + 4 * i;
        if (p + 4 > bx.end) break;
        const v = m.readUInt32BE(p);
        if (v >= threshold) {
          if (v + delta > 0xffffffff) throw new Error('chunk offset overflows 32 bits after the edit');
          m.writeUInt32BE(v + delta, p);
        }
      }
    } else if (bx.type === 'co64') {
      const n = m.readUInt32BE(bx.body + 4);
      for (let i = 0; i < n; i++) {
        const p = bx.body + 8 + 8 * i;
        if (p + 8 > bx.end) break;
        const v = Number(m.readBigUInt64BE(p));
        if (v >= threshold) m.writeBigUInt64BE(BigInt(v + delta), p);
      }
    }
  }
}

/**
 * Writes the label as key `AIGC` in moov/udta/meta (mdta keys + ilst, the layout ffmpeg
 * writes with `-movflags use_metadata_tags`), keeping the other keys, and moves the chunk
 * offsets when moov sits before the media data.
 */
export function writeBmff(b: Uint8Array, value: string): Buffer {
  const scan = newScan('mp4', 'video/mp4');
  const top = boxes(b, 0, b.length, scan);
  const fatal = scan.problems.find((p) => p.severity === 'error');
  if (fatal) throw new Error(`cannot write into this file: ${fatal.message}`);
  if (['heic', 'heix', 'mif1', 'avif'].includes(ascii(b, 8, 4))) throw new Error('HEIF images are not supported for writing');
  const moov = top.find((x) => x.type === 'moov');
  if (!moov) throw new Error('no moov box (fragmented or damaged file)');
  if (top.some((x) => x.type === 'moof')) throw new Error('fragmented MP4 is not supported for writing');
  const moovKids = boxes(b, moov.body, moov.end);
  const udta = moovKids.find((x) => x.type === 'udta');
  const udtaKids = udta ? boxes(b, udta.body, udta.end) : [];
  let entries: [string, string][] = [];
  let extra: Uint8Array[] = [];
  const metaIdx = udtaKids.findIndex((k) => {
    if (k.type !== 'meta') return false;
    const h = boxes(b, metaChildrenStart(b, k), k.end).find((x) => x.type === 'hdlr');
    return !!h && ascii(b, h.body + 8, 4) === 'mdta';
  });
  if (metaIdx >= 0) {
    const meta = udtaKids[metaIdx]!;
    const kids = boxes(b, metaChildrenStart(b, meta), meta.end);
    const sub = newScan('mp4', 'video/mp4');
    readMeta(b, meta, sub, 'm');
    entries = sub.carriers.filter((c) => c.type === 'field').map((c) => [(c as { key: string }).key, (c as { value: string }).value]);
    extra = kids.filter((k) => !['hdlr', 'keys', 'ilst'].includes(k.type)).map((k) => b.subarray(k.start, k.end));
  }
  entries.push([AIGC_KEY, value]);
  const newMeta = mdtaMeta(entries, extra);
  const udtaParts = udtaKids.filter((_, i) => i !== metaIdx).map((k) => b.subarray(k.start, k.end));
  const newUdta = box('udta', ...udtaParts, newMeta);
  const moovParts = moovKids.filter((k) => k.type !== 'udta').map((k) => b.subarray(k.start, k.end));
  const newMoov = box('moov', ...moovParts, newUdta);
  const delta = newMoov.length - (moov.end - moov.start);
  if (delta !== 0 && moov.end < b.length) shiftChunkOffsets(newMoov, 8, newMoov.length, moov.end, delta);
  return Buffer.concat([b.subarray(0, moov.start), newMoov, b.subarray(moov.end)]);
}
