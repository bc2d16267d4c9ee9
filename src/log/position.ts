/** Where a work's latest registry event sits in the log, and the checkpoint that covers it. */
import { leafHash } from '../ledger/index.js';
import type { Repos } from '../repositories/store.js';

export interface LogPosition {
  index: number;
  kind: string;
  /** Base64 RFC 6962 leaf hash of the entry. */
  leafHash: string;
  sequencedAt: string;
  origin: string;
  /** Size of the newest checkpoint that includes the entry; null until one is published. */
  checkpointSize: number | null;
  rootHash: string | null;
  publishedAt: string | null;
}

export async function logPosition(r: Repos, workId: string): Promise<LogPosition | null> {
  const entry = await r.log.latestEntryOfWork(workId);
  if (!entry) return null;
  const [checkpoint, state] = await Promise.all([r.log.latestCheckpoint(), r.log.state()]);
  const index = Number(entry.idx);
  const covered = checkpoint !== undefined && Number(checkpoint.size) > index;
  return {
    index,
    kind: entry.kind,
    leafHash: Buffer.from(leafHash(entry.entry)).toString('base64'),
    sequencedAt: entry.created_at,
    origin: state?.origin ?? '',
    checkpointSize: covered ? Number(checkpoint.size) : null,
    rootHash: covered ? checkpoint.root.toString('base64') : null,
    publishedAt: covered ? checkpoint.published_at : null,
  };
}
