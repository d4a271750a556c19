import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Button, Card, Segmented, Space, Typography } from 'antd';
import { ProjectPipelineDocument, type ProjectStatus } from '../../api/generated';
import { useQuery } from '../../api/client';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { LazyChart as Chart } from '../../components/LazyChart';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { ProjectTable } from './ProjectTable';

const STATES: ProjectStatus[] = [
  'DRAFT',
  'PENDING_APPROVAL',
  'OPEN_FOR_BIDS',
  'BIDS_OPENED',
  'AWARDED',
  'IN_PROGRESS',
  'COMPLETED',
  'EVALUATED',
  'FAILED',
  'CANCELLED',
];

/** Every project in the user's regions, by state, with a chart of the pipeline. */
export function PipelinePage({ pendingApproval = false }: { pendingApproval?: boolean }) {
  const { t } = useI18n();
  const navigate = useNavigate();
  const { activeGrant } = useSession();
  const [status, setStatus] = useState<ProjectStatus | 'ALL'>('ALL');
  const list = usePaged(
    ProjectPipelineDocument,
    { first: 50, status: status === 'ALL' ? null : status, pendingApproval },
    (d) => d.projectPipeline,
  );
  // The chart counts the first 100 projects of the pipeline (a summary, not a report).
  const all = useQuery(ProjectPipelineDocument, { first: 100, pendingApproval }, { skip: pendingApproval });
  const counts = useMemo(() => {
    const c = new Map<ProjectStatus, number>();
    for (const p of all.data?.projectPipeline.nodes ?? []) c.set(p.status, (c.get(p.status) ?? 0) + 1);
    return STATES.filter((s) => c.get(s)).map((s) => [s, c.get(s) ?? 0] as const);
  }, [all.data]);
  return (
    <div data-testid={pendingApproval ? 'approval-queue' : 'pipeline'}>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {pendingApproval ? t('nav.approvals') : t('nav.pipeline')}
        </Typography.Title>
        {activeGrant?.role === 'COMMUNITY_STAFF' && (
          <Button type="primary" onClick={() => navigate('/app/projects/new')}>
            {t('nav.newProject')}
          </Button>
        )}
      </Space>
      {!pendingApproval && counts.length > 0 && (
        <Card size="small" style={{ marginBottom: 16 }}>
          <Chart
            label={t('chart.pipeline')}
            height={180}
            option={{
              grid: { left: 8, right: 8, top: 16, bottom: 8, containLabel: true },
              xAxis: { type: 'category', data: counts.map(([s]) => t(`projectStatus.${s}` as const)) },
              yAxis: { type: 'value', minInterval: 1 },
              series: [{ type: 'bar', data: counts.map(([, n]) => n), itemStyle: { color: '#c41d1d' }, barMaxWidth: 40 }],
              tooltip: {},
            }}
          />
        </Card>
      )}
      {!pendingApproval && (
        <div style={{ overflowX: 'auto', marginBottom: 16 }}>
          <Segmented
            aria-label={t('project.status')}
            value={status}
            onChange={(v) => setStatus(v as ProjectStatus | 'ALL')}
            options={[
              { value: 'ALL', label: t('notifications.all') },
              ...STATES.map((s) => ({ value: s, label: t(`projectStatus.${s}` as const) })),
            ]}
          />
        </div>
      )}
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <ProjectTable projects={list.nodes} />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
