import type { ReactNode } from 'react';
import { Alert, Button, Empty, Skeleton } from 'antd';
import { useI18n } from '../i18n';
import type { ApiError } from '../api/client';
import { describeError } from '../api/forms';

/** Loading, error and empty states for anything that loads a list or a record. */
export function ListState({
  loading,
  error,
  empty,
  onRetry,
  emptyText,
  children,
}: {
  loading: boolean;
  error: ApiError | undefined | null;
  empty: boolean;
  onRetry?: () => void;
  emptyText?: ReactNode;
  children: ReactNode;
}) {
  const { t, locale } = useI18n();
  if (loading) {
    return (
      <div role="status" aria-live="polite" aria-label={t('common.loading')} data-testid="loading">
        <Skeleton active paragraph={{ rows: 4 }} />
      </div>
    );
  }
  if (error) {
    return (
      <Alert
        type="error"
        showIcon
        role="alert"
        message={t('common.loadFailed')}
        description={describeError(error, locale)}
        action={
          onRetry ? (
            <Button size="small" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          ) : undefined
        }
      />
    );
  }
  if (empty) return <Empty description={emptyText ?? t('common.empty')} />;
  return <>{children}</>;
}
