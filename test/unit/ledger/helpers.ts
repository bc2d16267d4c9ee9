/** Shared assertions for ledger tests. */
import { expect } from 'vitest';
import { LedgerError, type LedgerErrorCode } from '../../../src/ledger/index.js';

/** Asserts that `run` throws a LedgerError with exactly this code. */
export function expectCode(run: () => unknown, code: LedgerErrorCode): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(caught, `expected LedgerError ${code}`).toBeInstanceOf(LedgerError);
  expect((caught as LedgerError).code).toBe(code);
}
