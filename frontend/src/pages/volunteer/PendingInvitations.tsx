import { Alert } from 'antd';
import { MyVolunteerInvitationsDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';

/** On the volunteer's home: how many invitations wait for an answer, with the way to them. */
export function PendingInvitations() {
  const { t } = useI18n();
  const list = useQuery(MyVolunteerInvitationsDocument, { first: 50, status: 'PENDING' });
  const pending = (list.data?.myVolunteerInvitations.nodes ?? []).filter((i) => i.status === 'PENDING').length;
  if (pending === 0) return null;
  return (
    <Alert
      type="info"
      showIcon
      style={{ marginBottom: 16 }}
      data-testid="pending-invitations"
      message={t('match.invitations.pending', { n: pending })}
      action={
        <LinkButton to="/app/volunteer/invitations" size="small" type="primary">
          {t('nav.invitations')}
        </LinkButton>
      }
    />
  );
}
