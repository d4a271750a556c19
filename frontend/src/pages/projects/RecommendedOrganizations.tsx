import { useState } from 'react';
import { Button, Card, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  InviteOrganizationsDocument,
  ProjectInvitationsDocument,
  RecommendedOrganizationsDocument,
  type RecommendedOrganizationsQuery,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { RecommendationList } from '../../components/RecommendationList';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type Item = RecommendedOrganizationsQuery['recommendedOrganizations']['items'][number];

/**
 * On a project's page for community staff and bureau officers: organizations recommended to bid,
 * ticked and invited in one go (inviteOrganizations) while the project is open for bids.
 */
export function RecommendedOrganizations({ projectId, canInvite }: { projectId: string; canInvite: boolean }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const recs = useQuery(RecommendedOrganizationsDocument, { projectId, first: 20 });
  const invitations = useQuery(ProjectInvitationsDocument, { projectId });
  const [invite, inviteState] = useMutation(InviteOrganizationsDocument);
  const [selected, setSelected] = useState<string[]>([]);
  const data = recs.data?.recommendedOrganizations;
  const sent = invitations.data?.projectInvitations ?? [];
  const invited = new Set(sent.map((i) => i.organizationId));

  const onInvite = async () => {
    try {
      const r = (await invite({ input: { projectId, organizationIds: selected } })).inviteOrganizations;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else {
        void message.success(t('match.orgs.invited', { n: r.invitedCount }));
        setSelected([]);
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await Promise.all([recs.refetch(), invitations.refetch()]);
  };

  // Past the opening (by the server's clock) there is nobody left to invite: no panel.
  if (recs.error?.code === 'INVALID_STATE') return null;

  return (
    <Card title={t('match.orgs.title')} style={{ marginTop: 16 }} data-testid="recommended-organizations">
      <Typography.Paragraph type="secondary" style={{ fontSize: 13 }}>
        {t('match.orgs.hint')}
      </Typography.Paragraph>
      <RecommendationList<Item>
        items={data?.items ?? []}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.organization.id}
        selection={
          canInvite
            ? { selected, onChange: setSelected, name: (i) => i.organization.name, disabled: (i) => invited.has(i.organization.id) }
            : undefined
        }
        toolbar={
          canInvite ? (
            <Space wrap>
              {selected.length > 0 && <Typography.Text type="secondary">{t('match.selected', { n: selected.length })}</Typography.Text>}
              <Button type="primary" disabled={selected.length === 0} loading={inviteState.loading} onClick={() => void onInvite()}>
                {t('match.orgs.invite')}
              </Button>
            </Space>
          ) : undefined
        }
        title={(i) => (
          <Space wrap size={4}>
            <Typography.Text strong>{i.organization.name}</Typography.Text>
            {invited.has(i.organization.id) && <Tag color="orange">{t('match.orgs.alreadyInvited')}</Tag>}
          </Space>
        )}
        description={(i) => (
          <Space wrap size={[8, 4]}>
            {i.organization.grade !== 'NONE' && (
              <Tag color="gold" style={{ marginInlineEnd: 0 }}>
                {t('match.orgs.grade', { grade: i.organization.grade.replace('A', '') + 'A' })}
              </Tag>
            )}
            {i.organization.region && <Typography.Text type="secondary">{i.organization.region.name}</Typography.Text>}
            <Typography.Text type="secondary">{t('match.orgs.staff', { n: i.organization.staffCount })}</Typography.Text>
            {i.organization.categories.slice(0, 3).map((c) => (
              <Tag key={c} style={{ marginInlineEnd: 0 }}>
                {t(`category.${c}` as const)}
              </Tag>
            ))}
          </Space>
        )}
      />
      {sent.length > 0 && (
        <div style={{ marginTop: 16 }} data-testid="project-invitations">
          <Typography.Text strong>{t('match.orgs.invitations')}</Typography.Text>
          <ul style={{ margin: '8px 0 0', paddingInlineStart: 20 }}>
            {sent.map((i) => (
              <li key={i.organizationId}>
                {i.organizationName ?? i.organizationId} · <Typography.Text type="secondary">{formatDateTime(i.createdAt)}</Typography.Text>
                {i.fromRecommendation && <Tag style={{ marginInlineStart: 8 }}>{t('match.orgs.fromRecommendation')}</Tag>}
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}
