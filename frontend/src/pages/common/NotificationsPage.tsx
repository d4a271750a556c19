import { useState } from 'react';
import { Badge, Button, List, Segmented, Space, Typography, message } from 'antd';
import { MarkNotificationsReadDocument, MyNotificationsDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { notificationsChanged } from '../../shell/notificationEvents';
import { notificationText } from '../../shell/notificationText';

export function NotificationsPage() {
  const { t, locale } = useI18n();
  const [unreadOnly, setUnreadOnly] = useState(false);
  const list = usePaged(MyNotificationsDocument, { first: 30, unreadOnly }, (d) => d.myNotifications);
  const [mark, { loading }] = useMutation(MarkNotificationsReadDocument);
  const [api, holder] = message.useMessage();

  const markRead = async (ids: string[] | null) => {
    try {
      const result = await mark({ input: { ids } });
      if (result.markNotificationsRead.errors.length) {
        const err = result.markNotificationsRead.errors[0];
        void api.error(errorMessage(err.code, locale, err.message));
        return;
      }
      notificationsChanged();
      await list.reload();
    } catch (exc) {
      void api.error(describeError(exc, locale));
    }
  };

  return (
    <div>
      {holder}
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('notifications.title')}
        </Typography.Title>
        <Space wrap>
          <Segmented
            aria-label={t('notifications.unread')}
            value={unreadOnly ? 'unread' : 'all'}
            onChange={(v) => setUnreadOnly(v === 'unread')}
            options={[
              { value: 'all', label: t('notifications.all') },
              { value: 'unread', label: t('notifications.unread') },
            ]}
          />
          <Button onClick={() => void markRead(null)} loading={loading}>
            {t('notifications.markAllRead')}
          </Button>
        </Space>
      </Space>
      <ListState
        loading={list.loading}
        error={list.error}
        empty={list.nodes.length === 0}
        emptyText={t('notifications.none')}
        onRetry={() => void list.reload()}
      >
        <List
          dataSource={list.nodes}
          renderItem={(n) => {
            const text = notificationText(n, locale);
            return (
              <List.Item
                actions={
                  n.isRead
                    ? []
                    : [
                        <Button key="read" size="small" type="link" onClick={() => void markRead([n.id])}>
                          {t('notifications.markRead')}
                        </Button>,
                      ]
                }
              >
                <List.Item.Meta
                  title={
                    <Space>
                      {!n.isRead && <Badge status="processing" aria-label={t('notifications.unread')} />}
                      <span style={{ fontWeight: n.isRead ? 400 : 600 }}>{text.title}</span>
                    </Space>
                  }
                  description={
                    <>
                      {text.body && <div>{text.body}</div>}
                      <Typography.Text type="secondary">{formatDateTime(n.createdAt)}</Typography.Text>
                    </>
                  }
                />
              </List.Item>
            );
          }}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
