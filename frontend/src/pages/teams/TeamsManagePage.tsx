import { useState } from 'react';
import { Alert, Button, Card, Collapse, Empty, Form, Input, List, Popconfirm, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  CreateVolunteerTeamDocument,
  InviteVolunteerTeamMemberDocument,
  ManagedTeamsDocument,
  RemoveVolunteerTeamMemberDocument,
  RotateVolunteerTeamJoinCodeDocument,
  type ManagedTeamsQuery,
} from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { RegionSelect } from '../../components/RegionSelect';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { MEMBERSHIP_COLORS, formatJoinCode, normaliseVolunteerNumber } from './joinCode';
import { required } from '../../validation/rules';

type Team = ManagedTeamsQuery['volunteerTeams']['nodes'][number];

interface CreateValues {
  name: string;
  regionId: string;
  description?: string;
}

const CREATE_FIELDS = ['name', 'regionId', 'description'];

/**
 * Teams the caller runs (community staff: their region's community teams; org admins: their
 * organization's). Members join by invitation (accepted by the volunteer) or by the join code;
 * an invited volunteer shows as their number only (docs/volunteering.md, Volunteer teams).
 */
export function TeamsManagePage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<CreateValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const list = usePaged(ManagedTeamsDocument, { first: 20 }, (d) => d.volunteerTeams);
  const [create, createState] = useMutation(CreateVolunteerTeamDocument);
  const orgId = activeGrant?.role === 'ORG_ADMIN' ? activeGrant.organizationId : null;

  const onCreate = async (v: CreateValues) => {
    setGeneral([]);
    try {
      const r = (
        await create({ input: { name: v.name, regionId: v.regionId, description: v.description ?? '', organizationId: orgId ?? null } })
      ).createVolunteerTeam;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, CREATE_FIELDS));
        return;
      }
      void message.success(t('team.created'));
      form.resetFields();
      await list.reload();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('team.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('team.intro')}</Typography.Paragraph>
      <Card title={t('team.create')} size="small" style={{ marginBottom: 16 }}>
        {general.length > 0 && <Alert type="error" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form<CreateValues> form={form} layout="inline" name="createTeam" onFinish={onCreate}>
          <Form.Item name="name" label={t('team.name')} rules={[required(t)]}>
            <Input maxLength={100} />
          </Form.Item>
          <Form.Item name="regionId" label={t('team.region')} rules={[required(t)]} style={{ minWidth: 280 }}>
            <RegionSelect under={activeGrant?.region?.id ?? null} />
          </Form.Item>
          <Form.Item name="description" label={t('team.description')}>
            <Input maxLength={2000} />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={createState.loading}>
              {t('common.submit')}
            </Button>
          </Form.Item>
        </Form>
      </Card>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Collapse
          items={list.nodes.map((team) => ({
            key: team.id,
            label: (
              <Space wrap>
                <strong>{team.name}</strong>
                <Typography.Text type="secondary">{team.region?.name}</Typography.Text>
                <Tag>{t('team.memberCount', { n: team.memberCount })}</Tag>
                {!team.isActive && <Tag color="red">{t('team.inactive')}</Tag>}
              </Space>
            ),
            children: <TeamPanel team={team} onChanged={() => void list.reload()} />,
          }))}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}

function TeamPanel({ team, onChanged }: { team: Team; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<{ volunteerNumber: string }>();
  const [invite, inviteState] = useMutation(InviteVolunteerTeamMemberDocument);
  const [remove, removeState] = useMutation(RemoveVolunteerTeamMemberDocument);
  const [rotate, rotateState] = useMutation(RotateVolunteerTeamJoinCodeDocument);

  const report = (errors: { code: string; message: string }[], ok: string) => {
    if (errors.length) void message.error(errorMessage(errors[0].code, locale, errors[0].message));
    else void message.success(ok);
  };

  const onInvite = async (v: { volunteerNumber: string }) => {
    try {
      const r = (await invite({ input: { teamId: team.id, volunteerNumber: normaliseVolunteerNumber(v.volunteerNumber) } }))
        .inviteVolunteerTeamMember;
      if (r.errors.length) {
        applyUserErrors(form, r.errors, locale, ['volunteerNumber']);
        return;
      }
      void message.success(t('team.inviteSent'));
      form.resetFields();
      onChanged();
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
  };

  const onRemove = async (input: { volunteerId?: string; volunteerNumber?: string }, ok: string) => {
    try {
      report((await remove({ input: { teamId: team.id, ...input } })).removeVolunteerTeamMember.errors, ok);
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    onChanged();
  };

  const onRotate = async () => {
    try {
      report((await rotate({ input: { teamId: team.id } })).rotateVolunteerTeamJoinCode.errors, t('team.codeRotated'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    onChanged();
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      {team.description && <Typography.Paragraph style={{ margin: 0 }}>{team.description}</Typography.Paragraph>}
      <Space wrap>
        <Typography.Text>{t('team.joinCode')}：</Typography.Text>
        {team.joinCode ? (
          <Typography.Text code copyable={{ text: team.joinCode }} data-testid="join-code">
            {formatJoinCode(team.joinCode)}
          </Typography.Text>
        ) : (
          <Typography.Text type="secondary">{t('team.noJoinCode')}</Typography.Text>
        )}
        <Popconfirm title={t('team.rotateCode')} onConfirm={() => void onRotate()} disabled={!team.joinCode}>
          <Button size="small" loading={rotateState.loading} onClick={team.joinCode ? undefined : () => void onRotate()}>
            {team.joinCode ? t('team.rotateCode') : t('team.generateCode')}
          </Button>
        </Popconfirm>
      </Space>
      {team.isActive && (
        <Form form={form} layout="inline" name={`invite-${team.id}`} onFinish={onInvite}>
          <Form.Item name="volunteerNumber" label={t('team.volunteerNumber')} tooltip={t('team.volunteerNumberHint')} rules={[required(t)]}>
            <Input maxLength={20} placeholder="V0000000001" />
          </Form.Item>
          <Form.Item>
            <Button type="primary" htmlType="submit" loading={inviteState.loading}>
              {t('team.invite')}
            </Button>
          </Form.Item>
        </Form>
      )}
      <div>
        <Typography.Title level={5}>{t('team.invitations')}</Typography.Title>
        {team.invitations.length === 0 ? (
          <Typography.Text type="secondary">{t('team.noInvitations')}</Typography.Text>
        ) : (
          <List
            size="small"
            dataSource={team.invitations}
            renderItem={(inv) => (
              <List.Item
                actions={
                  inv.status === 'INVITED'
                    ? [
                        <Button
                          key="withdraw"
                          size="small"
                          loading={removeState.loading}
                          onClick={() => void onRemove({ volunteerNumber: inv.volunteerNumber }, t('team.removed'))}
                        >
                          {t('team.withdraw')}
                        </Button>,
                      ]
                    : []
                }
              >
                <Space wrap>
                  <Typography.Text code>{inv.volunteerNumber}</Typography.Text>
                  <Tag color={MEMBERSHIP_COLORS[inv.status]}>{t(`membership.${inv.status}` as const)}</Tag>
                  <Typography.Text type="secondary">{formatDateTime(inv.invitedAt)}</Typography.Text>
                </Space>
              </List.Item>
            )}
          />
        )}
      </div>
      <div>
        <Typography.Title level={5}>{t('team.members')}</Typography.Title>
        {team.members.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('team.noMembers')} />
        ) : (
          <List
            size="small"
            dataSource={team.members}
            renderItem={(m) => (
              <List.Item
                actions={[
                  <Popconfirm
                    key="remove"
                    title={t('team.remove')}
                    onConfirm={() => void onRemove({ volunteerId: m.id }, t('team.removed'))}
                  >
                    <Button size="small" danger loading={removeState.loading}>
                      {t('team.remove')}
                    </Button>
                  </Popconfirm>,
                ]}
              >
                <Space wrap>
                  <strong>{m.realName}</strong>
                  <Typography.Text code>{m.volunteerNumber}</Typography.Text>
                  {m.isMinor && <Tag color="orange">{t('team.minor')}</Tag>}
                  <Typography.Text type="secondary">{m.homeRegion?.name}</Typography.Text>
                  {m.phone && <Typography.Text type="secondary">{m.phone}</Typography.Text>}
                  {m.skills.map((s) => (
                    <Tag key={s}>{s}</Tag>
                  ))}
                </Space>
              </List.Item>
            )}
          />
        )}
      </div>
    </Space>
  );
}
