import { loadConfig } from '../config.js';
import { createPlatform } from '../platform.js';
import { buildServer } from '../routes/server.js';
import { scheduleFingerprintBackfill } from '../services/fingerprint-backfill.js';

export async function startCommand(): Promise<void> {
  const config = loadConfig();
  const p = await createPlatform(config);
  const app = await buildServer(p);
  await app.listen({ port: config.port, host: config.host });
  if (config.workers) {
    p.jobs.start();
    p.registryLog.integrator.start();
    // Orphans can only come from a crash, so one sweep per start (plus daily) is enough.
    await p.jobs.enqueue('blobs.gc', {}, { runAt: new Date(Date.now() + 60_000) });
    // Image fingerprints made by an older algorithm are recomputed in the background, a slice at a time.
    await scheduleFingerprintBackfill(p.store, (c) => p.jobs.enqueue('fingerprints.backfill', c), p.log);
  }
  const url = config.publicUrl;
  const db = p.database.dialect === 'sqlite' ? `SQLite in ${config.dataDir}` : 'PostgreSQL';
  const lines = [``, `  版权工作站 Copyright Workstation is running: ${url}`, `  data: ${db}; API docs: ${url}/docs`];
  const token = await p.auth.firstAdminToken();
  if (token) {
    lines.push(``, `  首次启动 / First start — create the first admin account (one-time link):`, `  ${url}/setup?token=${token}`);
  } else {
    lines.push(`  Sign in at ${url}/login`);
  }
  console.log(lines.join('\n') + '\n');
  let stopping = false;
  const stop = async (sig: string) => {
    if (stopping) return;
    stopping = true;
    p.log.info({ sig }, 'shutting down');
    // A stuck client must not keep the process alive: give in-flight requests 10 s.
    setTimeout(() => {
      p.log.warn('shutdown deadline passed; exiting');
      process.exit(1);
    }, 10_000).unref();
    await app.close();
    await p.close();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}
