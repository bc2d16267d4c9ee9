/**
 * Locates the published test vectors: CWS_VECTORS_DIR, else ../shared/vectors beside the repo.
 * A missing folder fails the suite with a clear message; with
 * CWS_ALLOW_MISSING_VECTORS=1 the suite is skipped with a warning instead.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const VECTORS_DIR = process.env.CWS_VECTORS_DIR ? path.resolve(process.env.CWS_VECTORS_DIR) : path.resolve(repoRoot, '../shared/vectors');

/** Runs `body` as a describe block if every `required` path under VECTORS_DIR exists. */
export function describeWithVectors(name: string, required: readonly string[], body: (dir: string) => void): void {
  const missing = required.filter((rel) => !fs.existsSync(path.join(VECTORS_DIR, rel)));
  if (missing.length === 0) {
    describe(name, () => body(VECTORS_DIR));
    return;
  }
  const what = missing.map((rel) => path.join(VECTORS_DIR, rel)).join(', ');
  if (process.env.CWS_ALLOW_MISSING_VECTORS === '1') {
    console.warn(`[ledger tests] SKIPPED "${name}": published vectors not found: ${what} (CWS_ALLOW_MISSING_VECTORS=1)`);
    describe.skip(name, () => {
      it(`needs ${what}`, () => undefined);
    });
    return;
  }
  describe(name, () => {
    it('requires the published test vectors', () => {
      throw new Error(
        `Published test vectors not found: ${what}. Provide ../shared/vectors beside the repository ` +
          '(see its README.md), or set CWS_ALLOW_MISSING_VECTORS=1 to skip these tests knowingly.',
      );
    });
  });
}

export const readJson = (file: string): unknown => JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;

/** All *.json files under dir, recursively, sorted for stable test names. */
export function jsonFilesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

export const b64 = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'base64'));
export const hex = (s: string): Uint8Array => new Uint8Array(Buffer.from(s, 'hex'));
