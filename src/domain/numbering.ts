/** Registration numbers in the seed's form PREFIX-YEAR-CODE-SERIAL, e.g. 京作登字-2023-F-00270704. */
export const SERIAL_DIGITS = 8;

export function formatRegistrationNumber(prefix: string, year: number, code: string, serial: number): string {
  if (!Number.isInteger(serial) || serial < 1 || serial >= 10 ** SERIAL_DIGITS) {
    throw new RangeError(`serial ${serial} out of range for ${SERIAL_DIGITS} digits`);
  }
  return `${prefix}-${year}-${code}-${String(serial).padStart(SERIAL_DIGITS, '0')}`;
}

export function parseRegistrationNumber(n: string): { prefix: string; year: number; code: string; serial: number } | null {
  const m = /^(.+)-(\d{4})-([A-Z0-9]{1,3})-(\d{8})$/u.exec(n);
  if (!m) return null;
  return { prefix: m[1]!, year: Number(m[2]), code: m[3]!, serial: Number(m[4]) };
}

/** Serials run per calendar year; the counter scope is therefore the year. */
export const counterScope = (year: number): string => `registration:${year}`;
