import { Card, Result, Space, Tag, Typography } from 'antd';
import { MySignupsDocument, MyVolunteerProfileDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { PlainList } from '../../components/PlainList';
import { formatDateTime } from '../../components/format';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';
import { StarCard } from './StarCard';
import { RecommendedShifts } from './RecommendedShifts';
import { PendingInvitations } from './PendingInvitations';

/** The volunteer's main page (phone first): star level, upcoming shifts, where to go next. */
export function VolunteerHome({ name }: { name: string }) {
  const { t } = useI18n();
  const profile = useQuery(MyVolunteerProfileDocument, {});
  const signups = useQuery(MySignupsDocument, { first: 5, upcoming: true });
  const v = profile.data?.myVolunteerProfile;
  const upcoming = (signups.data?.mySignups.nodes ?? []).filter((s) => s.status !== 'CANCELLED' && s.status !== 'EXPIRED');
  return (
    <div data-testid="workbench-VOLUNTEER">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('home.welcome', { name: v?.realName ?? name })}
      </Typography.Title>
      <ListState loading={profile.loading} error={profile.error} empty={false} onRetry={() => void profile.refetch()}>
        {v ? (
          <StarCard totalMinutes={v.totalMinutes} totalHours={v.totalHours} starLevel={v.starLevel} />
        ) : (
          <Result
            status="info"
            title={t('profile.notRegistered')}
            extra={
              <LinkButton to="/register" type="primary">
                {t('profile.becomeVolunteer')}
              </LinkButton>
            }
          />
        )}
      </ListState>
      <Space wrap style={{ margin: '16px 0' }}>
        <LinkButton to="/activities" type="primary">
          {t('nav.activities')}
        </LinkButton>
        <LinkButton to="/wishes">{t('nav.wishWall')}</LinkButton>
        <LinkButton to="/checkin">{t('nav.checkin')}</LinkButton>
        <LinkButton to="/app/volunteer/hours">{t('nav.myHours')}</LinkButton>
      </Space>
      {v && <PendingInvitations />}
      {v && <RecommendedShifts onSignedUp={() => void signups.refetch()} />}
      <Card title={t('nav.mySignups')} size="small">
        <ListState
          loading={signups.loading}
          error={signups.error}
          empty={upcoming.length === 0}
          emptyText={t('checkin.noShifts')}
          onRetry={() => void signups.refetch()}
        >
          <PlainList
            items={upcoming}
            rowKey={(s) => s.id}
            render={(s) => (
              <Space direction="vertical" size={0}>
                <Space wrap>
                  <Typography.Text strong>{s.shift?.activity?.title}</Typography.Text>
                  <Tag>{t(`signup.${s.status}` as const)}</Tag>
                </Space>
                <Typography.Text type="secondary">
                  {formatDateTime(s.startsAt)} · {s.shift?.activity?.placeName}
                </Typography.Text>
              </Space>
            )}
          />
        </ListState>
      </Card>
    </div>
  );
}
