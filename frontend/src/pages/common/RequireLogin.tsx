import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router-dom';
import { Result, Spin } from 'antd';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import type { Role } from '../../api/generated';

/** Screens behind login; `roles` limits a screen to the active grant's role. */
export function RequireLogin({ children, roles }: { children: ReactNode; roles?: Role[] }) {
  const { me, loading, activeGrant } = useSession();
  const { t } = useI18n();
  const location = useLocation();
  if (loading) {
    return (
      <div role="status" style={{ textAlign: 'center', padding: 48 }}>
        <Spin aria-label={t('common.loading')} />
      </div>
    );
  }
  if (!me) return <Navigate to="/login" replace state={{ from: location.pathname + location.search }} />;
  if (roles && (!activeGrant || !roles.includes(activeGrant.role))) {
    return <Result status="403" title={t('common.forbidden')} />;
  }
  return <>{children}</>;
}
