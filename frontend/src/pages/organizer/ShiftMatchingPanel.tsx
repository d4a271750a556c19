import { useState } from 'react';
import { Button, Card, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import {
  InviteVolunteersDocument,
  RecommendedVolunteersDocument,
  ShiftInvitationsDocument,
  type RecommendedVolunteersQuery,
  type ShiftInvitationsQuery,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { RecommendationList } from '../../components/RecommendationList';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type Item = RecommendedVolunteersQuery['recommendedVolunteers']['items'][number];
type Invitation = ShiftInvitationsQuery['shiftInvitations']['nodes'][number];
const CLOSED = ['SHIFT_STARTED', 'ACTIVITY_CANCELLED'];
const COLORS: Record<Invitation['status'], string> = { PENDING: 'orange', ACCEPTED: 'green', DECLINED: 'default', EXPIRED: 'default' };

/**
 * On the organizer's shift screen: "推荐志愿者" with reasons, ticked and invited in one go
 * (inviteVolunteers), and what became of the invitations sent (shiftInvitations).
 */
export function ShiftMatchingPanel({ shiftId }: { shiftId: string }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const recs = useQuery(RecommendedVolunteersDocument, { shiftId, first: 20 });
  const invitations = useQuery(ShiftInvitationsDocument, { shiftId, first: 100 });
  const [invite, inviteState] = useMutation(InviteVolunteersDocument);
  const [selected, setSelected] = useState<string[]>([]);
  const data = recs.data?.recommendedVolunteers;
  const sent = invitations.data?.shiftInvitations.nodes ?? [];
  // Invitations name the volunteer by number (masked as on a roster), as recommendations do.
  const invited = new Set(sent.filter((i) => i.status === 'PENDING' || i.status === 'ACCEPTED').map((i) => i.participant?.volunteerNumber));

  const onInvite = async () => {
    try {
      const r = (await invite({ input: { shiftId, volunteerIds: selected } })).inviteVolunteers;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else {
        void message.success(t('match.volunteers.invited', { n: r.invitations.length }));
        setSelected([]);
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await Promise.all([recs.refetch(), invitations.refetch()]);
  };

  // Invitations are for shifts still ahead: once it starts (by the server's clock) the panel goes.
  if (recs.error && CLOSED.includes(recs.error.code)) return null;

  return (
    <Space direction="vertical" size={16} style={{ width: '100%', marginTop: 16 }}>
      <Card title={t('match.volunteers.title')} data-testid="recommended-volunteers">
        <RecommendationList<Item>
          items={data?.items ?? []}
          loading={recs.loading}
          error={recs.error}
          onRetry={() => void recs.refetch()}
          coldStart={data?.coldStart ?? false}
          modelVersion={data?.modelVersion}
          rowKey={(i) => i.volunteer.id}
          emptyText={t('match.volunteers.none')}
          selection={{
            selected,
            onChange: setSelected,
            name: (i) => i.volunteer.realName,
            disabled: (i) => invited.has(i.volunteer.volunteerNumber),
          }}
          toolbar={
            <Space wrap>
              {selected.length > 0 && <Typography.Text type="secondary">{t('match.selected', { n: selected.length })}</Typography.Text>}
              <Button type="primary" disabled={selected.length === 0} loading={inviteState.loading} onClick={() => void onInvite()}>
                {t('match.volunteers.invite')}
              </Button>
            </Space>
          }
          title={(i) => (
            <Space wrap size={4}>
              <Typography.Text strong>{i.volunteer.realName}</Typography.Text>
              <Typography.Text type="secondary">{i.volunteer.volunteerNumber}</Typography.Text>
              {i.volunteer.starLevel > 0 && <Tag color="gold">{t('match.volunteers.stars', { n: i.volunteer.starLevel })}</Tag>}
              {invited.has(i.volunteer.volunteerNumber) && <Tag color="orange">{t('match.volunteers.alreadyInvited')}</Tag>}
            </Space>
          )}
          description={(i) =>
            i.volunteer.skills.length > 0 ? <Typography.Text type="secondary">{i.volunteer.skills.join('、')}</Typography.Text> : null
          }
        />
      </Card>
      <Card title={t('match.volunteers.invitations')} data-testid="shift-invitations">
        <ListState
          loading={invitations.loading}
          error={invitations.error}
          empty={sent.length === 0}
          emptyText={t('match.volunteers.noInvitations')}
          onRetry={() => void invitations.refetch()}
        >
          <Table<Invitation>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={sent}
            scroll={{ x: true }}
            columns={[
              { title: t('match.volunteers.volunteer'), render: (_, r) => r.participant?.name ?? '—' },
              { title: t('shift.number'), render: (_, r) => r.participant?.volunteerNumber ?? '—' },
              {
                title: t('match.volunteers.status'),
                dataIndex: 'status',
                render: (s: Invitation['status']) => <Tag color={COLORS[s]}>{t(`match.invitation.${s}` as const)}</Tag>,
              },
              { title: t('match.volunteers.invitedAt'), dataIndex: 'createdAt', render: formatDateTime },
              { title: t('match.volunteers.respondedAt'), dataIndex: 'respondedAt', render: formatDateTime },
            ]}
          />
        </ListState>
      </Card>
    </Space>
  );
}
