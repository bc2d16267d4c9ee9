/**
 * Salted commitments to personal data. The public log carries only
 *   SHA-256("cws-commit/v1\n" || salt || key || "\n" || value)
 * where the 32-byte salt is random per entry and kept in our database. Without the salt
 * nobody can test guesses against a commitment; with it (an evidence package hands it
 * over) anyone can check a stored value. Erasing a person's data erases the salt: the
 * commitments stay in the tree, so the log still verifies, but they no longer point at
 * anyone. Values are tagged so that a null and a string never commit alike.
 */
import { hash, randomBytes } from 'node:crypto';

export const SALT_SIZE = 32;
const COMMIT_PREFIX = Buffer.from('cws-commit/v1\n');
const SALT_PREFIX = Buffer.from('cws-salt/v1\n');

export const newSalt = (): Uint8Array => new Uint8Array(randomBytes(SALT_SIZE));

export type CommittedValue = string | number | null;

// Keys repeat for every entry: encode each once.
const keyBytes = new Map<string, Buffer>();

export function commitment(salt: Uint8Array, key: string, value: CommittedValue): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`salt must be ${SALT_SIZE} bytes`);
  let k = keyBytes.get(key);
  if (!k) keyBytes.set(key, (k = Buffer.from(`${key}\n`, 'utf8')));
  const text = value === null ? '' : String(value);
  // prefix || salt || key "\n" || tag (0x00 null, 0x01 string) || UTF-8 value
  const buf = Buffer.allocUnsafe(COMMIT_PREFIX.length + SALT_SIZE + k.length + 1 + Buffer.byteLength(text, 'utf8'));
  let at = COMMIT_PREFIX.copy(buf, 0);
  buf.set(salt, at);
  at += SALT_SIZE;
  at += k.copy(buf, at);
  buf[at++] = value === null ? 0x00 : 0x01;
  buf.write(text, at, 'utf8');
  return hash('sha256', buf, 'base64');
}

/** Published beside the commitments so an audit can tell a changed salt from changed data. */
export function saltHash(salt: Uint8Array): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`salt must be ${SALT_SIZE} bytes`);
  return hash('sha256', Buffer.concat([SALT_PREFIX, salt]), 'base64');
}
