import { useState } from 'react';
import { Select, Space, Table, Tag, Typography } from 'antd';
import { JobsDocument, type JobsQuery, type JobStatus } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type JobRow = JobsQuery['jobs']['nodes'][number];
const COLORS: Record<JobStatus, string> = { QUEUED: 'blue', RUNNING: 'orange', DONE: 'green', FAILED: 'red' };

export function JobsPage() {
  const { t } = useI18n();
  const [status, setStatus] = useState<JobStatus | null>(null);
  const list = usePaged(JobsDocument, { first: 50, status }, (d) => d.jobs);
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('admin.jobs')}
        </Typography.Title>
        <Select<JobStatus | null>
          aria-label={t('job.status')}
          allowClear
          placeholder={t('job.status')}
          style={{ width: 160 }}
          value={status}
          onChange={(v) => setStatus(v ?? null)}
          options={(['QUEUED', 'RUNNING', 'DONE', 'FAILED'] as JobStatus[]).map((s) => ({ value: s, label: t(`jobStatus.${s}` as const) }))}
        />
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<JobRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('job.name'), dataIndex: 'name' },
            {
              title: t('job.status'),
              dataIndex: 'status',
              render: (s: JobStatus) => <Tag color={COLORS[s]}>{t(`jobStatus.${s}` as const)}</Tag>,
            },
            { title: t('job.attempts'), render: (_, j) => `${j.attempts}/${j.maxAttempts}` },
            { title: t('job.runAt'), dataIndex: 'runAt', render: formatDateTime },
            { title: t('job.finishedAt'), dataIndex: 'finishedAt', render: formatDateTime },
            { title: t('job.lastError'), dataIndex: 'lastError', render: (v) => v ?? '—' },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
