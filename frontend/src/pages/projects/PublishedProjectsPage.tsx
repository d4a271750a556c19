import { useState } from 'react';
import { Input, Select, Space, Typography } from 'antd';
import { PublishedProjectsDocument, type ProjectStatus, type ServiceCategory } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { CATEGORIES } from '../../components/enums';
import { useI18n } from '../../i18n';
import { ProjectTable } from './ProjectTable';

const PUBLIC_STATES: ProjectStatus[] = ['OPEN_FOR_BIDS', 'BIDS_OPENED', 'AWARDED', 'IN_PROGRESS', 'COMPLETED', 'EVALUATED', 'FAILED'];

/** Published projects (public, no login) with filters. */
export function PublishedProjectsPage() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [category, setCategory] = useState<ServiceCategory | null>(null);
  const [status, setStatus] = useState<ProjectStatus | null>(null);
  const list = usePaged(PublishedProjectsDocument, { first: 30, text: text || null, category, status }, (d) => d.publishedProjects);
  return (
    <div data-testid="published-projects">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.projects')}
      </Typography.Title>
      <Space wrap style={{ marginBottom: 16 }}>
        <Input.Search
          aria-label={t('project.search')}
          placeholder={t('project.search')}
          allowClear
          onSearch={setText}
          style={{ width: 240 }}
        />
        <Select<ServiceCategory | null>
          aria-label={t('project.category')}
          placeholder={t('project.category')}
          allowClear
          style={{ width: 150 }}
          value={category}
          onChange={(v) => setCategory(v ?? null)}
          options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))}
        />
        <Select<ProjectStatus | null>
          aria-label={t('project.status')}
          placeholder={t('project.status')}
          allowClear
          style={{ width: 130 }}
          value={status}
          onChange={(v) => setStatus(v ?? null)}
          options={PUBLIC_STATES.map((s) => ({ value: s, label: t(`projectStatus.${s}` as const) }))}
        />
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <ProjectTable projects={list.nodes} />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
