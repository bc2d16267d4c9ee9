import { inflateSync } from 'node:zlib';
import { latin1, utf16, utf8 } from '../bytes.js';
import { AIGC_KEY } from '../gb45438.js';
import { fileProblem, MAX_INFLATE, newScan, type Scan } from './scan.js';

/**
 * PDF: the label is an entry `/AIGC (…)` of the document information dictionary. We read
 * the Info dictionary the newest trailer points to (incremental updates replace it), plus
 * XMP metadata packets; we write with an incremental update, leaving the original bytes
 * untouched (so existing signatures over earlier revisions stay verifiable).
 */

const WS = /[\0\t\n\f\r ]/;

/** Parses a PDF string object at `i` (literal or hex); returns its bytes and the end index. */
export function pdfString(s: string, i: number): { bytes: Buffer; end: number } | null {
  while (i < s.length && WS.test(s[i]!)) i++;
  if (s[i] === '(') {
    const out: number[] = [];
    let depth = 1;
    let j = i + 1;
    while (j < s.length && depth > 0) {
      const c = s[j]!;
      if (c === '\\') {
        const n = s[j + 1] ?? '';
        const map: Record<string, number> = { n: 10, r: 13, t: 9, b: 8, f: 12, '(': 40, ')': 41, '\\': 92 };
        if (n in map) {
          out.push(map[n]!);
          j += 2;
        } else if (/[0-7]/.test(n)) {
          const m = /^[0-7]{1,3}/.exec(s.slice(j + 1, j + 4))![0];
          out.push(parseInt(m, 8) & 0xff);
          j += 1 + m.length;
        } else if (n === '\r' || n === '\n') {
          j += n === '\r' && s[j + 2] === '\n' ? 3 : 2;
        } else j += 1;
        continue;
      }
      if (c === '(') depth++;
      else if (c === ')' && --depth === 0) break;
      out.push(c.charCodeAt(0) & 0xff);
      j++;
    }
    if (depth !== 0) return null;
    return { bytes: Buffer.from(out), end: j + 1 };
  }
  if (s[i] === '<' && s[i + 1] !== '<') {
    const e = s.indexOf('>', i);
    if (e < 0) return null;
    let hex = s.slice(i + 1, e).replace(/\s+/g, '');
    if (!/^[0-9a-fA-F]*$/.test(hex)) return null;
    if (hex.length % 2) hex += '0';
    return { bytes: Buffer.from(hex, 'hex'), end: e + 1 };
  }
  return null;
}

/** Text of a PDF string: UTF-16BE with BOM, UTF-8 (what many tools write), else PDFDocEncoding ≈ Latin-1. */
export function pdfText(b: Buffer): string {
  if (b[0] === 0xfe && b[1] === 0xff) return utf16(b);
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return utf8(b.subarray(3)).text;
  const u = utf8(b);
  return u.ok ? u.text : latin1(b);
}

interface PdfObjects {
  /** Object number → its body text (newest definition). */
  objects: Map<number, { gen: number; body: string }>;
  trailer: string | null;
}

function objectsOf(s: string, scan: Scan | null): PdfObjects {
  const objects = new Map<number, { gen: number; body: string }>();
  const re = /(\d{1,10})\s+(\d{1,5})\s+obj\b/g;
  let m: RegExpExecArray | null;
  let trailer: string | null = null;
  while ((m = re.exec(s))) {
    const start = m.index + m[0].length;
    const end = s.indexOf('endobj', start);
    if (end < 0) {
      if (scan) fileProblem(scan, 'truncated', `PDF object ${m[1]} ${m[2]} has no endobj (truncated)`, `PDF object ${m[1]}`);
      break;
    }
    const body = s.slice(start, end);
    objects.set(Number(m[1]), { gen: Number(m[2]), body });
    if (/\/Type\s*\/XRef\b/.test(body)) trailer = body.slice(0, body.indexOf('stream') >= 0 ? body.indexOf('stream') : undefined);
    re.lastIndex = end;
  }
  trailer = lastTrailer(s) ?? trailer;
  // Objects inside compressed object streams, unless defined in plain form.
  for (const [, o] of [...objects]) {
    if (!/\/Type\s*\/ObjStm\b/.test(o.body)) continue;
    const data = streamData(o.body, scan);
    if (!data) continue;
    const first = Number(/\/First\s+(\d+)/.exec(o.body)?.[1] ?? NaN);
    const n = Number(/\/N\s+(\d+)/.exec(o.body)?.[1] ?? NaN);
    if (!Number.isFinite(first) || !Number.isFinite(n)) continue;
    const nums = data.slice(0, first).trim().split(/\s+/).map(Number);
    for (let k = 0; k < n && 2 * k + 1 < nums.length; k++) {
      const num = nums[2 * k]!;
      const off = first + nums[2 * k + 1]!;
      const next = 2 * k + 3 < nums.length ? first + nums[2 * k + 3]! : data.length;
      if (!objects.has(num)) objects.set(num, { gen: 0, body: data.slice(off, next) });
    }
  }
  return { objects, trailer };
}

