import { PostgresAdapter, sql, type Kysely } from 'kysely';

// Forward-only. The review queue's free-text search is a substring match (LIKE '%q%') over
// title, author names and registration number; without an index it reads every row. These
// indexes only narrow the candidates: the query still applies the exact LIKE predicate, so
// results are the same as before. They are kept in step by the database itself (triggers on
// SQLite, an expression index on PostgreSQL), in the writer's own transaction, whatever code
// path writes the row.
export async function up(db: Kysely<unknown>): Promise<void> {
  if (db.getExecutor().adapter instanceof PostgresAdapter) return postgres(db);
  return sqlite(db);
}

/** First code point counted as CJK for the gram table (U+2E80: CJK radicals onwards). */
export const CJK_FROM = 0x2e80;

/**
 * The distinct CJK characters of a text, as a SELECT usable inside a trigger (SQLite allows
 * no WITH there: json_each over an array of length(text) zeros numbers the positions).
 */
function cjkCharsOf(text: string): string {
  return `SELECT DISTINCT substr(${text}, p.key + 1, 1) AS gram
    FROM json_each('[' || substr(replace(hex(zeroblob(length(${text}))), '00', ',0'), 2) || ']') p
    WHERE unicode(substr(${text}, p.key + 1, 1)) >= ${CJK_FROM}`;
}

/**
 * SQLite: a narrow, lower-cased copy of the searched text (`work_search`; its own integer
 * rowids, which VACUUM cannot renumber as it may the implicit rowid of `works`), an FTS5
 * trigram index over it for queries of 3+ characters, and a table of the CJK characters in
 * it for the 1–2-character Chinese queries a trigram index cannot answer (a character pair
 * is looked up as the rows holding both characters). Short queries without CJK characters
 * scan the narrow copy. lower() folds ASCII only, exactly as
 * LIKE does, so the lower-cased copy finds every LIKE match.
 */
async function sqlite(db: Kysely<unknown>): Promise<void> {
  const body = (row: 'new' | 'works') =>
    sql.raw(`lower(${row}.title || char(10) || ${row}.authors_text || char(10) || coalesce(${row}.registration_number, ''))`);
  const addGrams = sql.raw(`INSERT OR IGNORE INTO work_search_grams(gram, rid) SELECT gram, new.rowid FROM (${cjkCharsOf('new.body')});`);
  const dropGrams = sql.raw(`DELETE FROM work_search_grams WHERE rid = old.rowid AND gram IN (${cjkCharsOf('old.body')});`);
  const statements = [
    sql`CREATE TABLE work_search (rowid INTEGER PRIMARY KEY, work_id TEXT NOT NULL UNIQUE, body TEXT NOT NULL)`,
    sql`CREATE VIRTUAL TABLE work_search_fts USING fts5(body, content='work_search', content_rowid='rowid', tokenize='trigram')`,
    sql`CREATE TABLE work_search_grams (gram TEXT NOT NULL, rid INTEGER NOT NULL, PRIMARY KEY (gram, rid)) WITHOUT ROWID`,
    sql`CREATE TRIGGER work_search_ai AFTER INSERT ON work_search BEGIN
      INSERT INTO work_search_fts(rowid, body) VALUES (new.rowid, new.body);
      ${addGrams}
    END`,
    sql`CREATE TRIGGER work_search_ad AFTER DELETE ON work_search BEGIN
      INSERT INTO work_search_fts(work_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      ${dropGrams}
    END`,
    sql`CREATE TRIGGER work_search_au AFTER UPDATE ON work_search BEGIN
      INSERT INTO work_search_fts(work_search_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
      INSERT INTO work_search_fts(rowid, body) VALUES (new.rowid, new.body);
      ${dropGrams}
      ${addGrams}
    END`,
    sql`CREATE TRIGGER works_search_ai AFTER INSERT ON works BEGIN
      INSERT INTO work_search(work_id, body) VALUES (new.id, ${body('new')});
    END`,
    // Only when a searched column really changes: status changes (most updates) cost nothing.
    sql`CREATE TRIGGER works_search_au AFTER UPDATE OF title, authors_text, registration_number ON works
      WHEN old.title IS NOT new.title OR old.authors_text IS NOT new.authors_text OR old.registration_number IS NOT new.registration_number BEGIN
      UPDATE work_search SET body = ${body('new')} WHERE work_id = new.id;
    END`,
    sql`CREATE TRIGGER works_search_ad AFTER DELETE ON works BEGIN
      DELETE FROM work_search WHERE work_id = old.id;
    END`,
    sql`INSERT INTO work_search(work_id, body) SELECT id, ${body('works')} FROM works`,
  ];
  for (const s of statements) await s.execute(db);
}

/**
 * PostgreSQL: a GIN index over the 1- and 2-character grams of the lower-cased searched text.
 * It serves every query length, including the 1–2-character Chinese queries that trigram
 * indexes (pg_trgm) cannot, and needs no extension (PostgreSQL 15 lets only privileged roles
 * create one in `public`). ILIKE compares lower(text) with lower(pattern), so every row it
 * matches has all grams of lower(q): the index never loses a match.
 */
async function postgres(db: Kysely<unknown>): Promise<void> {
  await sql`CREATE FUNCTION cws_search_grams(t text) RETURNS text[] LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT g), '{}') FROM (
      SELECT substr(l, i, 1) AS g FROM (SELECT lower(t) AS l) s, generate_series(1, char_length(l)) AS i
      UNION ALL
      SELECT substr(l, i, 2) FROM (SELECT lower(t) AS l) s, generate_series(1, char_length(l) - 1) AS i
    ) grams
  $$`.execute(db);
  await sql`CREATE INDEX works_search_grams ON works USING gin (cws_search_grams(title || chr(10) || authors_text || chr(10) || coalesce(registration_number, '')))`.execute(db);
}
