import { preview } from './bytes.js';
import { readC2pa, sourceTypeCode, AI_SOURCE_TYPES, SYNTHETIC_SOURCE_TYPES } from './c2pa.js';
import { detectFormat, type Format } from './detect-format.js';
import type { TextDetector } from './detector/types.js';
import { readTiff } from './exif.js';
import { scanFlac, scanOgg, scanWav } from './formats/audio.js';
import { scanBmff } from './formats/bmff.js';
import { scanDocx } from './formats/docx.js';
import { scanGif } from './formats/gif.js';
import { scanMp3 } from './formats/id3.js';
import { scanJpeg } from './formats/jpeg.js';
import { scanPdf } from './formats/pdf.js';
import { scanPng } from './formats/png.js';
import { newScan, type Carrier, type Scan } from './formats/scan.js';
import { pdfText } from './pdf-text.js';
import { findTextMarkers, scanText } from './formats/text.js';
import { scanWebp } from './formats/webp.js';
import { generatorTrace, parseComfy, parseGeneratorJson, parseSdParameters } from './generators.js';
import { GB_FIELDS, parseGbLabel } from './gb45438.js';
import { ABSENCE_CAVEAT, type Gb45438Trace, type InspectReport, type IptcTrace, type Problem, type Trace } from './types.js';
import { IPTC_EXT_NS, isTc260Aigc, MAX_XMP_BYTES, readXmp, XMP_NS } from './xmp.js';

export interface InspectOptions {
  filename?: string;
  /** Scores the text of text-bearing files; without one, `text` is left out. */
  detector?: TextDetector;
}

/** A crafted file with thousands of metadata blocks gets a bounded report. */
const MAX_CARRIERS = 500;

function scanFor(format: Format, b: Uint8Array): Scan {
  switch (format) {
    case 'png':
      return scanPng(b);
    case 'jpeg':
      return scanJpeg(b);
    case 'gif':
      return scanGif(b);
    case 'webp':
      return scanWebp(b);
    case 'tiff': {
      const scan = newScan('tiff', 'image/tiff');
      scan.carriers.push({ type: 'exif', location: 'TIFF IFD0', tiff: b });
      return scan;
    }
    case 'mp3':
      return scanMp3(b);
    case 'wav':
      return scanWav(b);
    case 'flac':
      return scanFlac(b);
    case 'ogg':
      return scanOgg(b);
    case 'bmff':
      return scanBmff(b);
    case 'pdf':
      return scanPdf(b);
    case 'docx':
      return scanDocx(b);
    case 'markdown':
      return scanText(b, true);
    case 'text':
      return scanText(b, false);
    case 'zip':
      return newScan('zip', 'application/zip');
    default: {
      const scan = newScan('unknown', 'application/octet-stream');
      scan.problems.push({ code: 'unknown_format', severity: 'warning', message: 'the file format was not recognised from its first bytes; no metadata could be read' });
      return scan;
    }
  }
}

const looksLikeGbLabel = (v: string): boolean => /"Label"\s*:/.test(v) && /"(?:ContentProducer|ProduceID|ContentPropagator)"/.test(v);

