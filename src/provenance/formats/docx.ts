import { AIGC_KEY } from '../gb45438.js';
import { decodeEntities, escapeXml, parseXml, walk } from '../xml.js';
import { fileProblem, newScan, type Scan } from './scan.js';
import { entryText, readZip, writeZip, zipEntry, ZipError, type ZipEntry } from './zip.js';

const CUSTOM = 'docProps/custom.xml';
const CUSTOM_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/custom-properties';
const CUSTOM_REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties';
const CUSTOM_CT = 'application/vnd.openxmlformats-officedocument.custom-properties+xml';
const FMTID = '{D5CDD505-2E9C-101B-9397-08002B2CF9AE}';
/** The body text we extract for the detector is capped. */
export const MAX_TEXT_CHARS = 2_000_000;

/** Paragraph texts of word/document.xml (w:t runs joined, one line per w:p). */
export function docxText(xml: string): string {
  const out: string[] = [];
  let total = 0;
  for (const para of xml.split(/<\/w:p>/)) {
    const runs = [...para.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => decodeEntities(m[1]!));
    if (runs.length) {
      const line = runs.join('');
      out.push(line);
      total += line.length;
      if (total > MAX_TEXT_CHARS) break;
    }
  }
  return out.join('\n');
}

export function scanDocx(b: Uint8Array): Scan {
  const scan = newScan('docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document');
  let entries: ZipEntry[];
  try {
    entries = readZip(b);
  } catch (e) {
    fileProblem(scan, e instanceof ZipError ? 'corrupt' : 'corrupt', `DOCX container: ${(e as Error).message}`);
    return scan;
  }
  const get = (name: string) => entries.find((e) => e.name === name);
  const read = (name: string): string | null => {
    const e = get(name);
    if (!e) return null;
    try {
      return entryText(e);
    } catch (err) {
      fileProblem(scan, 'corrupt', `DOCX part ${name}: ${(err as Error).message}`, name);
      return null;
    }
  };
  const custom = read(CUSTOM);
  if (custom) {
    const doc = parseXml(custom);
    if (doc.error) fileProblem(scan, 'corrupt', `docProps/custom.xml is not well-formed: ${doc.error}`, CUSTOM, 'warning');
    for (const el of walk(doc.root)) {
      if (el.local !== 'property') continue;
      const name = el.attrs.find((a) => a.local === 'name')?.value ?? '';
      const value = el.children.map((c) => c.text).join('');
      const location = `DOCX ${CUSTOM} property "${name}"`;
      if (name.toUpperCase() === AIGC_KEY) scan.carriers.push({ type: 'aigc', location, value });
      else scan.carriers.push({ type: 'field', location, key: name, value });
    }
  }
  const app = read('docProps/app.xml');
  const appName = app && /<Application>([^<]*)<\/Application>/.exec(app)?.[1];
  if (appName) scan.carriers.push({ type: 'field', location: 'DOCX docProps/app.xml Application', key: 'Application', value: decodeEntities(appName) });
  const core = read('docProps/core.xml');
  if (core) {
    const desc = /<dc:description>([^<]*)<\/dc:description>/.exec(core)?.[1];
    if (desc) scan.carriers.push({ type: 'field', location: 'DOCX docProps/core.xml dc:description', key: 'Description', value: decodeEntities(desc) });
  }
  const body = read('word/document.xml');
  if (body !== null) scan.text = docxText(body);
  return scan;
}

/** Rewrites a DOCX with the label as custom document property `AIGC` (other properties kept). */
export function writeDocx(b: Uint8Array, value: string): Buffer {
  const entries = readZip(b);
  const byName = new Map(entries.map((e) => [e.name, e]));
  if (!byName.has('[Content_Types].xml')) throw new Error('not an Office document: no [Content_Types].xml');
  const props: string[] = [];
  let pid = 2;
  const old = byName.get(CUSTOM);
  if (old) {
    const doc = parseXml(entryText(old));
    for (const el of walk(doc.root)) {
      if (el.local !== 'property') continue;
      const name = el.attrs.find((a) => a.local === 'name')?.value ?? '';
      if (name.toUpperCase() === AIGC_KEY) continue;
      const v = el.children[0];
      if (!v) continue;
      props.push(`<property fmtid="${FMTID}" pid="${pid++}" name="${escapeXml(name)}"><vt:${v.local}>${escapeXml(v.text)}</vt:${v.local}></property>`);
    }
  }
  props.push(`<property fmtid="${FMTID}" pid="${pid}" name="${AIGC_KEY}"><vt:lpwstr>${escapeXml(value)}</vt:lpwstr></property>`);
  const customXml = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Properties xmlns="${CUSTOM_NS}" xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">${props.join('')}</Properties>`;
  const updates = new Map<string, string>([[CUSTOM, customXml]]);
  const ct = entryText(byName.get('[Content_Types].xml')!);
  if (!ct.includes('/docProps/custom.xml')) updates.set('[Content_Types].xml', ct.replace('</Types>', `<Override PartName="/docProps/custom.xml" ContentType="${CUSTOM_CT}"/></Types>`));
  const relsEntry = byName.get('_rels/.rels');
  const rels = relsEntry ? entryText(relsEntry) : '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"></Relationships>';
  if (!rels.includes(CUSTOM_REL)) updates.set('_rels/.rels', rels.replace('</Relationships>', `<Relationship Id="rIdCwsAigc" Type="${CUSTOM_REL}" Target="docProps/custom.xml"/></Relationships>`));
  const out = entries.map((e) => (updates.has(e.name) ? zipEntry(e.name, Buffer.from(updates.get(e.name)!, 'utf8')) : e));
  for (const [name, text] of updates) if (!byName.has(name)) out.push(zipEntry(name, Buffer.from(text, 'utf8')));
  return writeZip(out);
}
