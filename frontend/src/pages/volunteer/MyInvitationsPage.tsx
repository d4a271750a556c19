import { Link } from 'react-router-dom';
import { Button, Card, List, Space, Tag, Typography, App as AntApp } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import {
  MyVolunteerInvitationsDocument,
  RespondToVolunteerInvitationDocument,
  type MyVolunteerInvitationsQuery,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type Invitation = MyVolunteerInvitationsQuery['myVolunteerInvitations']['nodes'][number];
export const INVITATION_COLORS: Record<Invitation['status'], string> = {
  PENDING: 'orange',
  ACCEPTED: 'green',
  DECLINED: 'default',
  EXPIRED: 'default',
};

/** "我的邀请": shifts organizers invited the volunteer to; accepting signs up like 报名 does. */
export function MyInvitationsPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const list = useQuery(MyVolunteerInvitationsDocument, { first: 50 });
  const [respond, respondState] = useMutation(RespondToVolunteerInvitationDocument);
  const invitations = list.data?.myVolunteerInvitations.nodes ?? [];

  const answer = async (inv: Invitation, accept: boolean) => {
    try {
      const r = (await respond({ input: { invitationId: inv.id, accept } })).respondToVolunteerInvitation;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(accept ? t('match.invitations.accepted') : t('match.invitations.declined'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await list.refetch();
  };

  return (
    <div data-testid="my-invitations">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('match.invitations.title')}
      </Typography.Title>
      <ListState
        loading={list.loading}
        error={list.error}
        empty={invitations.length === 0}
        emptyText={t('match.invitations.empty')}
        onRetry={() => void list.refetch()}
      >
        <List
          dataSource={invitations}
          renderItem={(inv) => (
            <List.Item style={{ paddingInline: 0 }} data-testid="invitation">
              <Card size="small" style={{ width: '100%' }}>
                <Space direction="vertical" size={4} style={{ width: '100%' }}>
                  <Space wrap>
                    {inv.shift?.activity ? (
                      <Link to={`/activities/${encodeURIComponent(inv.shift.activity.id)}`}>
                        <strong>{inv.shift.activity.title}</strong>
                      </Link>
                    ) : (
                      '—'
                    )}
                    <Tag color={INVITATION_COLORS[inv.status]}>{t(`match.invitation.${inv.status}` as const)}</Tag>
                  </Space>
                  {inv.shift && (
                    <Typography.Text>
                      {formatDateTime(inv.shift.startsAt)} – {formatDateTime(inv.shift.endsAt).slice(11)}
                    </Typography.Text>
                  )}
                  {inv.shift?.activity && (
                    <Typography.Text type="secondary">
                      <EnvironmentOutlined aria-hidden /> {inv.shift.activity.placeName}
                    </Typography.Text>
                  )}
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('match.invitations.invitedAt', { time: formatDateTime(inv.createdAt) })}
                  </Typography.Text>
                  {inv.status === 'PENDING' && (
                    <Space wrap>
                      <Button type="primary" disabled={respondState.loading} onClick={() => void answer(inv, true)}>
                        {t('match.invitations.accept')}
                      </Button>
                      <Button disabled={respondState.loading} onClick={() => void answer(inv, false)}>
                        {t('match.invitations.decline')}
                      </Button>
                    </Space>
                  )}
                </Space>
              </Card>
            </List.Item>
          )}
        />
      </ListState>
    </div>
  );
}
