import { Select } from 'antd';
import { useNavigate } from 'react-router-dom';
import { useI18n } from '../i18n';
import { useSession } from '../auth/session';
import { grantLabel } from './RoleSwitch';

/** The grant picker itself; its own chunk, since most accounts (every volunteer) hold one grant. */
export function RoleSelect() {
  const { me, activeGrant, setActiveGrant } = useSession();
  const { t } = useI18n();
  const navigate = useNavigate();
  if (!me || !activeGrant) return null;
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
