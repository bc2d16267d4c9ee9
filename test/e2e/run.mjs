// Runs the browser tests when Chromium is here; says plainly when it is not (CI requires it).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const chromium = process.env.CWS_CHROMIUM ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  const msg = `Browser (e2e) tests NOT RUN: no Chromium at ${chromium} (apt-get install -y chromium).`;
  if (process.env.CWS_REQUIRE_BROWSER === '1') {
    console.error(`!! ${msg} CWS_REQUIRE_BROWSER=1, failing.`);
    process.exit(1);
  }
  console.warn(`\n!! ${msg}\n`);
  process.exit(0);
}
if (!existsSync('dist/web/index.html') || !existsSync('dist/web/verifier.html')) {
  console.log('== building the web app for the browser tests');
  const b = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const r = spawnSync('npx', ['vitest', 'run', '--config', 'test/e2e/vitest.config.ts'], { stdio: 'inherit' });
process.exit(r.status ?? 1);
