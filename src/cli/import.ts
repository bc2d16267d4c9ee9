import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import pino from 'pino';
import { loadConfig } from '../config.js';
import { MAX_CSV_BYTES } from '../documents/import-csv.js';
import { AppError } from '../domain/errors.js';
import type { Actor } from '../domain/review.js';
import { errorMessage } from '../i18n/messages.js';
import { createPlatform } from '../platform.js';

export async function importCommand(opts: { csv: string; files?: string; user: string; submit: boolean; json: boolean }): Promise<void> {
  const config = loadConfig();
  const p = await createPlatform(config, { logger: pino({ level: 'warn' }) });
  try {
    const user = await p.store.repos.users.byUsername(opts.user.toLowerCase());
    if (!user) throw new Error(`no account named ${opts.user}`);
    const actor: Actor = { id: user.id, role: user.role as Actor['role'] };
    const csv = await p.blobs.stage(createReadStream(opts.csv), MAX_CSV_BYTES, opts.csv);
    const isFolder = opts.files ? (await stat(opts.files)).isDirectory() : false;
    const progress = (b: { processed: number; total: number }) => process.stderr.write(`\r  imported ${b.processed}/${b.total}`);
    let batch;
    if (opts.files && !isFolder) {
      const archive = await p.blobs.stage(createReadStream(opts.files), config.maxImportBytes, opts.files);
      const queued = await p.imports.createBatch(actor, csv, archive, opts.submit);
      batch = await p.imports.process(queued.id, undefined, progress);
    } else {
      const created = await p.imports.createLocalBatch(actor, csv, opts.submit);
      batch = await p.imports.process(created.id, undefined, progress, opts.files);
    }
    process.stderr.write('\n');
    const view = await p.imports.get(actor, batch.id);
    if (opts.json) {
      console.log(JSON.stringify(view, null, 2));
    } else {
      for (const r of view.rows) console.log(`  row ${r.row}: ${r.status === 'created' ? `created ${r.workId}` : `error ${r.error?.code}: ${r.error ? errorMessage('en', r.error.code as never, r.error.details ?? {}) : ''}`}  ${r.title}`);
      console.log(`\n${view.created} created, ${view.failed} failed, ${view.total} rows (batch ${view.id})`);
    }
    process.exitCode = view.failed > 0 ? 2 : 0;
  } catch (e) {
    if (e instanceof AppError) throw new Error(`${e.code}: ${errorMessage('en', e.code, e.details)}`, { cause: e });
    throw e;
  } finally {
    await p.close();
  }
}
