/**
 * Erasure of a person's data for a registered work (privacy law; docs/leaf-format.md,
 * "Erasure"). The log entries keep their commitments, so the tree and every checkpoint
 * still verify; their salts and the personal columns go, and each erased entry is put on
 * record so the audit reports it as erased rather than edited.
 */
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/review.js';
import type { Store } from '../repositories/store.js';

export interface Erasure {
  workId: string;
  /** Log entries whose salt was erased. */
  entries: number[];
  erasedAt: string;
}

const MAX_REASON = 500;

export class ErasureService {
  constructor(private readonly store: Store) {}

  /** Administrators only; `reason` (the request or decision it follows) is kept on record. */
  async erase(actor: Actor | null, workId: string, reason: unknown): Promise<Erasure> {
    if (actor !== null && actor.role !== 'admin') throw new AppError('FORBIDDEN', 'only administrators may erase personal data');
    const why = typeof reason === 'string' ? reason.trim() : '';
    if (why === '' || why.length > MAX_REASON) throw new AppError('VALIDATION', `give the reason for the erasure (1 to ${MAX_REASON} characters)`);
    const now = new Date().toISOString();
    return this.store.tx(async (r) => {
      const work = await r.works.byId(workId);
      if (!work) throw new AppError('NOT_FOUND', 'no such work');
      const entries = await r.log.entriesOfWork(workId);
      if (entries.length === 0) throw new AppError('CONFLICT', 'this work is not in the registry log; a draft or rejected work is deleted, not erased');
      const withSalt = entries.filter((e) => e.hasSalt).map((e) => e.idx);
      if (withSalt.length === 0) throw new AppError('CONFLICT', 'the personal data of this work was already erased');
      await r.log.erasePersonalData(workId, withSalt, { actorId: actor?.id ?? null, reason: why, now });
      await r.certificates.removeOfWork(workId);
      await r.audit.record(actor?.id ?? null, 'work.erase_personal_data', workId, { entries: withSalt, reason: why });
      return { workId, entries: withSalt, erasedAt: now };
    });
  }
}
