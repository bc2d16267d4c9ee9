import type { TFunction } from 'i18next';
import { ApiError } from '../api/client';
import type { ImportRowError } from '../api/types';

/** The text to show for an error: the server's localized message, else a translation of its code. */
export function errorText(err: unknown, t: TFunction): string {
  if (err instanceof ApiError) {
    if (err.serverMessage) return err.serverMessage;
    return t(`errors.${err.code}`, { defaultValue: t('errors.UNKNOWN', { code: err.code }) });
  }
  if (err instanceof Error && err.message) return err.message;
  return t('errors.UNKNOWN', { code: '?' });
}

/**
 * Turns a server field path ("owners[1].share", "aiDisclosure.tools", "owners.1.share")
 * into an antd Form name path.
 */
export function fieldPath(field: string): (string | number)[] {
  return field
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '')
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** Text for an import row's or batch's error: the server's message, else the translated code. */
export function importErrorText(err: string | ImportRowError | null | undefined, t: TFunction): string {
  if (!err) return '';
  if (typeof err === 'string') return err;
  return err.message || t(`errors.${err.code}`, { defaultValue: err.code });
}
