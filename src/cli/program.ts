// The cws command line (src/cli/main.ts loads it once the process-wide settings are in place).
import { Command, InvalidArgumentError } from 'commander';
import { packageVersion } from '../paths.js';
import { registerAigc } from './aigc.js';
import { auditCommand } from './audit.js';
import { demoCommand } from './demo.js';
import { fingerprintCommand, matchCommand } from './fingerprint.js';
import { backfillCommand } from './fingerprint-backfill.js';
import { importCommand } from './import.js';
import { eraseCommand } from './log-erase.js';
import { rotateKeyCommand } from './log-keys.js';
import { startCommand } from './start.js';
import { evidenceCommand, verifyCommand } from './verify.js';

const positiveInt = (v: string): number => {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidArgumentError('expected a non-negative integer');
  return n;
};

const program = new Command('cws').description('Copyright Workstation (版权工作站)').version(packageVersion());

program.command('start').description('migrate the database, start the API, the web app and the workers').action(startCommand);

program
  .command('demo')
  .description('fill the data folder with a demo institution (accounts per role, sample registrations)')
  .option('-r, --registrations <n>', 'number of registrations', positiveInt, 40)
  .action(demoCommand);

program
  .command('import')
  .description('batch-register works from a CSV and a folder or ZIP of files (see docs/import.md)')
  .requiredOption('--csv <file>', 'the CSV file')
  .option('--files <folderOrZip>', 'folder or ZIP archive holding the files named in the CSV')
  .requiredOption('--user <username>', 'the account that owns the imported works')
  .option('--submit', 'submit every imported work for review', false)
  .option('--json', 'print the per-row report as JSON', false)
  .action(importCommand);

program
  .command('audit')
  .description('recompute the registry log from the stored rows and verify every checkpoint, cosignature and timestamp; exit 1 naming each value that no longer matches')
  .option('--json', 'print the report as JSON', false)
  .option('--threads <n>', 'worker threads (default: CWS_AUDIT_THREADS, or one per core)', positiveInt)
  .action(auditCommand);

const logCommand = program.command('log').description('operate the registry log (docs/log-operations.md)');
logCommand
  .command('rotate-key')
  .description('sign checkpoints with a new log key from now on; the old public key stays trusted for earlier checkpoints')
  .option('--json', 'print JSON', false)
  .action(rotateKeyCommand);
logCommand
  .command('erase <workId>')
  .description("erase a registered work's personal data (privacy law); the log still verifies and the audit reports the entry as erased")
  .requiredOption('--reason <text>', 'the request or decision the erasure follows (kept on record)')
  .option('--json', 'print JSON', false)
  .action(eraseCommand);

program
  .command('fingerprint [file]')
  .description('print the fingerprints of a file: sha256, PDQ (images), Chromaprint (audio), frame PDQ (video), text statistics')
  .option('--json', 'print JSON', false)
  .option('--backfill', 'instead: recompute the stored image fingerprints made by an older algorithm version, from the stored files (what the job queued at start does), printing progress; exit 1 if a file is missing or no longer decodes', false)
  .action((file: string | undefined, opts: { json: boolean; backfill: boolean }) => {
    if (opts.backfill) return backfillCommand(opts);
    if (!file) throw new InvalidArgumentError('missing file (or --backfill)');
    return fingerprintCommand(file, opts);
  });

program
  .command('match <file>')
  .description('search the registry for files identical or similar to FILE (exit 0: matches, 1: none, 2: could not fingerprint)')
  .option('--json', 'print JSON', false)
  .action(matchCommand);

program
  .command('verify <package>')
  .description('check an evidence package offline (no network, no database); exit 0 valid, 1 with a reason code: BAD_SIGNATURE, PROOF_MISMATCH, CONTENT_HASH_MISMATCH, UNKNOWN_KEY, MALFORMED')
  .option('--content <files...>', 'work files to match against the registered SHA-256 hashes')
  .option('--key <vkeys...>', "trusted log verifier keys (a vkey or a file holding one); the package's key must be one of them")
  .option('--tsa-ca <pem>', 'trusted RFC 3161 TSA certificates (PEM); timestamps must chain to one of them')
  .option('--json', 'print JSON', false)
  .action(verifyCommand);

program
  .command('evidence <number>')
  .description('export the evidence package of a registration (docs/evidence-package.md)')
  .requiredOption('-o, --output <file>', 'where to write the package')
  .action(evidenceCommand);

registerAigc(program);

program.parseAsync(process.argv).catch((e: unknown) => {
  console.error(`cws: ${(e as Error).message}`);
  process.exit(1);
});
