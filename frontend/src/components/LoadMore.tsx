import { Button } from 'antd';
import { useI18n } from '../i18n';

export function LoadMore({ hasMore, loading, onClick }: { hasMore: boolean; loading: boolean; onClick: () => void }) {
  const { t } = useI18n();
  if (!hasMore) return null;
  return (
    <div style={{ textAlign: 'center', marginTop: 12 }}>
      <Button onClick={onClick} loading={loading}>
        {t('common.loadMore')}
      </Button>
    </div>
  );
}
