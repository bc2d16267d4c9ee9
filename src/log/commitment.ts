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

const RECORD_PREFIX = Buffer.from('cws-record/v1\n');

/**
 * One commitment to every committed value of an entry, in leaf order:
 *   SHA-256("cws-record/v1\n" || salt || for each: key "\n" || tag || uint32be(len) || value)
 * With the leaf itself authenticated by the tree, a match proves every value unchanged,
 * at the cost of one hash instead of one per field (the audit's fast path).
 */
export function recordCommitment(salt: Uint8Array, fields: readonly (readonly [key: string, value: CommittedValue])[]): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`salt must be ${SALT_SIZE} bytes`);
  // One buffer, sized first: this runs once per entry in every audit.
  let size = RECORD_PREFIX.length + SALT_SIZE;
  const texts: string[] = [];
  const keys: Buffer[] = [];
  for (const [key, value] of fields) {
    let k = keyBytes.get(key);
    if (!k) keyBytes.set(key, (k = Buffer.from(`${key}\n`, 'utf8')));
    const text = value === null ? '' : String(value);
    keys.push(k);
    texts.push(text);
    size += k.length + 5 + Buffer.byteLength(text, 'utf8');
  }
  const buf = Buffer.allocUnsafe(size);
  let at = RECORD_PREFIX.copy(buf, 0);
  buf.set(salt, at);
  at += SALT_SIZE;
  fields.forEach(([, value], i) => {
    at += keys[i]!.copy(buf, at);
    buf[at] = value === null ? 0x00 : 0x01;
    const n = buf.write(texts[i]!, at + 5, 'utf8');
    buf.writeUInt32BE(n, at + 1);
    at += 5 + n;
  });
  return hash('sha256', buf, 'base64');
}

// Grown as needed and reused: the audit computes one record commitment per entry.
let scratch = Buffer.allocUnsafe(16 * 1024);

/**
 * recordCommitment for values already in leaf order: `names.header` for the first values,
 * then `names.perFile` repeated `files` times. Same bytes, without building key/value pairs.
 */
export function recordCommitmentOf(salt: Uint8Array, names: { header: readonly string[]; perFile: readonly string[] }, files: number, values: readonly CommittedValue[]): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`salt must be ${SALT_SIZE} bytes`);
  let at = RECORD_PREFIX.copy(scratch, 0);
  scratch.set(salt, at);
  at += SALT_SIZE;
  const count = names.header.length + files * names.perFile.length;
  if (values.length !== count) throw new RangeError(`expected ${count} committed values, got ${values.length}`);
  for (let i = 0; i < count; i++) {
    const key = i < names.header.length ? names.header[i]! : names.perFile[(i - names.header.length) % names.perFile.length]!;
    let k = keyBytes.get(key);
    if (!k) keyBytes.set(key, (k = Buffer.from(`${key}\n`, 'utf8')));
    const value = values[i]!;
    const text = value === null ? '' : typeof value === 'string' ? value : String(value);
    const need = at + k.length + 5 + text.length * 3;
    if (need > scratch.length) {
      const grown = Buffer.allocUnsafe(Math.max(need, scratch.length * 2));
      scratch.copy(grown, 0, 0, at);
      scratch = grown;
    }
    at += k.copy(scratch, at);
    scratch[at] = value === null ? 0x00 : 0x01;
    const n = text.length === 0 ? 0 : scratch.write(text, at + 5, 'utf8');
    scratch.writeUInt32BE(n, at + 1);
    at += 5 + n;
  }
  return hash('sha256', scratch.subarray(0, at), 'base64');
}

/** Published beside the commitments so an audit can tell a changed salt from changed data. */
export function saltHash(salt: Uint8Array): string {
  if (salt.length !== SALT_SIZE) throw new RangeError(`salt must be ${SALT_SIZE} bytes`);
  return hash('sha256', Buffer.concat([SALT_PREFIX, salt]), 'base64');
}
