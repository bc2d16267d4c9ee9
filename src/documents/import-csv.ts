import { parse } from 'csv-parse/sync';
import { CATEGORIES } from '../domain/categories.js';
import { AppError } from '../domain/errors.js';

export const IMPORT_COLUMNS = [
  'title', 'category', 'authors', 'owners', 'completed_on', 'published_on', 'published_place', 'description',
  'ai_used', 'ai_tools', 'ai_prompts', 'ai_human_contribution', 'ai_claimed_parts', 'ai_excluded_parts', 'files',
] as const;
export const REQUIRED_COLUMNS = ['title', 'category', 'authors', 'owners', 'completed_on', 'files'] as const;
export const MAX_IMPORT_ROWS = 10_000;
export const MAX_CSV_BYTES = 10 * 1024 * 1024;

export interface ImportRow {
  row: number;
  metadata: Record<string, unknown>;
  files: string[];
}

const list = (s: string): string[] => s.split(/[;；]/).map((x) => x.trim()).filter(Boolean);

/** Accepts the category key, its code letter or its Chinese name, as people type them. */
function category(v: string): string {
  const s = v.trim();
  const c = CATEGORIES.find((x) => x.key === s || x.code === s.toUpperCase() || x.zh === s || x.zh.replace(/作品$/, '') === s);
  return c ? c.key : s;
}

/** "张三:60; 某大学|institution:40" → owners with shares. */
function owners(v: string): unknown[] {
  return list(v).map((o) => {
    const m = /^(.*?)(?:\|(person|institution))?\s*[:：]\s*([\d.]+)\s*%?$/.exec(o);
    if (!m) return { name: o, kind: 'person', share: Number.NaN };
    return { name: m[1]!.trim(), kind: m[2] ?? 'person', share: Number(m[3]) };
  });
}

const yes = (v: string): boolean => /^(1|y|yes|true|是|有)$/i.test(v.trim());

/**
 * Parses the whole CSV (UTF-8, optional BOM, header row) up front, so a broken file is
 * refused before anything is imported. Per-row problems are left to the row's validation.
 */
export function parseImportCsv(buf: Buffer): ImportRow[] {
  if (buf.length > MAX_CSV_BYTES) throw new AppError('CSV', `larger than ${MAX_CSV_BYTES} bytes`, { reason: `larger than ${MAX_CSV_BYTES} bytes` });
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    throw new AppError('CSV', 'not UTF-8 text', { reason: 'not UTF-8 text (save the CSV as UTF-8)' });
  }
  let records: Record<string, string>[];
  try {
    records = parse(text, { columns: (h: string[]) => h.map((x) => x.trim().toLowerCase()), bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }) as Record<string, string>[];
  } catch (e) {
    throw new AppError('CSV', (e as Error).message, { reason: (e as Error).message.slice(0, 200) });
  }
  if (records.length === 0) throw new AppError('CSV', 'no rows', { reason: 'no data rows' });
  if (records.length > MAX_IMPORT_ROWS) throw new AppError('CSV', 'too many rows', { reason: `more than ${MAX_IMPORT_ROWS} rows` });
  const header = Object.keys(records[0]!);
  const missing = REQUIRED_COLUMNS.filter((c) => !header.includes(c));
  if (missing.length) throw new AppError('CSV', `missing columns ${missing.join(', ')}`, { reason: `missing columns: ${missing.join(', ')}` });
  const unknown = header.filter((h) => !(IMPORT_COLUMNS as readonly string[]).includes(h));
  if (unknown.length) throw new AppError('CSV', `unknown columns ${unknown.join(', ')}`, { reason: `unknown columns: ${unknown.join(', ')}` });
  return records.map((r, i) => {
    const g = (k: string): string => r[k] ?? '';
    const published = g('published_on') !== '';
    const aiUsed = yes(g('ai_used'));
    return {
      row: i + 2, // the header is line 1
      metadata: {
        title: g('title'),
        category: category(g('category')),
        description: g('description'),
        authors: list(g('authors')).map((name) => ({ name })),
        owners: owners(g('owners')),
        completedOn: g('completed_on'),
        publication: published ? { status: 'published', date: g('published_on'), place: g('published_place') } : { status: 'unpublished' },
        aiDisclosure: { used: aiUsed, tools: g('ai_tools'), prompts: g('ai_prompts'), humanContribution: g('ai_human_contribution'), claimedParts: g('ai_claimed_parts'), excludedParts: g('ai_excluded_parts') },
      },
      files: list(g('files')),
    };
  });
}
