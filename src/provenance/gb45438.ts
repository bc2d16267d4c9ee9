import { preview } from './bytes.js';
import type { Gb45438Fields, Gb45438Trace, Problem } from './types.js';

/**
 * GB 45438-2025 implicit (metadata) label: a metadata field named `AIGC` whose value is a
 * JSON object with seven string fields. Sources followed: docs/aigc.md.
 */
export const AIGC_KEY = 'AIGC';
export const TC260_NS = 'http://www.tc260.org.cn/ns/AIGC/1.0/';
export const TC260_PREFIX = 'TC260';
export const GB_FIELDS = ['Label', 'ContentProducer', 'ProduceID', 'ReservedCode1', 'ContentPropagator', 'PropagateID', 'ReservedCode2'] as const;
export type GbField = (typeof GB_FIELDS)[number];
export const LABEL_VALUES: Record<string, string> = { '1': 'AI-generated (属于人工智能生成合成内容)', '2': 'possibly AI-generated (可能为人工智能生成合成内容)', '3': 'suspected AI-generated (疑似为人工智能生成合成内容)' };
/** A label longer than this is refused outright (the seven fields are short codes). */
export const MAX_LABEL_BYTES = 64 * 1024;
/** Field values we accept when writing: printable ASCII, bounded. */
export const MAX_FIELD_CHARS = 1024;

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export type GbLabelInput = Partial<Record<GbField, string>> & { Label: string };

export function problem(code: string, message: string, extra: Partial<Problem> = {}, severity: Problem['severity'] = 'error'): Problem {
  return { code, severity, message, ...extra };
}

/** Where JSON.parse failed, from its message (V8 says "at position N"). */
function jsonErrorPosition(e: unknown): number | undefined {
  const m = /position (\d+)/.exec((e as Error).message);
  return m ? Number(m[1]) : undefined;
}

/**
 * Parses and validates the value of one `AIGC` field, wherever it was found. Never throws:
 * every defect becomes a problem with a stable code.
 */
