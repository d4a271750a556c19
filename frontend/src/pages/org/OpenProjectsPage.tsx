import { Typography } from 'antd';
import { OpenProjectsForOrganizationDocument } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { ProjectTable } from '../projects/ProjectTable';

/** Open projects the organization qualifies for. */
export function OpenProjectsPage() {
  const { t } = useI18n();
  const { activeGrant } = useSession();
  const organizationId = activeGrant?.organizationId ?? '';
  const list = usePaged(OpenProjectsForOrganizationDocument, { organizationId, first: 50 }, (d) => d.openProjectsForOrganization, {
    skip: !organizationId,
  });
  return (
    <div data-testid="open-projects">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.openProjects')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <ProjectTable projects={list.nodes} />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
