/**
 * The registry leaf, version 1 (docs/leaf-format.md): UTF-8 text, one `key value` line per
 * field, LF-terminated, in an order fixed per kind. Text rather than JSON because a line
 * format has exactly one encoding per value: a verifier in any language rebuilds the same
 * bytes, and the same bytes always hash to the same leaf.
 *
 * Keys name the stored column a value came from (`works.registration_number`); a key with
 * the `commit:` prefix carries a salted commitment (base64 SHA-256) instead of the value,
 * for personal data that must never be published (see commitment.ts).
 */
import { MAX_ENTRY_SIZE } from '../ledger/index.js';

export const LEAF_MAGIC = 'cws-registry-entry/v1';

/** Registry event kinds. Only `approval` is produced today; the others are reserved (docs/leaf-format.md). */
export const LEAF_KINDS = ['approval', 'correction', 'revocation', 'transfer', 'licence_grant'] as const;
export type LeafKind = (typeof LEAF_KINDS)[number];

export type LeafLine = readonly [key: string, value: string];

export interface Leaf {
  readonly kind: LeafKind;
  readonly saltHash: string;
  /** One commitment to all committed values together (commitment.ts): the audit's fast check. */
  readonly recordCommitment: string;
  /** Every line after the three header lines, in order. */
  readonly lines: readonly LeafLine[];
}

export class LeafFormatError extends Error {
  readonly code = 'MALFORMED_LEAF';
  constructor(message: string) {
    super(message);
    this.name = 'LeafFormatError';
  }
}

const bad = (why: string): never => {
  throw new LeafFormatError(why);
};

const KEY = /^(?:commit:)?[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$|^(?:kind|salt-hash|record-commitment)$/;
// Values are single-line text without control characters or surrounding blanks.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkLine(key: string, value: string): void {
  if (!KEY.test(key)) bad(`bad key ${JSON.stringify(key)}`);
  if (value === '' || value !== value.trim() || CONTROL.test(value) || LONE_SURROGATE.test(value)) bad(`bad value for ${key}`);
}

export function encodeLeaf(leaf: Leaf): Uint8Array {
  if (!(LEAF_KINDS as readonly string[]).includes(leaf.kind)) bad(`unknown kind ${leaf.kind}`);
  const all: LeafLine[] = [['kind', leaf.kind], ['salt-hash', leaf.saltHash], ['record-commitment', leaf.recordCommitment], ...leaf.lines];
  let text = `${LEAF_MAGIC}\n`;
  for (const [key, value] of all) {
    checkLine(key, value);
    text += `${key} ${value}\n`;
  }
  const bytes = new TextEncoder().encode(text);
  if (bytes.length > MAX_ENTRY_SIZE) bad(`leaf of ${bytes.length} bytes exceeds ${MAX_ENTRY_SIZE}`);
  return bytes;
}

const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Strict parse: anything that would not re-encode to the same bytes is refused. */
export function decodeLeaf(bytes: Uint8Array): Leaf {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    return bad('leaf is not UTF-8');
  }
  if (!text.endsWith('\n')) bad('leaf must end with a newline');
  const [magic, ...rest] = text.slice(0, -1).split('\n');
  if (magic !== LEAF_MAGIC) bad(`unknown leaf version ${JSON.stringify(magic)}`);
  const lines = rest.map((line): LeafLine => {
    const space = line.indexOf(' ');
    if (space < 0) bad('line without a value');
    return [line.slice(0, space), line.slice(space + 1)];
  });
  const [kindLine, saltLine, recordLine, ...body] = lines;
  if (kindLine?.[0] !== 'kind' || !(LEAF_KINDS as readonly string[]).includes(kindLine[1])) bad('first line must be a known kind');
  if (saltLine?.[0] !== 'salt-hash') bad('second line must be salt-hash');
  if (recordLine?.[0] !== 'record-commitment') bad('third line must be record-commitment');
  const leaf: Leaf = { kind: kindLine![1] as LeafKind, saltHash: saltLine![1], recordCommitment: recordLine![1], lines: body };
  const again = encodeLeaf(leaf);
  if (!Buffer.from(again).equals(bytes)) bad('leaf is not in canonical form');
  return leaf;
}

/** The value of the first line with this key, if any. */
export const leafValue = (leaf: Leaf, key: string): string | undefined => leaf.lines.find(([k]) => k === key)?.[1];
