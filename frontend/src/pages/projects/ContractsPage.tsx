import { Typography } from 'antd';
import { ContractsDocument } from '../../api/generated';
import { usePaged } from '../../api/paged';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { useI18n } from '../../i18n';
import { ContractView } from './ContractView';

/** Contracts in scope with milestones, reports and payments. */
export function ContractsPage() {
  const { t } = useI18n();
  const list = usePaged(ContractsDocument, { first: 20 }, (d) => d.contracts);
  return (
    <div data-testid="contracts">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.contracts')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        {list.nodes.map((c) => (
          <ContractView key={c.id} contract={c} onChanged={() => void list.reload()} />
        ))}
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