/** The trailer dictionary the last startxref points to (classic table or cross-reference stream). */
function lastTrailer(s: string): string | null {
  const all = [...s.slice(Math.max(0, s.length - 4096)).matchAll(/startxref\s+(\d+)/g)];
  const off = all.length ? Number(all[all.length - 1]![1]) : NaN;
  if (Number.isFinite(off) && off < s.length) {
    if (s.startsWith('xref', off)) {
      const t = s.indexOf('trailer', off);
      if (t >= 0) return s.slice(t + 7, s.indexOf('startxref', t) >>> 0);
    } else {
      const m = /^\s*\d+\s+\d+\s+obj\b/.exec(s.slice(off, off + 40));
      if (m) {
        const body = s.slice(off + m[0].length, s.indexOf('endobj', off) >>> 0);
        const k = body.indexOf('stream');
        return k >= 0 ? body.slice(0, k) : body;
      }
    }
  }
  const t = s.lastIndexOf('trailer');
  return t >= 0 ? s.slice(t + 7, s.indexOf('startxref', t) >>> 0) : null;
}

function streamData(body: string, scan: Scan | null): string | null {
  const k = body.indexOf('stream');
  if (k < 0) return null;
  let start = k + 6;
  if (body[start] === '\r') start++;
  if (body[start] === '\n') start++;
  const end = body.lastIndexOf('endstream');
  const raw = Buffer.from(body.slice(start, end < 0 ? undefined : end), 'latin1');
  if (!/\/Filter\s*\/FlateDecode/.test(body.slice(0, k))) return /\/Filter/.test(body.slice(0, k)) ? null : raw.toString('latin1');
  try {
    return inflateSync(raw, { maxOutputLength: MAX_INFLATE, finishFlush: 2 }).toString('latin1');
  } catch (e) {
    if (scan) fileProblem(scan, 'bad_compression', `a PDF stream cannot be inflated (${(e as Error).message})`, 'PDF stream', 'warning');
    return null;
  }
}

const ref = (dict: string, key: string): number | null => {
  const m = new RegExp(`/${key}\\s+(\\d+)\\s+(\\d+)\\s+R`).exec(dict);
  return m ? Number(m[1]) : null;
};