/** Turns what the container readers found into traces. */
function interpret(carriers: Carrier[], traces: Trace[], problems: Problem[], depth = 0): void {
  for (const c of carriers) {
    switch (c.type) {
      case 'aigc':
        traces.push(parseGbLabel(c.value, c.location));
        break;
      case 'xmp': {
        if (Buffer.byteLength(c.packet) > MAX_XMP_BYTES) {
          problems.push({ code: 'xmp_too_large', severity: 'error', message: `XMP packet of ${Buffer.byteLength(c.packet)} bytes exceeds ${MAX_XMP_BYTES}; it was not parsed`, location: c.location });
          break;
        }
        const xmp = readXmp(c.packet);
        if (xmp.error) problems.push({ code: 'xmp_malformed', severity: 'warning', message: `XMP packet is not well-formed (${xmp.error}); properties before the error were read`, location: c.location });
        let iptc: IptcTrace | undefined;
        for (const p of xmp.properties) {
          const where = `${c.location} › ${p.prefix}:${p.local}`;
          if (isTc260Aigc(p)) traces.push(parseGbLabel(p.value, where));
          else if (p.local === 'AIGC') {
            const t = parseGbLabel(p.value, where);
            t.problems.push({ code: 'wrong_namespace', severity: 'warning', message: `the AIGC property is in namespace ${JSON.stringify(p.ns)}, not ${JSON.stringify('http://www.tc260.org.cn/ns/AIGC/1.0/')}`, location: where });
            traces.push(t);
          } else if (p.ns === IPTC_EXT_NS && p.local === 'DigitalSourceType') {
            const code = sourceTypeCode(p.value);
            iptc = {
              kind: 'iptc',
              location: where,
              ai: AI_SOURCE_TYPES.includes(code) ? 'yes' : SYNTHETIC_SOURCE_TYPES.includes(code) ? 'possible' : 'no',
              summary: `IPTC digital source type: ${code}`,
              problems: /^https?:\/\/cv\.iptc\.org\/newscodes\/digitalsourcetype\/\w+$/.test(p.value) ? [] : [{ code: 'iptc_nonstandard', severity: 'warning', message: `digital source type ${JSON.stringify(preview(p.value, 100))} is not a URI of the IPTC vocabulary`, location: where }],
              digitalSourceType: p.value,
              code,
            };
            traces.push(iptc);
          } else if (p.ns === XMP_NS && p.local === 'CreatorTool') {
            const g = generatorTrace('CreatorTool', p.value, where);
            if (g) traces.push(g);
          } else if (looksLikeGbLabel(p.value)) {
            const t = parseGbLabel(p.value, where);
            t.problems.push({ code: 'nonstandard_carrier', severity: 'warning', message: `a GB 45438 label in ${p.prefix}:${p.local} instead of TC260:AIGC`, location: where });
            traces.push(t);
          }
        }
        for (const p of xmp.properties) {
          if (p.ns !== IPTC_EXT_NS || !iptc) continue;
          if (p.local === 'AISystemUsed') iptc.aiSystem = preview(p.value, 200);
          if (p.local === 'AIPromptInformation') iptc.prompt = preview(p.value, 1000);
        }
        break;
      }
      case 'exif': {
        const exif = readTiff(c.tiff);
        if (exif.error) problems.push({ code: 'exif_damaged', severity: 'warning', message: `EXIF: ${exif.error}`, location: c.location });
        for (const t of exif.tags) {
          const where = `${c.location} › ${t.name}`;
          if (/^\s*AIGC\s*[:=]|^\s*\{\s*"AIGC"/.test(t.value) || looksLikeGbLabel(t.value)) traces.push(parseGbLabel(t.value, where));
          else {
            const g = generatorTrace(t.name, t.value, where);
            if (g) traces.push(g);
          }
        }
        if (exif.xmp && depth === 0) interpret([{ type: 'xmp', location: `${c.location} › XMP (tag 700)`, packet: exif.xmp }], traces, problems, depth + 1);
        break;
      }
      case 'field': {
        const key = c.key;
        if (key === 'parameters') {
          const sd = parseSdParameters(c.value, c.location);
          if (sd) traces.push(sd);
        } else if ((key === 'prompt' || key === 'workflow') && /^\s*[{[]/.test(c.value)) {
          const cf = parseComfy(key, c.value, c.location);
          if (cf) traces.push(cf);
        } else if (looksLikeGbLabel(c.value)) {
          const t = parseGbLabel(c.value, c.location);
          t.problems.push({ code: 'nonstandard_carrier', severity: 'warning', message: `a GB 45438 label in "${key}" instead of a field named AIGC`, location: c.location });
          traces.push(t);
        } else {
          const gj = /^\s*\{/.test(c.value) ? parseGeneratorJson(key, c.value, c.location) : null;
          if (gj) traces.push(gj);
          const g = generatorTrace(key, c.value, c.location);
          if (g) traces.push(g);
        }
        break;
      }
      case 'c2pa':
        break;
    }
  }
}

const canonical = (t: Gb45438Trace): string => (t.fields ? JSON.stringify(GB_FIELDS.map((f) => t.fields![f] ?? null)) : t.raw);

/** Reads every AIGC trace a file carries. Never throws on hostile input: defects become problems. */
export async function inspect(bytes: Uint8Array, opts: InspectOptions = {}): Promise<InspectReport> {
  const format = detectFormat(bytes, opts.filename);
  let scan: Scan;
  try {
    scan = scanFor(format, bytes);
  } catch (e) {
    scan = newScan(format, 'application/octet-stream');
    scan.problems.push({ code: 'corrupt', severity: 'error', message: `the ${format} structure could not be read: ${(e as Error).message}` });
  }
  const problems = [...scan.problems];
  const traces: Trace[] = [];
  let carriers = scan.carriers;
  if (carriers.length > MAX_CARRIERS) {
    problems.push({ code: 'too_many_blocks', severity: 'warning', message: `${carriers.length} metadata blocks; only the first ${MAX_CARRIERS} were read` });
    carriers = carriers.slice(0, MAX_CARRIERS);
  }
  try {
    interpret(carriers, traces, problems);
  } catch (e) {
    problems.push({ code: 'internal', severity: 'error', message: `reading the metadata failed: ${(e as Error).message}` });
  }
  const c2pa = carriers.find((c) => c.type === 'c2pa');
  if (c2pa) {
    if (['png', 'jpeg', 'bmff', 'mp3'].includes(format)) {
      const t = await readC2pa(bytes, c2pa.location);
      if (t) traces.push(t);
      else problems.push({ code: 'c2pa_unreadable', severity: 'warning', message: 'a C2PA block is present but no manifest store could be extracted from it', location: c2pa.location });
    } else {
      traces.push({ kind: 'c2pa', location: c2pa.location, ai: 'possible', summary: 'C2PA manifest present; validation for this format is not supported here', problems: [{ code: 'c2pa_unsupported_format', severity: 'warning', message: `C2PA validation for ${format} is not supported by the library we use`, location: c2pa.location }], actions: [], digitalSourceTypes: [], ingredients: [], manifests: 0, signature: { status: 'unchecked', trusted: false, codes: [] } });
    }
  }
  // A PDF's text layer is read only when it will be scored (pdf.js costs far more than the metadata).
  if (format === 'pdf' && opts.detector) {
    const pt = await pdfText(bytes);
    if (!pt.ok) problems.push({ code: `pdf_text_${pt.reason}`, severity: 'warning', message: `no text score: ${pt.message}` });
    else if (!pt.text.trim()) problems.push({ code: 'pdf_no_text', severity: 'info', message: `the PDF has no text layer on the ${pt.pagesRead} page(s) read (scanned pages?); its text cannot be scored` });
    else {
      scan.text = pt.text;
      if (pt.truncated) problems.push({ code: 'pdf_text_truncated', severity: 'info', message: `text read from the first ${pt.pagesRead} of ${pt.pages} pages (${pt.text.length} characters)` });
    }
  }
  if (scan.text !== undefined) traces.push(...findTextMarkers(scan.text));

  const gb = traces.filter((t): t is Gb45438Trace => t.kind === 'gb45438');
  if (gb.length > 1) {
    const distinct = new Set(gb.map(canonical));
    if (distinct.size > 1) problems.push({ code: 'conflicting_labels', severity: 'error', message: `${gb.length} GB 45438 labels that disagree: ${gb.map((t) => `${t.location} (Label ${t.labelValue ?? '?'})`).join('; ')}` });
    else problems.push({ code: 'duplicate_label', severity: 'warning', message: `the same GB 45438 label appears ${gb.length} times (${gb.map((t) => t.location).join('; ')}); the standard expects one per file` });
  }
  const aiDeclared = traces.some((t) => t.ai === 'yes');
  const conflicting = aiDeclared && traces.some((t) => t.ai === 'no');
  if (conflicting) problems.push({ code: 'conflicting_traces', severity: 'warning', message: `some traces declare AI generation while others declare a non-AI source: ${traces.filter((t) => t.ai !== 'possible').map((t) => `${t.kind} at ${t.location} says ${t.ai === 'yes' ? 'AI' : 'not AI'}`).join('; ')}` });
  const report: InspectReport = {
    format: scan.format,
    mediaType: scan.mediaType,
    size: bytes.length,
    labels: traces,
    problems,
    summary: { aiDeclared, aiHinted: traces.some((t) => t.ai === 'possible'), conflicting: conflicting || problems.some((p) => p.code === 'conflicting_labels'), caveat: ABSENCE_CAVEAT },
  };
  if (scan.text !== undefined && scan.text.trim() && opts.detector) {
    try {
      report.text = await opts.detector.detect(scan.text);
    } catch (e) {
      problems.push({ code: 'detector_failed', severity: 'warning', message: `the text detector ${opts.detector.name} failed: ${(e as Error).message}` });
    }
  }
  return report;
}
