import { useState } from 'react';
import { Link } from 'react-router-dom';
import { Card, Input, List, Select, Space, Tag, Typography } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { ActivitiesDocument, type ServiceCategory } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { CATEGORIES } from '../../components/enums';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { nextShift } from './nextShift';

/** Published activities (public notices), newest first, with filters. */
export function ActivitiesPage({ basePath = '/activities' }: { basePath?: string }) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [category, setCategory] = useState<ServiceCategory | null>(null);
  // Read once per render of the list: which shift is "next" is decided against the viewer's clock.
  const now = Date.now();
  const list = usePaged(ActivitiesDocument, { first: 20, text: text || null, category, status: 'PUBLISHED' }, (d) => d.activities);
  return (
    <div data-testid="activities">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('activity.list')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16, width: '100%' }}>
        <Input.Search
          aria-label={t('activity.search')}
          placeholder={t('activity.search')}
          allowClear
          onSearch={setText}
          style={{ width: 260, maxWidth: '100%' }}
        />
        <Select<ServiceCategory | null>
          aria-label={t('activity.category')}
          placeholder={t('activity.category')}
          allowClear
          style={{ width: 160 }}
          value={category}
          onChange={(v) => setCategory(v ?? null)}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))}
        />
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <List
          grid={{ gutter: 16, xs: 1, sm: 1, md: 2, lg: 3 }}
          dataSource={list.nodes}
          renderItem={(a) => {
            // The next shift that has not started, and its own places (not the first shift ever).
            const next = nextShift(a.shifts, now);
            return (
              <List.Item>
                <Card title={<Link to={`${basePath}/${encodeURIComponent(a.id)}`}>{a.title}</Link>} size="small">
                  <Space direction="vertical" size={4}>
                    <Space wrap size={4}>
                      <Tag color="red">{t(`category.${a.category}` as const)}</Tag>
                      {a.region && <Tag>{a.region.name}</Tag>}
                    </Space>
                    <Typography.Text>
                      <EnvironmentOutlined aria-hidden /> {a.placeName}
                    </Typography.Text>
                    {next ? (
                      <>
                        <Typography.Text type="secondary" data-testid="next-shift">
                          {t('activity.nextShift', { time: formatDateTime(next.startsAt) })}
                        </Typography.Text>
                        <Typography.Text type={next.placesLeft > 0 ? 'success' : 'warning'}>
                          {next.placesLeft > 0 ? t('activity.placesLeft', { n: next.placesLeft }) : t('activity.full')}
                        </Typography.Text>
                      </>
                    ) : (
                      <Typography.Text type="secondary" data-testid="activity-ended">
                        {t('activity.ended')}
                      </Typography.Text>
                    )}
                  </Space>
                </Card>
              </List.Item>
            );
          }}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
