/**
 * The audit's part for correction and revocation entries (docs/leaf-format.md), kept beside
 * log-audit.service.ts so the two evolve separately: each entry is rebuilt from its
 * registry_events row and the work it names, and one pass over the events checks what no
 * single leaf can — every event is logged, and each work's status is the one its logged
 * events give.
 */
import type { Finding } from '../log/approval-leaf.js';
import { checkEventLeaf, eventLeafRefs, statusFindings } from '../log/event-leaf.js';
import { decodeLeaf } from '../log/leaf.js';
import type { LogEntryRow } from '../repositories/log.repository.js';
import type { Repos } from '../repositories/store.js';

/** Checks correction and revocation entries against their rows. */
export async function checkEventEntries(r: Pick<Repos, 'registryEvents'>, rows: readonly LogEntryRow[]): Promise<Finding[]> {
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
  const works = new Map((await r.registryEvents.worksByIds([...new Set(refs.flatMap((x) => (x.workId ? [x.workId] : [])))])).map((w) => [w.id, w]));
  rows.forEach((row, i) => {
    const ref = refs[i]!;
    const idx = String(row.idx);
    if (ref.eventId !== undefined && ref.eventId !== row.event_id) out.push({ table: 'log_entries', row: idx, field: 'event_id', problem: `is ${row.event_id}, the leaf says ${ref.eventId}` });
    if (ref.createdAt !== undefined && ref.createdAt !== row.created_at) out.push({ table: 'log_entries', row: idx, field: 'created_at', problem: `is ${row.created_at}, the leaf says ${ref.createdAt}` });
    out.push(...checkEventLeaf(row.entry, ref.workId ? works.get(ref.workId) : undefined, ref.eventId ? events.get(ref.eventId) : undefined, row.salt, idx));
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
