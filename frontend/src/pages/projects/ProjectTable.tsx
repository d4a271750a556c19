import { Link } from 'react-router-dom';
import { Table } from 'antd';
import type { ProjectSummaryFragment } from '../../api/generated';
import { formatDateTime, formatFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { ProjectStatusTag } from './ProjectStatusTag';

export function ProjectTable({ projects }: { projects: ProjectSummaryFragment[] }) {
  const { t } = useI18n();
  return (
    <Table<ProjectSummaryFragment>
      rowKey="id"
      dataSource={projects}
      pagination={false}
      scroll={{ x: true }}
      columns={[
        { title: t('project.title'), render: (_, p) => <Link to={`/projects/${encodeURIComponent(p.id)}`}>{p.title}</Link> },
        { title: t('project.community'), render: (_, p) => p.region?.name ?? '—' },
        { title: t('project.category'), render: (_, p) => t(`category.${p.category}` as const) },
        { title: t('project.method'), render: (_, p) => t(`method.${p.procurementMethod}` as const) },
        { title: t('project.budgetShort'), align: 'right', render: (_, p) => formatFen(p.budgetCeilingFen) },
        { title: t('project.deadline'), render: (_, p) => formatDateTime(p.bidDeadline) },
        { title: t('project.bidCount'), dataIndex: 'bidCount', align: 'right' },
        { title: t('project.status'), render: (_, p) => <ProjectStatusTag status={p.status} /> },
      ]}
    />
  );
}
