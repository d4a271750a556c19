import { Link, useNavigate } from 'react-router-dom';
import { Button, List, Space, Tag, Typography } from 'antd';
import { ActivitiesDocument } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';

/** Activities the user organizes, each shift with a link to its check-in screen. */
export function OrganizeActivitiesPage() {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { activeGrant } = useSession();
  const list = usePaged(ActivitiesDocument, { first: 20, organizedByMe: true }, (d) => d.activities);
  return (
    <div data-testid="organize-activities">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('activity.organizedByMe')}
        </Typography.Title>
        {(activeGrant?.role === 'COMMUNITY_STAFF' || activeGrant?.role === 'SOCIAL_WORKER') && (
          <Button type="primary" onClick={() => navigate('/app/activities/new')}>
            {t('activity.create')}
          </Button>
        )}
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <List
          dataSource={list.nodes}
          renderItem={(a) => (
            <List.Item>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space wrap>
                  <Link to={`/activities/${encodeURIComponent(a.id)}`}>
                    <Typography.Text strong>{a.title}</Typography.Text>
                  </Link>
                  <Tag color="red">{t(`category.${a.category}` as const)}</Tag>
                  {a.status === 'CANCELLED' && <Tag>{t('activity.cancelled')}</Tag>}
                </Space>
                <Typography.Text type="secondary">
                  {a.placeName} · {a.region?.name}
                </Typography.Text>
                <Space wrap>
                  {a.shifts.map((s) => (
                    <LinkButton key={s.id} size="small" to={`/app/shifts/${encodeURIComponent(s.id)}`} data-testid="shift-screen-link">
                      {formatDateTime(s.startsAt)} · {t('shift.taken', { taken: s.placesTaken, capacity: s.capacity })}
                    </LinkButton>
                  ))}
                </Space>
              </Space>
            </List.Item>
          )}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
