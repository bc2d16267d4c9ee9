import pino from 'pino';
import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { DemoService } from '../services/demo.service.js';

export async function demoCommand(opts: { registrations: number }): Promise<void> {
  const config = loadConfig();
  const p = await createPlatform(config, { logger: pino({ level: 'warn' }) });
  try {
    const demo = new DemoService(p.store, p.auth, p.registration, p.review);
    const accounts = await demo.accounts();
    const t0 = Date.now();
    const counts = await demo.registrations(opts.registrations, (done) => process.stderr.write(`\r  registrations: ${done}/${opts.registrations}`));
    process.stderr.write('\n');
    console.log(`\nDemo institution ready in ${config.dataDir} (${((Date.now() - t0) / 1000).toFixed(1)} s):`);
    console.log(`  ${counts.approved} approved, ${counts.rejected} rejected, ${counts.pending} waiting for review\n`);
    console.log('  role       username        password');
    for (const a of accounts) console.log(`  ${a.role.padEnd(10)} ${a.username.padEnd(15)} ${a.password}`);
    console.log(`\nStart with \`npm start\` and sign in at ${config.publicUrl}/login`);
  } finally {
    await p.close();
  }
}
