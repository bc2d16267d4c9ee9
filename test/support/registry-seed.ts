/**
 * Approved registrations in bulk, written straight into the tables the way the approve
 * transition leaves them (work, approve event, files, log entry). For tests and benchmarks
 * that need hundreds of thousands of real, auditable registry entries quickly.
 */
import { createHash, randomBytes } from 'node:crypto';
import { newId } from '../../src/domain/ids.js';
import { encodeApprovalLeaf } from '../../src/log/approval-leaf.js';
import { newSalt } from '../../src/log/commitment.js';
import { sequence } from '../../src/log/sequence.js';
import { LogRepository } from '../../src/repositories/log.repository.js';
import type { Platform } from '../../src/platform.js';
import type { WorkEventRow, WorkFileRow, WorkRow } from '../../src/repositories/works.repository.js';

export async function seedApprovals(p: Platform, n: number, opts: { chunk?: number; onProgress?: (done: number) => void } = {}): Promise<string[]> {
  const db = p.database.db;
  const tag = randomBytes(3).toString('hex');
  const now = new Date().toISOString();
  const userIds = [newId(), newId()];
  await db
    .insertInto('users')
    .values(userIds.map((id, i) => ({ id, username: `seed-${tag}-${i}`, password_hash: 'x', display_name: `seed ${i}`, real_name: '', campus_id: '', unit: '', email: '', role: i === 0 ? 'creator' : 'reviewer', locale: 'zh-CN', disabled: 0, must_change_password: 0, created_at: now, updated_at: now })))
    .execute();
  const [ownerId, reviewerId] = userIds as [string, string];
  const ids: string[] = [];
  const chunk = opts.chunk ?? 1000;
  for (let done = 0; done < n; done += chunk) {
    const count = Math.min(chunk, n - done);
    const works: WorkRow[] = [];
    const files: WorkFileRow[] = [];
    const events: WorkEventRow[] = [];
    const blobs: { sha256: string; size: number; created_at: string }[] = [];
    for (let i = 0; i < count; i++) {
      const k = done + i;
      const id = newId();
      const sha = createHash('sha256').update(`${tag}:${k}`).digest('hex');
      works.push({
        id, owner_id: ownerId, title: `批量作品 ${k}`, category: 'fine_art', description: `seeded ${k}`, authors: JSON.stringify([{ name: `作者${k}` }]), authors_text: `作者${k}`,
        owners: JSON.stringify([{ name: `作者${k}`, kind: 'person', share: 100 }]), completed_on: '2026-01-01', publication: JSON.stringify({ status: 'unpublished' }),
        ai_disclosure: JSON.stringify({ used: false, tools: '', prompts: '', humanContribution: '', claimedParts: '', excludedParts: '' }), status: 'approved', ever_submitted: 1,
        reviewer_id: reviewerId, submitted_at: now, reviewed_at: now, review_reason: null, registration_number: `测作登字-2026-F-${tag}${String(k).padStart(8, '0')}`, registered_at: now,
        import_batch_id: null, created_at: now, updated_at: now,
      });
      blobs.push({ sha256: sha, size: 1000 + k, created_at: now });
      files.push({ id: newId(), work_id: id, sha256: sha, filename: `seed-${k}.png`, media_type: 'image/png', kind: 'image', size: 1000 + k, position: 0, created_at: now });
      events.push({ id: newId(), work_id: id, actor_id: reviewerId, action: 'approve', from_status: 'in_review', to_status: 'approved', reason: null, data: JSON.stringify({ registrationNumber: works[i]!.registration_number }), created_at: now });
      ids.push(id);
    }
    await db.transaction().execute(async (trx) => {
      for (let i = 0; i < count; i += 200) {
        await trx.insertInto('works').values(works.slice(i, i + 200)).execute();
        await trx.insertInto('blobs').values(blobs.slice(i, i + 200)).execute();
        await trx.insertInto('work_files').values(files.slice(i, i + 200)).execute();
        await trx.insertInto('work_events').values(events.slice(i, i + 200)).execute();
      }
      const entries = works.map((w, i) => {
        const salt = newSalt();
        return { kind: 'approval' as const, workId: w.id, eventId: events[i]!.id, entry: encodeApprovalLeaf({ work: w, event: events[i]!, files: [files[i]!] }, salt), salt };
      });
      await sequence({ log: new LogRepository(trx, p.database.dialect) }, entries, now);
    });
    opts.onProgress?.(done + count);
  }
  return ids;
}
