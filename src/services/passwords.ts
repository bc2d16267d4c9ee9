import { hash, verify } from '@node-rs/argon2';
import { AppError } from '../domain/errors.js';

// argon2id (the library's default algorithm) with OWASP's second recommended profile:
// 19 MiB, 2 passes, 1 lane.
const OPTS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 };

export const MIN_PASSWORD = 8;
export const MAX_PASSWORD = 256;

export function checkPasswordRules(pw: unknown, field = 'password'): string {
  if (typeof pw !== 'string' || pw.length < MIN_PASSWORD) throw new AppError('VALIDATION', `${field}: too short`, { field, rule: 'password_short', min: MIN_PASSWORD });
  if (pw.length > MAX_PASSWORD) throw new AppError('VALIDATION', `${field}: too long`, { field, rule: 'too_long', max: MAX_PASSWORD });
  return pw;
}

export const hashPassword = (pw: string): Promise<string> => hash(pw, OPTS);

export async function verifyPassword(stored: string, pw: string): Promise<boolean> {
  try {
    return await verify(stored, pw);
  } catch {
    return false;
  }
}

/** A hash to verify against when the user does not exist, so timing does not reveal usernames. */
let dummy: Promise<string> | undefined;
export const dummyHash = (): Promise<string> => (dummy ??= hashPassword('not-a-real-password-0000'));
