/**
 * The audit's part for correction and revocation entries (docs/leaf-format.md), kept beside
 * log-audit.service.ts so the two evolve separately: each entry is rebuilt from its
 * registry_events row and the work it names, and one pass over the events checks what no
 * single leaf can — every event is logged, and each work's status is the one its logged
 * events give.
 */
import type { Finding } from '../log/approval-leaf.js';
import { checkEventLeaf, eventLeafRefs, fieldsOf, statusFindings, type RegistryEventRow } from '../log/event-leaf.js';
import { decodeLeaf } from '../log/leaf.js';
import type { AuditEntryRow } from '../repositories/log-audit-read.js';
import { ERASED_VALUES } from '../repositories/log.repository.js';
import type { Repos } from '../repositories/store.js';

/**
 * An erased event keeps no personal data: its correction's personal columns hold what the
 * erasure leaves (ERASED_VALUES) and its reason is empty. Without the salt nothing else can
 * be checked, but a name written back after the erasure is still seen.
 */
function erasedEventFindings(ev: RegistryEventRow, idx: string): Finding[] {
  const out: Finding[] = [];
  const fields = fieldsOf(ev);
  for (const [column, erased] of Object.entries(ERASED_VALUES)) {
    if (column in fields && fields[column] !== erased) out.push({ table: 'registry_events', row: ev.id, field: 'fields', problem: `holds a ${column} although the personal data of log entry ${idx} was erased` });
  }
  if (ev.reason !== '') out.push({ table: 'registry_events', row: ev.id, field: 'reason', problem: `is not empty although the personal data of log entry ${idx} was erased` });
  return out;
}

/** Checks correction and revocation entries against their rows. */
export async function checkEventEntries(r: Pick<Repos, 'registryEvents' | 'log'>, rows: readonly AuditEntryRow[]): Promise<Finding[]> {
  if (rows.length === 0) return [];
  const out: Finding[] = [];
  const refs = rows.map((row) => {
    try {
      return eventLeafRefs(decodeLeaf(row.entry));
    } catch {
      return { eventId: undefined, workId: undefined, createdAt: undefined };
    }
  });
  const events = await r.registryEvents.byIds(refs.flatMap((x) => (x.eventId ? [x.eventId] : [])));
  const erased = await r.log.erasedAmong(rows.filter((row) => row.salt === null).map((row) => Number(row.idx)));
  const works = new Map((await r.registryEvents.worksByIds([...new Set(refs.flatMap((x) => (x.workId ? [x.workId] : [])))])).map((w) => [w.id, w]));
  rows.forEach((row, i) => {
    const ref = refs[i]!;
    const idx = String(row.idx);
    if (ref.eventId !== undefined && ref.eventId !== row.event_id) out.push({ table: 'log_entries', row: idx, field: 'event_id', problem: `is ${row.event_id}, the leaf says ${ref.eventId}` });
    if (ref.createdAt !== undefined && ref.createdAt !== row.created_at) out.push({ table: 'log_entries', row: idx, field: 'created_at', problem: `is ${row.created_at}, the leaf says ${ref.createdAt}` });
    const ev = ref.eventId ? events.get(ref.eventId) : undefined;
    out.push(...checkEventLeaf(row.entry, ref.workId ? works.get(ref.workId) : undefined, ev, row.salt, idx));
    if (ev && erased.has(Number(row.idx))) out.push(...erasedEventFindings(ev, idx));
  });
  return out;
}

/** Events the log never recorded, and works whose status their logged events do not give. */
export async function registryEventFindings(r: Pick<Repos, 'registryEvents'>): Promise<Finding[]> {
  const out: Finding[] = [];
  const [events, works] = await Promise.all([r.registryEvents.allWithEntries(), r.registryEvents.worksWithEvents()]);
  const logged = new Map<string, { id: string; kind: string }[]>();
  for (const e of events) {
    if (e.idx === null) {
      out.push({ table: 'registry_events', row: e.id, field: 'id', problem: `a ${e.kind} the registry log does not record` });
      continue;
    }
    const list = logged.get(e.work_id);
    if (list) list.push(e);
    else logged.set(e.work_id, [e]);
  }
  for (const w of works) out.push(...statusFindings(w, logged.get(w.id) ?? []));
  return out;
}
