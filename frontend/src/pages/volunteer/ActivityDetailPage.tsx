import { Link, useNavigate, useParams } from 'react-router-dom';
import { Alert, Button, Card, Descriptions, List, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  AcceptSignupOfferDocument,
  ActivityDetailDocument,
  CancelSignupDocument,
  SignUpDocument,
  type ActivityFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';

type ShiftRow = ActivityFieldsFragment['shifts'][number];

export function ActivityDetailPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { me } = useSession();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const { data, loading, error, refetch } = useQuery(ActivityDetailDocument, { id });
  const [signUp, signUpState] = useMutation(SignUpDocument);
  const [cancel, cancelState] = useMutation(CancelSignupDocument);
  const [accept, acceptState] = useMutation(AcceptSignupOfferDocument);
  const busy = signUpState.loading || cancelState.loading || acceptState.loading;
  const activity = data?.node?.__typename === 'Activity' ? data.node : null;

  const run = async (action: () => Promise<{ errors: { code: string; message: string }[] }>, ok: string) => {
    try {
      const result = await action();
      if (result.errors.length) {
        void message.error(errorMessage(result.errors[0].code, locale, result.errors[0].message));
      } else {
        void message.success(ok);
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await refetch();
  };

  const shiftAction = (s: ShiftRow) => {
    if (s.isCancelled) return <Tag>{t('activity.cancelled')}</Tag>;
    if (!me) {
      return (
        <Button type="primary" onClick={() => navigate('/login', { state: { from: `/activities/${encodeURIComponent(id)}` } })}>
          {t('activity.signUp')}
        </Button>
      );
    }
    const mine = s.mySignup;
    if (mine && (mine.status === 'CONFIRMED' || mine.status === 'WAITLISTED')) {
      return (
        <Space wrap>
          <Tag color={mine.status === 'CONFIRMED' ? 'green' : 'gold'}>
            {mine.status === 'WAITLISTED' && mine.waitlistPosition
              ? t('activity.waitlistPosition', { n: mine.waitlistPosition })
              : t(`signup.${mine.status}` as const)}
          </Tag>
          <Button
            danger
            disabled={busy}
            onClick={() =>
              void run(async () => (await cancel({ input: { signupId: mine.id } })).cancelSignup, t('activity.signupCancelled'))
            }
          >
            {t('activity.cancelSignup')}
          </Button>
        </Space>
      );
    }
    if (mine && mine.status === 'OFFERED') {
      return (
        <Space wrap>
          <Tag color="orange">{t('activity.offerUntil', { time: formatDateTime(mine.offerExpiresAt) })}</Tag>
          <Button
            type="primary"
            disabled={busy}
            onClick={() =>
              void run(async () => (await accept({ input: { signupId: mine.id } })).acceptSignupOffer, t('activity.offerAccepted'))
            }
          >
            {t('activity.acceptOffer')}
          </Button>
          <Button
            disabled={busy}
            onClick={() =>
              void run(async () => (await cancel({ input: { signupId: mine.id } })).cancelSignup, t('activity.signupCancelled'))
            }
          >
            {t('common.cancel')}
          </Button>
        </Space>
      );
    }
    if (mine && mine.status !== 'CANCELLED' && mine.status !== 'EXPIRED') return <Tag>{t(`signup.${mine.status}` as const)}</Tag>;
    const full = s.placesLeft <= 0;
    return (
      <Button
        type="primary"
        disabled={busy}
        onClick={() =>
          void run(
            async () => {
              const r = (await signUp({ input: { shiftId: s.id } })).signUp;
              return r;
            },
            full ? t('activity.waitlisted') : t('activity.signedUp'),
          )
        }
      >
        {full ? t('activity.joinWaitlist') : t('activity.signUp')}
      </Button>
    );
  };

  return (
    <ListState loading={loading} error={error} empty={!activity} onRetry={() => void refetch()}>
      {activity && (
        <div data-testid="activity-detail">
          <Typography.Title level={2} style={{ marginTop: 0 }}>
            {activity.title}
          </Typography.Title>
          {activity.status === 'CANCELLED' && (
            <Alert
              type="warning"
              showIcon
              message={t('activity.cancelled')}
              description={activity.cancelReason}
              style={{ marginBottom: 16 }}
            />
          )}
          <Card style={{ marginBottom: 16 }}>
            <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small">
              <Descriptions.Item label={t('activity.category')}>{t(`category.${activity.category}` as const)}</Descriptions.Item>
              <Descriptions.Item label={t('activity.region')}>{activity.region?.name ?? '—'}</Descriptions.Item>
              <Descriptions.Item label={t('activity.place')}>
                {activity.placeName}
                {activity.latitude !== null && activity.longitude !== null && (
                  <>
                    {' '}
                    <a
                      href={`https://uri.amap.com/marker?position=${activity.longitude},${activity.latitude}&name=${encodeURIComponent(activity.placeName)}`}
                      target="_blank"
                      rel="noreferrer"
                    >
                      {t('activity.mapLink')}
                    </a>
                  </>
                )}
              </Descriptions.Item>
              {activity.checkinRadiusM ? (
                <Descriptions.Item label="">{t('activity.checkinRadius', { m: activity.checkinRadiusM })}</Descriptions.Item>
              ) : null}
              {activity.minAge > 0 && <Descriptions.Item label={t('activity.minAge')}>{activity.minAge}</Descriptions.Item>}
              {activity.requiredSkills.length > 0 && (
                <Descriptions.Item label={t('activity.skills')}>
                  {activity.requiredSkills.map((s) => (
                    <Tag key={s}>{s}</Tag>
                  ))}
                </Descriptions.Item>
              )}
            </Descriptions>
            {activity.description && (
              <Typography.Paragraph style={{ marginTop: 12, whiteSpace: 'pre-wrap' }}>{activity.description}</Typography.Paragraph>
            )}
          </Card>
          <Card title={t('activity.shifts')}>
            <List
              dataSource={activity.shifts}
              renderItem={(s) => (
                <List.Item
                  data-testid="shift-row"
                  actions={[
                    ...(activity.viewerIsOrganizer
                      ? [
                          <Link key="screen" to={`/app/shifts/${encodeURIComponent(s.id)}`}>
                            {t('activity.openShift')}
                          </Link>,
                        ]
                      : []),
                  ]}
                >
                  <List.Item.Meta
                    title={`${formatDateTime(s.startsAt)} – ${formatDateTime(s.endsAt).slice(11)}`}
                    description={t('shift.taken', { taken: s.placesTaken, capacity: s.capacity })}
                  />
                  {activity.status === 'PUBLISHED' && !activity.viewerIsOrganizer && shiftAction(s)}
                </List.Item>
              )}
            />
          </Card>
        </div>
      )}
    </ListState>
  );
}
