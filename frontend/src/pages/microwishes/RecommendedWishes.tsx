import type { ReactNode } from 'react';
import { Card, Space, Tag, Typography } from 'antd';
import { RecommendedMicroWishesDocument, type RecommendedMicroWishesQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { RecommendationList } from '../../components/RecommendationList';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type Item = RecommendedMicroWishesQuery['recommendedMicroWishes']['items'][number];

/**
 * "为你推荐" above the wall for a volunteer: open wishes nearby ranked for them
 * (recommendedMicroWishes), each with its reasons and the claim action the wall offers. When the
 * volunteer turned personalization off, the list is not personalized and the card says so.
 */
export function RecommendedWishes({ action }: { action: (wish: Item['microWish']) => ReactNode }) {
  const { t } = useI18n();
  const recs = useQuery(RecommendedMicroWishesDocument, { first: 3 });
  const data = recs.data?.recommendedMicroWishes;
  const personalized = recs.data?.me?.personalizedFeed ?? null;
  const items = (data?.items ?? []).filter((i) => i.microWish.status === 'OPEN');
  return (
    <Card title={t('match.forYou')} size="small" style={{ marginBottom: 16 }} data-testid="recommended-wishes">
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 13 }}>
        {personalized === false ? t('wish.forYouPlain') : t('wish.forYouHint')}
      </Typography.Paragraph>
      <RecommendationList<Item>
        items={items}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.microWish.id}
        emptyText={t('wish.noRecommended')}
        testId="recommended-wishes-list"
        title={(i) => <strong>{i.microWish.title}</strong>}
        description={(i) => (
          <Space direction="vertical" size={0}>
            <Space size={[4, 4]} wrap>
              <Tag color="red">{t(`category.${i.microWish.category}` as const)}</Tag>
              <Tag>{t(`wish.needs.${i.microWish.needs}` as const)}</Tag>
            </Space>
            <Typography.Text type="secondary">
              {[i.microWish.region?.name, t('wish.deadlineAt', { time: formatDateTime(i.microWish.deadline) })].filter(Boolean).join(' · ')}
            </Typography.Text>
          </Space>
        )}
        actions={(i) => action(i.microWish)}
      />
    </Card>
  );
}
