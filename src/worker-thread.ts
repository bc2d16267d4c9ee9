import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

// Under tsx or vitest the worker is a .ts file and the thread starts without their loaders,
// so it registers tsx's first. The compiled build (dist/) runs the .js file.
const BOOT = `
const { workerData } = require('node:worker_threads');
(async () => {
  if (workerData.tsx) (await import(workerData.tsx)).register();
  await import(workerData.module);
})().catch((e) => { setImmediate(() => { throw e; }); });
`;

/**
 * Starts a worker thread running the module `name` (without extension) next to `base`
 * (the caller's import.meta.url), as .ts under tsx/vitest and as .js in the compiled build.
 * The module reads its own data from `workerData.data`.
 */
export function startModuleWorker(base: string, name: string, data: unknown, options: Omit<WorkerOptions, 'eval' | 'workerData'> = {}): Worker {
  const ts = base.endsWith('.ts');
  const module = new URL(`./${name}.${ts ? 'ts' : 'js'}`, base).href;
  let tsx: string | undefined;
  if (ts) {
    // tsx's ESM API (its "import" export; resolving from here would give the CommonJS one).
    const root = path.dirname(createRequire(import.meta.url).resolve('tsx/package.json'));
    tsx = pathToFileURL(path.join(root, 'dist/esm/api/index.mjs')).href;
  }
  return new Worker(BOOT, { ...options, eval: true, workerData: { module, tsx, data } });
}
