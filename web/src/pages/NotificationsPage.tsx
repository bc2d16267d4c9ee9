import { Badge, Button, Card, Empty, Pagination, Space, Spin, Switch, Typography } from 'antd';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../api/endpoints';
import { ErrorAlert } from '../components/ErrorAlert';
import { StatusTag } from '../components/StatusTag';
import { formatDateTime } from '../lib/format';
import { notificationText } from '../lib/notificationText';

export default function NotificationsPage() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const [page, setPage] = useState(1);
  const [unreadOnly, setUnreadOnly] = useState(false);
  const pageSize = 20;
  const { data, isLoading, error } = useQuery({
    queryKey: ['notifications', 'page', { page, unreadOnly }],
    queryFn: () => listNotifications({ page, unread: unreadOnly, pageSize }),
    placeholderData: (prev) => prev,
    refetchInterval: 15_000,
  });
  const invalidate = () => qc.invalidateQueries({ queryKey: ['notifications'] });
  const readOne = useMutation({ mutationFn: markNotificationRead, onSuccess: invalidate });
  const readAll = useMutation({ mutationFn: markAllNotificationsRead, onSuccess: invalidate });
  const items = data?.items ?? [];

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('notifications.title')} <Badge count={data?.unreadCount ?? 0} />
        </Typography.Title>
        <Space>
          <Switch
            checked={unreadOnly}
            onChange={(v) => {
              setUnreadOnly(v);
              setPage(1);
            }}
            data-testid="notifications-unread-only"
          />
          <span>{t('notifications.unreadOnly')}</span>
          <Button onClick={() => readAll.mutate()} disabled={!data?.unreadCount} loading={readAll.isPending} data-testid="notifications-page-read-all">
            {t('notifications.markAllRead')}
          </Button>
        </Space>
      </Space>
      <ErrorAlert error={error ?? readOne.error ?? readAll.error} />
      {isLoading ? (
        <Spin />
      ) : items.length === 0 ? (
        <Empty description={t('notifications.empty')} />
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }} data-testid="notifications-list">
          {items.map((n) => (
            <Card
              key={n.id}
              size="small"
              data-testid={`notification-${n.id}`}
              style={n.readAt ? undefined : { borderColor: '#91caff', background: '#f0f7ff' }}
            >
              <Space style={{ width: '100%', justifyContent: 'space-between' }} wrap>
                <Space orientation="vertical" size={2}>
                  <Space wrap>
                    {!n.readAt && <Badge status="processing" />}
                    <Typography.Text strong={!n.readAt}>{notificationText(n, t)}</Typography.Text>
                    {n.status && <StatusTag status={n.status} />}
                  </Space>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {formatDateTime(n.createdAt)}
                    {n.workTitle ? ` · ${n.workTitle}` : ''}
                  </Typography.Text>
                </Space>
                <Space>
                  {n.workId && (
                    <Link to={`/works/${encodeURIComponent(n.workId)}`} onClick={() => !n.readAt && readOne.mutate(n.id)}>
                      {t('notifications.openWork')}
                    </Link>
                  )}
                  {!n.readAt && (
                    <Button size="small" onClick={() => readOne.mutate(n.id)} data-testid={`notification-read-${n.id}`}>
                      {t('notifications.markRead')}
                    </Button>
                  )}
                </Space>
              </Space>
            </Card>
          ))}
        </Space>
      )}
      {(data?.total ?? 0) > pageSize && (
        <Pagination style={{ marginTop: 16 }} current={page} pageSize={pageSize} total={data?.total ?? 0} onChange={setPage} showSizeChanger={false} />
      )}
    </div>
  );
}
