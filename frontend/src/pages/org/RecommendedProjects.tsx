import { Link } from 'react-router-dom';
import { Card, Space, Tag, Typography } from 'antd';
import { RecommendedProjectsDocument, type RecommendedProjectsQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { RecommendationList } from '../../components/RecommendationList';
import { formatDateTime, formatFen } from '../../components/format';
import { useI18n } from '../../i18n';

type Item = RecommendedProjectsQuery['recommendedProjects']['items'][number];

/** On the organization admin's workbench: open projects recommended for the organization. */
export function RecommendedProjects({ organizationId }: { organizationId: string }) {
  const { t } = useI18n();
  const recs = useQuery(RecommendedProjectsDocument, { organizationId, first: 10 });
  const data = recs.data?.recommendedProjects;
  return (
    <Card title={t('match.projects.title')} style={{ marginBottom: 16 }} data-testid="recommended-projects">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t('match.projects.hint')}
      </Typography.Paragraph>
      <RecommendationList<Item>
        items={data?.items ?? []}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.project.id}
        title={(i) => (
          <Link to={`/projects/${encodeURIComponent(i.project.id)}`}>
            <strong>{i.project.title}</strong>
          </Link>
        )}
        description={(i) => (
          <Space wrap size={[8, 4]}>
            <Tag color="red" style={{ marginInlineEnd: 0 }}>
              {t(`category.${i.project.category}` as const)}
            </Tag>
            {i.project.region && <Typography.Text type="secondary">{i.project.region.name}</Typography.Text>}
            <Typography.Text type="secondary">
              {t('project.budgetShort')} {formatFen(i.project.budgetCeilingFen)}
            </Typography.Text>
            {i.project.bidDeadline && (
              <Typography.Text type="secondary">
                {t('project.deadline')} {formatDateTime(i.project.bidDeadline)}
              </Typography.Text>
            )}
          </Space>
        )}
      />
    </Card>
  );
}
