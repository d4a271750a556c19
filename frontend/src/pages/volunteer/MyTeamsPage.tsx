import { Alert, Button, Card, Form, Input, List, Popconfirm, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  JoinVolunteerTeamDocument,
  LeaveVolunteerTeamDocument,
  MyTeamMembershipsDocument,
  RespondToTeamInvitationDocument,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { MEMBERSHIP_COLORS, isPlausibleJoinCode, normaliseJoinCode, splitMemberships } from '../teams/joinCode';
import { required } from '../../validation/rules';

/**
 * A volunteer's teams: invitations to accept or decline, joining by a team's code, leaving.
 * A team sees a volunteer's profile only once they are a member (docs/volunteering.md).
 */
export function MyTeamsPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ code: string }>();
  const { data, loading, error, refetch } = useQuery(MyTeamMembershipsDocument, {});
  const [respond, respondState] = useMutation(RespondToTeamInvitationDocument);
  const [join, joinState] = useMutation(JoinVolunteerTeamDocument);
  const [leave, leaveState] = useMutation(LeaveVolunteerTeamDocument);
  const { invitations, teams } = splitMemberships(data?.myTeamMemberships ?? []);

  const report = (errors: { code: string; message: string }[], ok: string) => {
    if (errors.length) void message.error(errorMessage(errors[0].code, locale, errors[0].message));
    else void message.success(ok);
  };

  const onRespond = async (membershipId: string, accept: boolean) => {
    try {
      const r = (await respond({ input: { membershipId, accept } })).respondToTeamInvitation;
      report(r.errors, accept ? t('myTeams.accepted') : t('myTeams.declined'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await refetch();
  };

  const onLeave = async (teamId: string) => {
    try {
      report((await leave({ input: { teamId } })).leaveVolunteerTeam.errors, t('myTeams.left'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await refetch();
  };

  const onJoin = async (v: { code: string }) => {
    try {
      const r = (await join({ input: { code: normaliseJoinCode(v.code) } })).joinVolunteerTeam;
      if (r.errors.length) {
        applyUserErrors(form, r.errors, locale, ['code']);
        return;
      }
      void message.success(t('myTeams.joined', { name: r.membership?.teamName ?? '' }));
      form.resetFields();
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await refetch();
  };

  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('myTeams.title')}
      </Typography.Title>
      <Alert type="info" showIcon message={t('myTeams.privacy')} style={{ marginBottom: 16 }} />
      <ListState loading={loading} error={error} empty={false} onRetry={() => void refetch()}>
        <Card title={t('myTeams.invitations')} size="small" style={{ marginBottom: 16 }}>
          <List
            size="small"
            locale={{ emptyText: t('myTeams.noInvitations') }}
            dataSource={invitations}
            renderItem={(m) => (
              <List.Item
                actions={[
                  <Button
                    key="accept"
                    type="primary"
                    size="small"
                    loading={respondState.loading}
                    onClick={() => void onRespond(m.id, true)}
                  >
                    {t('myTeams.accept')}
                  </Button>,
                  <Button key="decline" size="small" loading={respondState.loading} onClick={() => void onRespond(m.id, false)}>
                    {t('myTeams.decline')}
                  </Button>,
                ]}
              >
                <Space direction="vertical" size={2}>
                  <Space wrap>
                    <strong>{m.teamName}</strong>
                    <Typography.Text type="secondary">{m.teamRegion?.name}</Typography.Text>
                  </Space>
                  {m.teamDescription && <Typography.Text type="secondary">{m.teamDescription}</Typography.Text>}
                  <Typography.Text type="secondary">{t('myTeams.invitedAt', { time: formatDateTime(m.invitedAt) })}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        </Card>
        <Card title={t('myTeams.join')} size="small" style={{ marginBottom: 16 }}>
          <Form form={form} layout="inline" name="joinTeam" onFinish={onJoin}>
            <Form.Item
              name="code"
              label={t('myTeams.code')}
              tooltip={t('myTeams.codeHint')}
              rules={[
                required(t),
                {
                  validator: (_, value: string | undefined) =>
                    !value || isPlausibleJoinCode(value) ? Promise.resolve() : Promise.reject(new Error(t('myTeams.codeInvalid'))),
                },
              ]}
            >
              <Input maxLength={20} placeholder="ABCDE-23456" autoComplete="off" />
            </Form.Item>
            <Form.Item>
              <Button type="primary" htmlType="submit" loading={joinState.loading}>
                {t('myTeams.join')}
              </Button>
            </Form.Item>
          </Form>
        </Card>
        <Card title={t('myTeams.teams')} size="small">
          <List
            size="small"
            locale={{ emptyText: t('myTeams.noTeams') }}
            dataSource={teams}
            renderItem={(m) => (
              <List.Item
                actions={[
                  <Popconfirm key="leave" title={t('myTeams.leave')} onConfirm={() => void onLeave(m.teamId)}>
                    <Button size="small" danger loading={leaveState.loading}>
                      {t('myTeams.leave')}
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <Space wrap>
                  <strong>{m.teamName}</strong>
                  <Typography.Text type="secondary">{m.teamRegion?.name}</Typography.Text>
                  <Tag color={MEMBERSHIP_COLORS[m.status]}>{t(`membership.${m.status}` as const)}</Tag>
                </Space>
              </List.Item>
            )}
          />
        </Card>
      </ListState>
    </div>
  );
}
