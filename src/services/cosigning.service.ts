import type { Logger } from 'pino';
import {
  cosignatureVerifier,
  decodeTimestampedSignature,
  formatAddCheckpointRequest,
  formatNote,
  formatSignatureLine,
  openNote,
  parseAddCheckpointResponse,
  parseNote,
  parseVerifierKey,
} from '../ledger/index.js';
import type { WitnessTarget } from '../log/config.js';
import type { WitnessClient } from '../repositories/witness.client.js';
import type { Store } from '../repositories/store.js';
import type { LogService } from './log.service.js';

export interface CosignResult {
  witness: string;
  size: number;
  ok: boolean;
  error?: string;
}

/**
 * Asks the configured witnesses (other libraries, a court) to cosign our latest checkpoint
 * over c2sp.org/tlog-witness, with a consistency proof from what each last cosigned, and
 * stores the cosignatures that verify. Runs as the durable `log.witness` job.
 */
export class CosigningService {
  constructor(
    private readonly store: Store,
    private readonly log: LogService,
    private readonly client: WitnessClient,
    private readonly witnesses: readonly WitnessTarget[],
    private readonly logger: Logger,
  ) {}

  get configured(): boolean {
    return this.witnesses.length > 0;
  }

  /** Cosigns the latest checkpoint with every witness; throws (so the job retries) if any failed. */
  async cosignLatest(): Promise<CosignResult[]> {
    // A checkpoint published while we were asking would otherwise wait for the next one.
    for (let round = 0; ; round++) {
      const before = await this.store.repos.log.latestCheckpoint();
      const results: CosignResult[] = [];
      for (const w of this.witnesses) results.push(await this.cosignWith(w));
      const failed = results.filter((r) => !r.ok);
      if (failed.length > 0) throw new Error(`witnesses did not cosign: ${failed.map((f) => `${f.witness}: ${f.error}`).join('; ')}`);
      const after = await this.store.repos.log.latestCheckpoint();
      if (round >= 4 || Number(after?.size ?? 0) === Number(before?.size ?? 0)) return results;
    }
  }

  private async cosignWith(w: WitnessTarget): Promise<CosignResult> {
    const repo = this.store.repos.log;
    const cp = await repo.latestCheckpoint();
    const name = parseVerifierKey(w.vkey).name;
    if (!cp) return { witness: name, size: 0, ok: true };
    const size = Number(cp.size);
    if ((await repo.cosignatures(size)).some((c) => c.witness_key === w.vkey)) return { witness: name, size, ok: true };
    let oldSize = (await repo.witnessCosignedSize(w.vkey)) ?? 0;
    const now = () => new Date().toISOString();
    try {
      // At most two rounds: a 409 tells us the size the witness really holds.
      for (let round = 0; round < 2; round++) {
        if (oldSize > size) throw new Error(`witness holds size ${oldSize}, beyond our checkpoint ${size}: restore or fork?`);
        const proof = await this.log.consistencyProof(oldSize, size);
        const reply = await this.client.addCheckpoint(w.url, formatAddCheckpointRequest({ oldSize, proof, checkpoint: cp.note }));
        if (reply.status === 409 && reply.contentType.startsWith('text/x.tlog.size') && /^(0|[1-9][0-9]*)\n$/.test(reply.body)) {
          oldSize = Number(reply.body.trim());
          await repo.setWitnessState(w.vkey, oldSize, null, now());
          continue;
        }
        if (reply.status !== 200) throw new Error(`HTTP ${reply.status}: ${reply.body.trim().slice(0, 200)}`);
        // Keep only the signatures by this witness's key that verify on our checkpoint.
        const { text } = parseNote(cp.note);
        const sigs = parseAddCheckpointResponse(reply.body);
        const opened = openNote(formatNote(text, sigs), [cosignatureVerifier(w.vkey)]);
        const sig = opened.verified[0]!;
        await repo.putCosignature({ checkpoint_size: size, witness_key: w.vkey, line: formatSignatureLine(sig), timestamp: decodeTimestampedSignature(sig.signature).timestamp, created_at: now() });
        await repo.setWitnessState(w.vkey, size, null, now());
        return { witness: name, size, ok: true };
      }
      throw new Error('witness kept answering 409');
    } catch (e) {
      const error = (e as Error).message;
      this.logger.warn({ witness: name, size, err: error }, 'witness did not cosign');
      await repo.setWitnessState(w.vkey, oldSize, error.slice(0, 1000), now());
      return { witness: name, size, ok: false, error };
    }
  }
}
