import { Card, Col, Row, Space, Tag, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { RecentMicroWishResultsDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { formatDate } from '../../components/format';
import { useI18n } from '../../i18n';
import { STATUS_COLORS } from './rules';

/** The public home's visible result: wishes recently fulfilled or confirmed, masked like the
 * wall (who did it by name or masked name; never who it was for). */
export function RecentWishResults() {
  const { t } = useI18n();
  const { data, loading, error, refetch } = useQuery(RecentMicroWishResultsDocument, { first: 6 });
  const wishes = data?.recentMicroWishResults ?? [];
  return (
    <Card
      title={t('wish.recentFulfilled')}
      style={{ marginBottom: 16 }}
      extra={<Link to="/wishes">{t('nav.wishWall')}</Link>}
      data-testid="recent-wish-results"
    >
      <ListState
        loading={loading}
        error={error}
        empty={wishes.length === 0}
        emptyText={t('wish.noneFulfilled')}
        onRetry={() => void refetch()}
      >
        <Row gutter={[12, 12]}>
          {wishes.map((w) => (
            <Col key={w.id} xs={24} sm={12} lg={8}>
              <Card size="small" style={{ height: '100%' }}>
                <Typography.Text strong style={{ overflowWrap: 'anywhere' }}>
                  {w.title}
                </Typography.Text>
                <div style={{ margin: '6px 0' }}>
                  <Space size={[4, 4]} wrap>
                    <Tag color={STATUS_COLORS[w.status]}>{t(`wish.status.${w.status}` as const)}</Tag>
                    <Tag>{t(`category.${w.category}` as const)}</Tag>
                  </Space>
                </div>
                <Typography.Text type="secondary">
                  {[
                    w.region?.name,
                    w.claimant ? t('wish.doneBy', { name: w.claimant.displayName }) : null,
                    formatDate(w.confirmedAt ?? w.fulfilledAt),
                  ]
                    .filter(Boolean)
                    .join(' · ')}
                </Typography.Text>
              </Card>
            </Col>
          ))}
        </Row>
      </ListState>
    </Card>
  );
}
