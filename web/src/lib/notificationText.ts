import type { TFunction } from 'i18next';
import type { Notification } from '../api/types';

/**
 * The sentence shown for a notification. docs/api.md promises a server-made `message`;
 * when it is absent we compose one from `kind` (e.g. "work.approve") and the data fields.
 */
export function notificationText(n: Notification, t: TFunction): string {
  if (n.message) return n.message;
  const vars = {
    title: n.workTitle ?? '',
    reason: n.reason ?? '',
    registrationNumber: n.registrationNumber ?? '',
    status: n.status ? t(`status.${n.status}`, { defaultValue: n.status }) : '',
  };
  return t(`notifications.kind.${n.kind}`, { ...vars, defaultValue: t('notifications.kind.other', vars) });
}
