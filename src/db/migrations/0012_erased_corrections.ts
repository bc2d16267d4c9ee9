import { sql, type Kysely } from 'kysely';

// Forward-only: never edit this file once landed; add a new migration instead.
// Erasure (0010) cleared a work's personal columns and salts but left the corrected values
// of its corrections in registry_events.fields, so the registration as it stands could
// still show the erased names. Erasures now clear them too (log.repository.ts
// erasePersonalData); this applies the same to events erased before. The rule is copied
// here, not imported, so this migration keeps doing what it did when it landed.
const ERASED: Record<string, string> = { authors: '[]', owners: '[]', description: '' };

function erasedFields(fields: string): string {
  let v: unknown;
  try {
    v = JSON.parse(fields);
  } catch {
    return '{}';
  }
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return '{}';
  const out = { ...(v as Record<string, unknown>) };
  for (const [column, erased] of Object.entries(ERASED)) if (column in out) out[column] = erased;
  return JSON.stringify(out);
}

export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ id: string; fields: string }>`
    select e.id, e.fields from registry_events e
    join log_entries l on l.event_id = e.id
    join log_erasures x on x.idx = l.idx`.execute(db);
  for (const r of rows) await sql`update registry_events set fields = ${erasedFields(r.fields)}, reason = '' where id = ${r.id}`.execute(db);
}
