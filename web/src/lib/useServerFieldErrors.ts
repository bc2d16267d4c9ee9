import type { FormInstance } from 'antd';
import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api/client';
import { errorText, fieldPath } from './errors';

/** Puts the server's field error (`error.details.field`) under the matching form field. */
export function useServerFieldErrors<T>(form: FormInstance<T>) {
  const { t } = useTranslation();
  return useCallback(
    (err: unknown) => {
      if (!(err instanceof ApiError) || !err.field) return;
      const name = fieldPath(err.field);
      try {
        form.setFields([{ name: name as never, errors: [errorText(err, t)] }]);
        form.scrollToField(name as never);
      } catch {
        // field not on this form: the error alert shows it anyway
      }
    },
    [form, t],
  );
}
