import pino from 'pino';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { KeyStore } from '../repositories/keys.store.js';
import { rotateLogKey } from '../services/log-keys.service.js';

/** `cws log rotate-key`: a new signing key for the log; the old public key stays trusted. */
export async function rotateKeyCommand(opts: { json: boolean }): Promise<void> {
  const config = loadConfig();
  const p = await createPlatform(config, { logger: pino({ level: 'warn' }) });
  try {
    const r = await rotateLogKey(p.store, new KeyStore(config.dataDir));
    if (opts.json) console.log(JSON.stringify(r, null, 2));
    else {
      console.log(`log ${r.origin}: new signing key ${r.vkey}`);
      console.log(`retired key (still trusted for earlier checkpoints, listed at /log/keys): ${r.previousVkey}`);
      if (r.retiredSecret) console.log(`the old secret key is now ${r.retiredSecret}: move it to offline storage, or destroy it if it leaked`);
      console.log('restart every app process of this log: until then they refuse to sign. Give witnesses the new key.');
    }
  } finally {
    await p.close();
  }
}