export function parseGbLabel(raw: string, location: string): Gb45438Trace {
  const problems: Problem[] = [];
  const at = { location };
  let value = raw;
  // Some writers prefix the key (`AIGC={...}`, `AIGC: {...}`) or wrap the object (`{"AIGC": {...}}`).
  const prefixed = /^\s*AIGC\s*[:=]\s*/i.exec(value);
  if (prefixed) {
    value = value.slice(prefixed[0].length);
    problems.push(problem('key_in_value', 'the value repeats the key name before the JSON (AIGC=… / AIGC: …); the standard stores the JSON alone', at, 'warning'));
  }
  const trace: Gb45438Trace = { kind: 'gb45438', location, ai: 'possible', summary: '', raw: preview(raw, 600), fields: null, valid: false, labelValue: null, problems };
  if (Buffer.byteLength(value) > MAX_LABEL_BYTES) {
    problems.push(problem('too_large', `the label is ${Buffer.byteLength(value)} bytes (more than ${MAX_LABEL_BYTES}); not parsed`, at));
    trace.summary = 'GB 45438 label too large to parse';
    return trace;
  }
  const trimmed = value.replace(/^\uFEFF/, '').trim();
  if (!trimmed) {
    problems.push(problem('empty', 'the AIGC field is empty', at));
    trace.summary = 'empty GB 45438 label';
    return trace;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(trimmed);
  } catch (e) {
    const pos = jsonErrorPosition(e);
    problems.push(problem('invalid_json', `the label is not valid JSON${pos !== undefined ? ` (error at character ${pos}: ${JSON.stringify(trimmed.slice(Math.max(0, pos - 10), pos + 10))})` : ''}: ${(e as Error).message}`, at));
    trace.summary = 'GB 45438 label with invalid JSON';
    // Still tell the reviewer what the Label seems to be, from the text.
    const m = /"Label"\s*:\s*"([^"]*)"/.exec(trimmed);
    if (m) trace.labelValue = m[1]!;
    trace.ai = trace.labelValue === '1' ? 'yes' : 'possible';
    return trace;
  }
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'AIGC' in parsed && Object.keys(parsed).length === 1) {
    problems.push(problem('wrapped', 'the seven fields are wrapped in an extra {"AIGC": …} object', at, 'warning'));
    parsed = (parsed as Record<string, unknown>).AIGC;
    if (typeof parsed === 'string') {
      try {
        parsed = JSON.parse(parsed);
      } catch (e) {
        problems.push(problem('invalid_json', `the wrapped label is not valid JSON: ${(e as Error).message}`, at));
        trace.summary = 'GB 45438 label with invalid JSON';
        return trace;
      }
    }
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    problems.push(problem('not_object', `the label must be a JSON object, found ${Array.isArray(parsed) ? 'an array' : parsed === null ? 'null' : typeof parsed}`, at));
    trace.summary = 'GB 45438 label that is not a JSON object';
    return trace;
  }
  const obj = parsed as Record<string, unknown>;
  trace.fields = obj;
  for (const f of GB_FIELDS) {
    if (!(f in obj)) {
      // Some writers use near-miss names; say which one was meant.
      const near = Object.keys(obj).find((k) => k.toLowerCase() === f.toLowerCase() || (f === 'ReservedCode1' && k === 'ReserveCode1') || (f === 'ReservedCode2' && k === 'ReserveCode2') || (f === 'ContentPropagator' && k === 'Propagator') || (f === 'PropagateID' && /^Propa\w*ID$/i.test(k)));
      problems.push(problem('missing_field', `field ${f} is missing${near ? ` (found "${near}", which is not the standard's name)` : ''}`, { ...at, field: f }));
      continue;
    }
    const v = obj[f];
    if (typeof v !== 'string') {
      problems.push(problem('field_not_string', `field ${f} must be a string, found ${v === null ? 'null' : typeof v}`, { ...at, field: f }));
      continue;
    }
    if (!PRINTABLE_ASCII.test(v)) problems.push(problem('value_not_ascii', `field ${f} holds characters outside printable ASCII: ${JSON.stringify(preview(v, 60))}`, { ...at, field: f }));
  }
  for (const k of Object.keys(obj)) {
    if (!(GB_FIELDS as readonly string[]).includes(k)) problems.push(problem('unknown_field', `field ${JSON.stringify(preview(k, 40))} is not one of the seven fields of GB 45438-2025`, { ...at, field: k }, 'warning'));
  }
  const label = obj.Label;
  if (typeof label === 'string' || typeof label === 'number') {
    trace.labelValue = String(label);
    if (!(String(label) in LABEL_VALUES)) problems.push(problem('invalid_label_value', `Label is ${JSON.stringify(preview(String(label), 30))}; it must be "1" (AI-generated), "2" (possibly) or "3" (suspected)`, { ...at, field: 'Label' }));
  }
  const str = (f: GbField) => (typeof obj[f] === 'string' ? (obj[f] as string) : '');
  if (trace.labelValue && trace.labelValue in LABEL_VALUES && !str('ContentProducer') && !str('ContentPropagator')) {
    problems.push(problem('no_producer', 'neither ContentProducer nor ContentPropagator is filled: the label does not say who produced or spread the content', { ...at, field: 'ContentProducer' }, 'warning'));
  }
  trace.valid = !problems.some((p) => p.severity === 'error');
  trace.ai = trace.labelValue === '1' ? 'yes' : 'possible';
  const meaning = trace.labelValue ? (LABEL_VALUES[trace.labelValue] ?? `unknown Label ${JSON.stringify(trace.labelValue)}`) : 'no Label';
  trace.summary = `GB 45438 implicit label: ${meaning}${str('ContentProducer') ? `, producer ${str('ContentProducer')}` : ''}${str('ProduceID') ? `, id ${str('ProduceID')}` : ''}${trace.valid ? '' : ' (malformed)'}`;
  return trace;
}

/** Checks a label we are asked to write; returns the problems (empty when it is fine). */
export function checkLabelInput(input: Record<string, unknown>): Problem[] {
  const out: Problem[] = [];
  for (const k of Object.keys(input)) if (!(GB_FIELDS as readonly string[]).includes(k)) out.push(problem('unknown_field', `unknown field ${k}`, { field: k }));
  for (const f of GB_FIELDS) {
    const v = input[f];
    if (v === undefined) continue;
    if (typeof v !== 'string') out.push(problem('field_not_string', `${f} must be a string`, { field: f }));
    else if (!PRINTABLE_ASCII.test(v)) out.push(problem('value_not_ascii', `${f} must be printable ASCII (use a service code, not a display name)`, { field: f }));
    else if (v.length > MAX_FIELD_CHARS) out.push(problem('too_long', `${f} is longer than ${MAX_FIELD_CHARS} characters`, { field: f }));
  }
  if (typeof input.Label !== 'string' || !(input.Label in LABEL_VALUES)) out.push(problem('invalid_label_value', 'Label must be "1", "2" or "3"', { field: 'Label' }));
  if (!input.ContentProducer && !input.ContentPropagator) out.push(problem('no_producer', 'ContentProducer (the generating service\'s name or code) is required when writing a label', { field: 'ContentProducer' }));
  return out;
}

/** The JSON value of the AIGC field, fields in the standard's order, missing ones empty. */
export function serializeGbLabel(input: GbLabelInput): string {
  const o: Record<string, string> = {};
  for (const f of GB_FIELDS) o[f] = input[f] ?? '';
  return JSON.stringify(o);
}

export const gbFields = (input: GbLabelInput): Gb45438Fields => JSON.parse(serializeGbLabel(input)) as Gb45438Fields;
