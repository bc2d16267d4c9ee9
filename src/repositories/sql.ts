import { sql, type RawBuilder } from 'kysely';
import type { Dialect } from '../db/connect.js';

/** Case-insensitive "contains" that treats % and _ in the user's text literally, on both dialects. */
export function contains(dialect: Dialect, column: string, text: string): RawBuilder<boolean> {
  const pattern = `%${text.replace(/[%_\\]/g, (c) => `\\${c}`)}%`;
  const op = dialect === 'postgres' ? sql`ilike` : sql`like`;
  return sql<boolean>`${sql.ref(column)} ${op} ${pattern} escape '\\'`;
}
