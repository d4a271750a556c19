import { Alert, Button, Card, Descriptions, List, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  AcceptStaffInvitationDocument,
  DeclineStaffInvitationDocument,
  MyStaffInvitationsDocument,
  SocialWorkersDocument,
  type StaffInvitationFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

/**
 * The social worker's own page: their profile with the qualifications the bureau recorded
 * (read-only), and the organizations' invitations to join their staff, to accept or decline.
 */
export function SocialWorkerProfilePage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  // A social worker reads exactly one profile: their own.
  const profile = useQuery(SocialWorkersDocument, { first: 1 });
  const invitations = useQuery(MyStaffInvitationsDocument, {});
  const [accept, acceptState] = useMutation(AcceptStaffInvitationDocument);
  const [decline, declineState] = useMutation(DeclineStaffInvitationDocument);
  const me = profile.data?.socialWorkers.nodes[0] ?? null;

  const answer = async (inv: StaffInvitationFieldsFragment, yes: boolean) => {
    try {
      const input = { invitationId: inv.id };
      const errors = yes
        ? (await accept({ input })).acceptStaffInvitation.errors
        : (await decline({ input })).declineStaffInvitation.errors;
      if (errors.length) void message.error(errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
      else void message.success(yes ? t('sw.accepted') : t('sw.declined'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await Promise.all([invitations.refetch(), profile.refetch()]);
  };

  return (
    <div data-testid="social-worker-profile">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('sw.profile')}
      </Typography.Title>
      <Card title={t('sw.invitations')} style={{ marginBottom: 16 }} data-testid="my-staff-invitations">
        <ListState loading={invitations.loading} error={invitations.error} empty={false} onRetry={() => void invitations.refetch()}>
          <List<StaffInvitationFieldsFragment>
            dataSource={invitations.data?.myStaffInvitations ?? []}
            locale={{ emptyText: t('sw.noInvitations') }}
            renderItem={(inv) => (
              <List.Item
                actions={[
                  <Button key="accept" type="primary" size="small" loading={acceptState.loading} onClick={() => void answer(inv, true)}>
                    {t('sw.accept')}
                  </Button>,
                  <Button key="decline" size="small" loading={declineState.loading} onClick={() => void answer(inv, false)}>
                    {t('sw.decline')}
                  </Button>,
                ]}
              >
                <List.Item.Meta title={inv.organizationName} description={`${t('org.invitedAt')}: ${formatDateTime(inv.invitedAt)}`} />
              </List.Item>
            )}
          />
        </ListState>
      </Card>
      <Card>
        <ListState loading={profile.loading} error={profile.error} empty={!me} onRetry={() => void profile.refetch()}>
          {me && (
            <>
              <Alert type="info" showIcon message={t('org.qualificationByBureau')} style={{ marginBottom: 12 }} />
              <Descriptions column={1} size="small">
                <Descriptions.Item label={t('org.workerName')}>{me.name}</Descriptions.Item>
                <Descriptions.Item label={t('org.workerLevel')}>{t(`workerLevel.${me.level}` as const)}</Descriptions.Item>
                <Descriptions.Item label={t('org.certificateNumber')}>{me.certificateNumber ?? '—'}</Descriptions.Item>
                <Descriptions.Item label={t('org.registrationExpires')}>
                  {me.registrationExpiresOn ? (
                    <Space>
                      {me.registrationExpiresOn}
                      <Tag color={me.registrationValid ? 'green' : 'red'}>
                        {me.registrationValid ? t('org.registrationValid') : t('org.registrationExpired')}
                      </Tag>
                    </Space>
                  ) : (
                    '—'
                  )}
                </Descriptions.Item>
                <Descriptions.Item label={t('sw.organizations')}>{me.organizations.map((o) => o.name).join('、') || '—'}</Descriptions.Item>
              </Descriptions>
            </>
          )}
        </ListState>
      </Card>
    </div>
  );
}
