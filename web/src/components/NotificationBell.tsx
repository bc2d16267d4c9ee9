import { Badge, Button, Dropdown, Empty, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { useTranslation } from 'react-i18next';
import { listNotifications, markAllNotificationsRead, markNotificationRead } from '../api/endpoints';
import type { Notification } from '../api/types';
import { formatDateTime } from '../lib/format';
import { notificationText } from '../lib/notificationText';

export const NOTIFICATIONS_KEY = ['notifications'] as const;

export function NotificationBell() {
  const { t } = useTranslation();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const { data } = useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'bell'],
    queryFn: () => listNotifications({}),
    refetchInterval: 15_000,
    refetchIntervalInBackground: false,
  });
  const invalidate = () => qc.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  const readOne = useMutation({ mutationFn: markNotificationRead, onSuccess: invalidate });
  const readAll = useMutation({ mutationFn: markAllNotificationsRead, onSuccess: invalidate });
  const unread = data?.unreadCount ?? 0;
  const items = (data?.items ?? []).slice(0, 8);

  const openItem = (n: Notification) => {
    setOpen(false);
    if (!n.readAt) readOne.mutate(n.id);
    if (n.workId) navigate(`/works/${encodeURIComponent(n.workId)}`);
  };

  const panel = (
    <div className="cws-notif-panel" data-testid="notification-panel">
      <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'center', padding: '10px 16px', borderBottom: '1px solid #f0f0f0' }}>
        <Typography.Text strong>{t('notifications.title')}</Typography.Text>
        <Button size="small" type="link" disabled={unread === 0} onClick={() => readAll.mutate()} data-testid="notifications-read-all">
          {t('notifications.markAllRead')}
        </Button>
      </div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('notifications.empty')} style={{ padding: 16 }} />
      ) : (
        items.map((n) => (
          <div
            key={n.id}
            role="button"
            tabIndex={0}
            className={`cws-notif-item${n.readAt ? '' : ' unread'}`}
            data-testid={`notification-item-${n.id}`}
            data-unread={n.readAt ? 'false' : 'true'}
            onClick={() => openItem(n)}
            onKeyDown={(e) => {
              if (e.key === 'Enter') openItem(n);
            }}
          >
            <div>{notificationText(n, t)}</div>
            {n.message && n.workTitle && (
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {n.workTitle}
              </Typography.Text>
            )}
            <div>
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {formatDateTime(n.createdAt)}
              </Typography.Text>
            </div>
          </div>
        ))
      )}
      <div style={{ textAlign: 'center', padding: 8 }}>
        <Link to="/notifications" onClick={() => setOpen(false)} data-testid="notifications-view-all">
          {t('notifications.viewAll')}
        </Link>
      </div>
    </div>
  );

  return (
    <Dropdown open={open} onOpenChange={setOpen} trigger={['click']} placement="bottomRight" popupRender={() => panel}>
      <Button
        type="text"
        data-testid="notification-bell"
        data-unread={unread}
        aria-label={t('notifications.bellLabel', { count: unread })}
        style={{ color: '#fff' }}
      >
        <Badge count={unread} size="small" offset={[4, -2]} data-testid="notification-count">
          <BellOutlined style={{ color: '#fff', fontSize: 18 }} />
        </Badge>
      </Button>
    </Dropdown>
  );
}
