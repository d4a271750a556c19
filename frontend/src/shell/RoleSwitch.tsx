import { Select } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';
import { useSession, type Grant } from '../auth/session';

export function grantLabel(grant: Grant, t: ReturnType<typeof useI18n>['t']): string {
  const role = t(`role.${grant.role}` as const);
  if (grant.organization) return `${role} · ${grant.organization.name}`;
  return grant.region ? `${role} · ${grant.region.name}` : role;
}

/** Accounts with several grants choose which one they act as. */
export function RoleSwitch() {
  const { me, activeGrant, setActiveGrant } = useSession();
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!me || me.grants.length < 2 || !activeGrant) return null;
  return (
    <Select
      aria-label={t('shell.switchRole')}
      data-testid="role-switch"
      size="small"
      value={activeGrant.id}
      popupMatchSelectWidth={false}
      style={{ maxWidth: 220 }}
      onChange={(id: string) => {
        setActiveGrant(id);
        navigate('/app');
      }}
      options={me.grants.map((g) => ({ value: g.id, label: grantLabel(g, t) }))}
    />
  );
}
