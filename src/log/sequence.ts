/**
 * Stage 1, sequence: give an event its index, durably, inside the caller's transaction.
 * The approval that produces the event commits together with its log entry or not at
 * all, so an approval is acknowledged only once its entry has an index on disk.
 */
import { AppError } from '../domain/errors.js';
import { leafHash } from '../ledger/index.js';
import type { Repos } from '../repositories/store.js';
import { encodeApprovalLeaf, type ApprovalRecord } from './approval-leaf.js';
import { newSalt } from './commitment.js';
import type { LeafKind } from './leaf.js';

export interface NewEntry {
  kind: LeafKind;
  workId: string | null;
  eventId: string;
  entry: Uint8Array;
  /** Null when the leaf commits to no personal data. */
  salt: Uint8Array | null;
}

const bytes = (b: Uint8Array | null): Buffer | null => (b === null ? null : Buffer.from(b.buffer, b.byteOffset, b.byteLength));

/** Appends entries in order; returns the index of the first. */
export async function sequence(r: Pick<Repos, 'log'>, entries: readonly NewEntry[], now: string): Promise<number> {
  if (entries.length === 0) throw new RangeError('nothing to sequence');
  const first = await r.log.reserve(entries.length);
  await r.log.insertEntries(
    entries.map((e, i) => ({ idx: first + i, kind: e.kind, work_id: e.workId, event_id: e.eventId, entry: bytes(e.entry)!, leaf_hash: bytes(leafHash(e.entry))!, salt: bytes(e.salt), created_at: now })),
  );
  return first;
}

/** Reads back the rows an approval leaf is built from, as this transaction sees them. */
export async function approvalRecord(r: Repos, workId: string, eventId: string): Promise<ApprovalRecord> {
  const [work, events, files] = await Promise.all([r.works.byId(workId), r.works.events(workId), r.works.files(workId)]);
  const event = events.find((e) => e.id === eventId);
  if (!work || !event) throw new AppError('NOT_FOUND', 'approved work or its event not found');
  return { work, event, files: files.map((f) => ({ ...f, size: Number(f.size) })) };
}

/** Sequences the approval of a work; called by the approve transition in its transaction. */
export async function sequenceApproval(r: Repos, workId: string, eventId: string, now: string): Promise<number> {
  const record = await approvalRecord(r, workId, eventId);
  const salt = newSalt();
  return sequence(r, [{ kind: 'approval', workId, eventId, entry: encodeApprovalLeaf(record, salt), salt }], now);
}
