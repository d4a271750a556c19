import { lazy, Suspense } from 'react';
import { useI18n } from '../i18n';
import { useSession, type Grant } from '../auth/session';

const RoleSelect = lazy(() => import('./RoleSelect').then((m) => ({ default: m.RoleSelect })));

export function grantLabel(grant: Grant, t: ReturnType<typeof useI18n>['t']): string {
  const role = t(`role.${grant.role}` as const);
  if (grant.organization) return `${role} · ${grant.organization.name}`;
  return grant.region ? `${role} · ${grant.region.name}` : role;
}

/** Accounts with several grants choose which one they act as. */
export function RoleSwitch() {
  const { me, activeGrant } = useSession();
  if (!me || me.grants.length < 2 || !activeGrant) return null;
  return (
    <Suspense fallback={null}>
      <RoleSelect />
    </Suspense>
  );
}