/** The entries of a dictionary that are string-valued, by key. */
function stringEntries(dict: string): { key: string; value: string; start: number; end: number }[] {
  const out: { key: string; value: string; start: number; end: number }[] = [];
  const re = /\/([A-Za-z0-9_.#-]+)\s*(?=[(<])/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(dict))) {
    if (dict[m.index + m[0].length] === '<' && dict[m.index + m[0].length + 1] === '<') continue;
    const str = pdfString(dict, m.index + m[0].length);
    if (!str) continue;
    out.push({ key: m[1]!, value: pdfText(str.bytes), start: m.index, end: str.end });
    re.lastIndex = str.end;
  }
  return out;
}

export function scanPdf(b: Uint8Array): Scan {
  const scan = newScan('pdf', 'application/pdf');
  const s = latin1(b);
  if (!s.trimEnd().endsWith('%%EOF')) fileProblem(scan, 'truncated', 'PDF does not end with %%EOF (truncated or has trailing data)', undefined, 'warning');
  const { objects, trailer } = objectsOf(s, scan);
  const infoNum = trailer ? ref(trailer, 'Info') : null;
  const info = infoNum !== null ? objects.get(infoNum) : undefined;
  if (info) {
    for (const e of stringEntries(info.body)) {
      const location = `PDF Info /${e.key}`;
      if (e.key === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value: e.value });
      else if (['Producer', 'Creator', 'Author', 'Subject', 'Keywords', 'Title'].includes(e.key)) scan.carriers.push({ type: 'field', location, key: e.key, value: e.value });
    }
  }
  // Labels outside the active Info dictionary: older revisions (incremental updates), or a label put elsewhere.
  const active = new Set(scan.carriers.filter((c) => c.type === 'aigc').map((c) => (c as { value: string }).value));
  const seen = new Set<string>();
  for (const m of s.matchAll(/\/AIGC\s*(?=[(<])/g)) {
    const str = pdfString(s, m.index + m[0].length);
    if (!str) continue;
    const v = pdfText(str.bytes);
    if (active.has(v) || seen.has(v)) continue;
    seen.add(v);
    fileProblem(scan, 'stale_label', `byte ${m.index} holds an /AIGC entry that the current Info dictionary does not (an older revision, or a misplaced label): ${v.slice(0, 120)}`, 'PDF', 'info');
  }
  // XMP metadata streams (usually uncompressed; inflate when not).
  for (const [num, o] of objects) {
    if (!/\/Type\s*\/Metadata\b/.test(o.body)) continue;
    const data = streamData(o.body, scan);
    if (data) scan.carriers.push({ type: 'xmp', location: `PDF metadata stream (object ${num})`, packet: utf8(Buffer.from(data, 'latin1')).text });
  }
  if (/\/C2PA_Manifest|\/AFRelationship\s*\/C2PA_Manifest|application#2Fc2pa|application\/c2pa/.test(s)) scan.carriers.push({ type: 'c2pa', location: 'PDF embedded C2PA manifest' });
  return scan;
}

const escapePdf = (v: string): string => `(${v.replace(/[\\()]/g, '\\$&')})`;

/** Appends an incremental update whose Info dictionary carries `/AIGC (…)`. */
export function writePdf(b: Uint8Array, value: string): Buffer {
  const s = latin1(b);
  const scan = newScan('pdf', 'application/pdf');
  const { objects, trailer } = objectsOf(s, scan);
  const sx = /startxref\s+(\d+)\s*%%EOF\s*$/.exec(s);
  if (!trailer || !sx) throw new Error('cannot find the PDF trailer and startxref (damaged or truncated PDF)');
  if (/\/Encrypt\b/.test(trailer)) throw new Error('encrypted PDFs are not supported for writing');
  const rootM = /\/Root\s+(\d+\s+\d+\s+R)/.exec(trailer);
  const sizeM = /\/Size\s+(\d+)/.exec(trailer);
  if (!rootM || !sizeM) throw new Error('the PDF trailer lacks /Root or /Size');
  const idM = /\/ID\s*(\[[^\]]*\])/.exec(trailer);
  const infoNum = ref(trailer, 'Info');
  const old = infoNum !== null ? objects.get(infoNum) : undefined;
  let size = Number(sizeM[1]);
  const num = infoNum ?? size++;
  const gen = old?.gen ?? 0;
  const entries = old ? stringEntries(old.body).filter((e) => e.key !== AIGC_KEY) : [];
  const dict = `<<${entries.map((e) => ` ${old!.body.slice(e.start, e.end).trim()}`).join('')} /${AIGC_KEY} ${escapePdf(value)} >>`;
  const head = s.endsWith('\n') || s.endsWith('\r') ? '' : '\n';
  const objOffset = b.length + head.length;
  const obj = `${num} ${gen} obj\n${dict}\nendobj\n`;
  const xrefOffset = objOffset + obj.length;
  const xref = `xref\n${num} 1\n${String(objOffset).padStart(10, '0')} ${String(gen).padStart(5, '0')} n \n`;
  const tr = `trailer\n<< /Size ${size} /Root ${rootM[1]} /Info ${num} ${gen} R /Prev ${sx[1]}${idM ? ` /ID ${idM[1]}` : ''} >>\nstartxref\n${xrefOffset}\n%%EOF\n`;
  return Buffer.concat([Buffer.from(b), Buffer.from(head + obj + xref + tr, 'latin1')]);
}
