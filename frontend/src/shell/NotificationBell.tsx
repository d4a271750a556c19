import { Badge, Button } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router-dom';
import { UnreadCountDocument } from '../api/generated';
import { useQuery } from '../api/client';
import { useI18n } from '../i18n';
import { subscribeNotificationsChanged } from './notificationEvents';
import { useEffect } from 'react';

/** The unread count, refreshed every 30 s and whenever a screen reads or marks notifications. */
export function NotificationBell() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { data, refetch } = useQuery(UnreadCountDocument, {}, { pollMs: 30_000 });
  useEffect(() => subscribeNotificationsChanged(() => void refetch()), [refetch]);
  const count = data?.unreadNotificationCount ?? 0;
  return (
    <Badge count={count} size="small" offset={[-4, 4]}>
      <Button
        type="text"
        className="mm-header-button"
        data-testid="notification-bell"
        aria-label={t('notifications.bell', { n: count })}
        icon={<BellOutlined style={{ fontSize: 18 }} />}
        onClick={() => navigate('/app/notifications')}
      />
    </Badge>
  );
}
