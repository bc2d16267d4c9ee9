import { Alert } from 'antd';
import { useTranslation } from 'react-i18next';
import { errorText } from '../lib/errors';

/** Shows an API error: the server's localized message, else the translated error code. */
export function ErrorAlert({ error, testId = 'error-alert', style }: { error: unknown; testId?: string; style?: React.CSSProperties }) {
  const { t } = useTranslation();
  if (!error) return null;
  return <Alert type="error" showIcon title={errorText(error, t)} data-testid={testId} style={{ marginBottom: 16, ...style }} />;
}
