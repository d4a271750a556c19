import { Button, Card, Space, Tag, Typography } from 'antd';
import { RecommendedSocialWorkersDocument, type RecommendedSocialWorkersQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { RecommendationList } from '../../components/RecommendationList';
import { useI18n } from '../../i18n';

type Item = RecommendedSocialWorkersQuery['recommendedSocialWorkers']['items'][number];

/** Beside the bid form: the organization's social workers who fit the project, added to the team with one click. */
export function RecommendedSocialWorkers({
  projectId,
  organizationId,
  team,
  onAdd,
}: {
  projectId: string;
  organizationId: string;
  team: readonly string[];
  onAdd: (socialWorkerId: string) => void;
}) {
  const { t } = useI18n();
  const recs = useQuery(RecommendedSocialWorkersDocument, { projectId, organizationId, first: 10 });
  const data = recs.data?.recommendedSocialWorkers;
  // A help beside the form, not part of it: when it cannot answer, the form stands alone.
  if (recs.error) return null;

  return (
    <Card size="small" type="inner" title={t('match.workers.title')} style={{ marginBottom: 16 }} data-testid="recommended-social-workers">
      <RecommendationList<Item>
        items={data?.items ?? []}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.socialWorker.id}
        title={(i) => (
          <Space wrap size={4}>
            <Typography.Text strong>{i.socialWorker.name}</Typography.Text>
            <Tag>{t(`workerLevel.${i.socialWorker.level}` as const)}</Tag>
          </Space>
        )}
        description={(i) =>
          i.socialWorker.specialties.length > 0 ? (
            <Typography.Text type="secondary">
              {i.socialWorker.specialties.map((c) => t(`category.${c}` as const)).join('、')}
            </Typography.Text>
          ) : null
        }
        actions={(i) =>
          team.includes(i.socialWorker.id) ? (
            <Tag color="green">{t('match.workers.inTeam')}</Tag>
          ) : (
            <Button size="small" onClick={() => onAdd(i.socialWorker.id)} aria-label={`${t('match.workers.add')}：${i.socialWorker.name}`}>
              {t('match.workers.add')}
            </Button>
          )
        }
      />
    </Card>
  );
}
