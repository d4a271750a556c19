import { Link } from 'react-router-dom';
import { Table, Typography } from 'antd';
import { AwardAnnouncementsDocument, type AwardAnnouncementsQuery } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatFen } from '../../components/format';
import { useI18n } from '../../i18n';

type Row = AwardAnnouncementsQuery['awardAnnouncements']['nodes'][number];

/** Award announcements (中标公示): public. */
export function AwardsPage() {
  const { t } = useI18n();
  const list = usePaged(AwardAnnouncementsDocument, { first: 50 }, (d) => d.awardAnnouncements);
  return (
    <div data-testid="awards">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.awards')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<Row>
          rowKey="projectId"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            {
              title: t('project.title'),
              render: (_, a) => <Link to={`/projects/${encodeURIComponent(a.projectId)}`}>{a.projectTitle}</Link>,
            },
            { title: t('project.winner'), render: (_, a) => a.organizationName ?? '—' },
            { title: t('project.winningPrice'), align: 'right', render: (_, a) => formatFen(a.priceFen) },
            { title: t('project.awardedOn'), dataIndex: 'awardedOn' },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
