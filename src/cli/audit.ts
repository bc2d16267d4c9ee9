import pino from 'pino';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';

/**
 * `cws audit`: recompute the registry log from the stored rows and check every signature.
 * Exit 0 when everything matches; 1 with one line per stored value that does not.
 */
export async function auditCommand(opts: { json: boolean; threads?: number }): Promise<void> {
  const p = await createPlatform(loadConfig(), { logger: pino({ level: 'warn' }) });
  try {
    const r = await p.logAudit.run(opts.threads ? { threads: opts.threads } : {});
    if (opts.json) {
      console.log(JSON.stringify(r, null, 2));
    } else {
      console.log(`registry audit of ${p.registryLog.identity.origin}: ${r.entries} entries, tree size ${r.treeSize}, ${r.checkpoints} checkpoints, ${r.cosignatures} cosignatures, ${r.timestamps} timestamps, ${r.erased} erased entries (${(r.durationMs / 1000).toFixed(1)} s, ${r.threads} thread${r.threads === 1 ? '' : 's'})`);
      if (r.ok) console.log('OK: every stored row, tile, checkpoint, cosignature and timestamp matches the log');
      else {
        console.log(`FAILED: ${r.problems.length} stored value(s) no longer match`);
        for (const x of r.problems) console.log(`  ${x.table} ${x.row} ${x.field}: ${x.problem}`);
      }
    }
    process.exitCode = r.ok ? 0 : 1;
  } finally {
    await p.close();
  }
}
