import { Link } from 'react-router-dom';
import { Button, Card, Space, Tag, Typography, App as AntApp } from 'antd';
import { EnvironmentOutlined } from '@ant-design/icons';
import { RecommendedShiftsDocument, SignUpDocument, type RecommendedShiftsQuery } from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { RecommendationList } from '../../components/RecommendationList';
import { formatDateTime } from '../../components/format';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';

type Item = RecommendedShiftsQuery['recommendedShifts']['items'][number];

/**
 * "为你推荐" on the volunteer's home: the shifts recommended for them (recommendedShifts), each
 * with its reasons and a sign-up button. When the volunteer turned personalization off, the server
 * ranks without personal characteristics and the card says so (PIPL art. 24).
 */
export function RecommendedShifts({ onSignedUp }: { onSignedUp?: () => void }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const recs = useQuery(RecommendedShiftsDocument, { first: 10 });
  const [signUp, signUpState] = useMutation(SignUpDocument);
  const data = recs.data?.recommendedShifts;
  const personalized = recs.data?.me?.personalizedFeed ?? null;
  // A shift already signed up for stays on the card with its status, until the next refresh drops it.
  const items = (data?.items ?? []).filter((i) => !i.shift.isCancelled);

  const onSignUp = async (item: Item) => {
    try {
      const r = (await signUp({ input: { shiftId: item.shift.id } })).signUp;
      if (r.errors.length) {
        void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      } else {
        void message.success(r.signup?.status === 'WAITLISTED' ? t('match.waitlisted') : t('match.signedUp'));
        onSignedUp?.();
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await recs.refetch();
  };

  const action = (item: Item) => {
    const mine = item.shift.mySignup;
    if (mine && mine.status !== 'CANCELLED' && mine.status !== 'EXPIRED') {
      return <Tag color={mine.status === 'CONFIRMED' ? 'green' : 'gold'}>{t(`signup.${mine.status}` as const)}</Tag>;
    }
    const full = item.shift.placesLeft <= 0;
    return (
      <Button
        type="primary"
        size="small"
        disabled={signUpState.loading}
        onClick={() => void onSignUp(item)}
        aria-label={`${full ? t('activity.joinWaitlist') : t('activity.signUp')}：${item.shift.activity?.title ?? ''}`}
      >
        {full ? t('activity.joinWaitlist') : t('activity.signUp')}
      </Button>
    );
  };

  return (
    <Card
      title={t('match.forYou')}
      size="small"
      style={{ marginBottom: 16 }}
      data-testid="recommended-shifts"
      extra={<Link to="/activities">{t('nav.activities')}</Link>}
    >
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8, fontSize: 13 }}>
        {personalized === false ? t('match.forYouPlain') : t('match.forYouHint')}
      </Typography.Paragraph>
      <RecommendationList<Item>
        items={items}
        loading={recs.loading}
        error={recs.error}
        onRetry={() => void recs.refetch()}
        coldStart={data?.coldStart ?? false}
        modelVersion={data?.modelVersion}
        rowKey={(i) => i.shift.id}
        emptyText={
          <Space direction="vertical">
            <span>{t('match.noShifts')}</span>
            <LinkButton to="/activities" size="small">
              {t('nav.activities')}
            </LinkButton>
          </Space>
        }
        title={(i) =>
          i.shift.activity ? (
            <Link to={`/activities/${encodeURIComponent(i.shift.activity.id)}`}>
              <strong>{i.shift.activity.title}</strong>
            </Link>
          ) : (
            '—'
          )
        }
        description={(i) => (
          <Space direction="vertical" size={0}>
            <Typography.Text>
              {formatDateTime(i.shift.startsAt)} – {formatDateTime(i.shift.endsAt).slice(11)}
            </Typography.Text>
            <Typography.Text type="secondary">
              <EnvironmentOutlined aria-hidden /> {i.shift.activity?.placeName}
              {i.shift.activity?.region ? ` · ${i.shift.activity.region.name}` : ''}
            </Typography.Text>
            <Typography.Text type={i.shift.placesLeft > 0 ? 'success' : 'warning'}>
              {i.shift.placesLeft > 0 ? t('activity.placesLeft', { n: i.shift.placesLeft }) : t('activity.full')}
            </Typography.Text>
          </Space>
        )}
        actions={action}
      />
    </Card>
  );
}
