import { Tag } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WorkStatus } from '../api/types';
import { STATUS_COLORS } from '../lib/status';

export function StatusTag({ status, testId }: { status: WorkStatus; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Tag color={STATUS_COLORS[status] ?? 'default'} data-testid={testId} data-status={status}>
      {t(`status.${status}`, { defaultValue: status })}
    </Tag>
  );
}
