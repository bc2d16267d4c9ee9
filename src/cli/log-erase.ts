import pino from 'pino';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { ErasureService } from '../services/erasure.service.js';

/** `cws log erase <work id>`: the operator's erasure of a work's personal data (privacy law). */
export async function eraseCommand(workId: string, opts: { reason: string; json: boolean }): Promise<void> {
  const p = await createPlatform(loadConfig(), { logger: pino({ level: 'warn' }) });
  try {
    // No account: the operator at the console, recorded in the audit trail without an actor.
    const r = await new ErasureService(p.store).erase(null, workId, opts.reason);
    if (opts.json) console.log(JSON.stringify(r, null, 2));
    else console.log(`erased the personal data of work ${r.workId} (log entries ${r.entries.join(', ')}); the log still verifies and the audit reports these entries as erased`);
  } finally {
    await p.close();
  }
}
