import { Link } from 'react-router-dom';
import { Table, Typography } from 'antd';
import { MyEvaluationsDocument, type ProjectSummaryFragment } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { ProjectStatusTag } from './ProjectStatusTag';

/** The projects whose evaluation panel the caller sits on, each with a way into its sheet. */
export function MyEvaluationsPage() {
  const { t } = useI18n();
  const list = usePaged(MyEvaluationsDocument, { first: 50 }, (d) => d.myEvaluations);
  const href = (p: ProjectSummaryFragment) => `/projects/${encodeURIComponent(p.id)}`;
  return (
    <div data-testid="my-evaluations">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.myEvaluations')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('eval.myIntro')}</Typography.Paragraph>
      <ListState
        loading={list.loading}
        error={list.error}
        empty={list.nodes.length === 0}
        emptyText={t('eval.myEmpty')}
        onRetry={() => void list.reload()}
      >
        <Table<ProjectSummaryFragment>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('project.title'), render: (_, p) => <Link to={href(p)}>{p.title}</Link> },
            { title: t('project.community'), render: (_, p) => p.region?.name ?? '—' },
            { title: t('project.category'), render: (_, p) => t(`category.${p.category}` as const) },
            { title: t('project.deadline'), render: (_, p) => formatDateTime(p.bidDeadline) },
            { title: t('project.bidCount'), dataIndex: 'bidCount', align: 'right' },
            { title: t('project.status'), render: (_, p) => <ProjectStatusTag status={p.status} /> },
            {
              title: t('eval.sheet'),
              render: (_, p) => (
                <Link to={href(p)} aria-label={`${t('eval.open')}：${p.title}`}>
                  {t('eval.open')}
                </Link>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
