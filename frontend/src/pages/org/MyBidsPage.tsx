import { Link } from 'react-router-dom';
import { Table, Tag, Typography } from 'antd';
import { BidsDocument, type BidsQuery } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime, formatFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { ProjectStatusTag } from '../projects/ProjectStatusTag';

type BidRow = BidsQuery['bids']['nodes'][number];

/** The organization's bids and their results. */
export function MyBidsPage() {
  const { t } = useI18n();
  const list = usePaged(BidsDocument, { first: 50 }, (d) => d.bids);
  return (
    <div data-testid="my-bids">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.myBids')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<BidRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            {
              title: t('bid.project'),
              render: (_, b) => (b.project ? <Link to={`/projects/${encodeURIComponent(b.project.id)}`}>{b.project.title}</Link> : '—'),
            },
            { title: t('bid.organization'), render: (_, b) => b.organizationName ?? '—' },
            { title: t('bid.price'), align: 'right', render: (_, b) => (b.sealed ? <Tag>{t('bid.sealed')}</Tag> : formatFen(b.priceFen)) },
            { title: t('bid.submittedAt'), render: (_, b) => formatDateTime(b.submittedAt) },
            { title: t('project.status'), render: (_, b) => (b.project ? <ProjectStatusTag status={b.project.status} /> : null) },
            { title: t('bid.rank'), render: (_, b) => b.rank ?? '—' },
            { title: t('bid.totalScore'), render: (_, b) => b.totalScore ?? '—' },
            {
              title: t('bid.form'),
              render: (_, b) => (
                <Tag color={b.status === 'AWARDED' ? 'green' : b.status === 'LOST' ? 'default' : 'blue'}>
                  {t(`bidStatus.${b.status}` as const)}
                </Tag>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
