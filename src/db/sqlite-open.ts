import Database from 'better-sqlite3';

/**
 * Opens the SQLite file with the settings every connection of ours uses. WAL lets readers run
 * beside the writer; FULL makes every acknowledged commit survive power loss, which "nothing
 * acknowledged is lost" requires.
 */
export function openSqlite(file: string, opts: { readOnly?: boolean } = {}): Database.Database {
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 10000');
  // A connection meant for reads refuses writes outright, so none can slip past the writer.
  if (opts.readOnly) sqlite.pragma('query_only = ON');
  return sqlite;
}
