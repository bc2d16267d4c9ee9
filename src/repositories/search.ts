import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { Dialect } from '../db/connect.js';
import type { DB } from '../db/schema.js';
import { CJK_FROM } from '../db/migrations/0009_queue_search.js';
import { contains } from './sql.js';

/** The searched columns, as the queue has always matched them (case-insensitive substring). */
function exact(eb: ExpressionBuilder<DB, 'works'>, dialect: Dialect, text: string): Expression<SqlBool> {
  return eb.or([
    contains(dialect, 'works.title', text),
    contains(dialect, 'works.authors_text', text),
    contains(dialect, 'works.registration_number', text),
    eb('works.id', '=', text),
  ]);
}

/**
 * Rows that may match, read from the search index of migration 0009: a superset of the
 * exact matches, never missing one (see the migration for why). SQLite's FTS5 trigram index
 * answers queries of 3+ characters, its table of CJK characters the short Chinese ones; short Latin queries scan the narrow, lower-cased `work_search` copy. PostgreSQL's gram index answers every length.
 */
function candidates(dialect: Dialect, text: string): Expression<SqlBool> {
  if (dialect === 'postgres') {
    return sql<SqlBool>`(cws_search_grams(works.title || chr(10) || works.authors_text || chr(10) || coalesce(works.registration_number, '')) @> cws_search_grams(${text}) or works.id = ${text})`;
  }
  const chars = [...text];
  if (chars.length >= 3) {
    const phrase = `"${text.replaceAll('"', '""')}"`;
    return sql<SqlBool>`(works.id in (select s.work_id from work_search s where s.rowid in (select rowid from work_search_fts where work_search_fts match ${phrase})) or works.id = ${text})`;
  }
  // 1–2 characters: every CJK character of the query must be in the row's character table.
  // LIKE folds ASCII only, so a CJK character of the query appears as is in every match.
  const cjk = [...new Set(chars.filter((c) => c.codePointAt(0)! >= CJK_FROM))];
  if (cjk.length > 0) {
    const rids = sql.join(cjk.map((c) => sql`select rid from work_search_grams where gram = ${c}`), sql` intersect `);
    return sql<SqlBool>`(works.id in (select s.work_id from work_search s where s.rowid in (${rids})) or works.id = ${text})`;
  }
  return sql<SqlBool>`(works.id in (select s.work_id from work_search s where instr(s.body, lower(${text})) > 0) or works.id = ${text})`;
}

/** The queue's free-text filter: narrowed through the index, then the exact predicate. */
export function textSearch(eb: ExpressionBuilder<DB, 'works'>, dialect: Dialect, text: string): Expression<SqlBool> {
  return eb.and([candidates(dialect, text), exact(eb, dialect, text)]);
}

/** The predicate without the index, as it was before migration 0009 (tests compare against it). */
export const exactTextMatch = exact;
