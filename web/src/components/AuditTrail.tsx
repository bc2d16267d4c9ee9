import { Empty, Space, Tag, Timeline, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { WorkEvent, WorkStatus } from '../api/types';
import { formatDateTime } from '../lib/format';
import { StatusTag } from './StatusTag';

const EVENT_COLORS: Partial<Record<WorkStatus, string>> = {
  approved: 'green',
  rejected: 'red',
  changes_requested: 'orange',
  withdrawn: 'gray',
};

export function AuditTrail({ events }: { events: WorkEvent[] }) {
  const { t } = useTranslation();
  if (events.length === 0) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('audit.empty')} />;
  return (
    <div data-testid="audit-trail">
      <Timeline
        items={events.map((e) => ({
          key: e.id,
          color: (e.toStatus && EVENT_COLORS[e.toStatus]) || 'blue',
          title: formatDateTime(e.createdAt),
          content: (
            <div data-testid="audit-event" data-action={e.action}>
              <Space size={6} wrap>
                <Typography.Text strong>{t(`eventAction.${e.action}`, { defaultValue: e.action })}</Typography.Text>
                {e.fromStatus && e.fromStatus !== e.toStatus && <StatusTag status={e.fromStatus} />}
                {e.fromStatus && e.toStatus && e.fromStatus !== e.toStatus && <span aria-hidden>→</span>}
                {e.toStatus && <StatusTag status={e.toStatus} />}
              </Space>
              <div>
                <Typography.Text type="secondary">
                  {t('audit.actor')}: {e.actor ? e.actor.displayName : t('audit.system')}
                </Typography.Text>
              </div>
              {e.reason && (
                <div>
                  <Tag color="default" style={{ whiteSpace: 'pre-wrap' }}>
                    {t('audit.reason')}: {e.reason}
                  </Tag>
                </div>
              )}
            </div>
          ),
        }))}
      />
    </div>
  );
}
