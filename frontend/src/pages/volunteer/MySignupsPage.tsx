import { Link } from 'react-router-dom';
import { Button, List, Space, Tag, Typography, App as AntApp } from 'antd';
import { AcceptSignupOfferDocument, CancelSignupDocument, MySignupsDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';

const COLORS: Record<string, string> = { CONFIRMED: 'green', WAITLISTED: 'gold', OFFERED: 'orange', ATTENDED: 'blue', NO_SHOW: 'red' };

export function MySignupsPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const list = usePaged(MySignupsDocument, { first: 30 }, (d) => d.mySignups);
  const [cancel, cancelState] = useMutation(CancelSignupDocument);
  const [accept, acceptState] = useMutation(AcceptSignupOfferDocument);

  const act = async (kind: 'cancel' | 'accept', signupId: string) => {
    try {
      const r =
        kind === 'cancel'
          ? (await cancel({ input: { signupId } })).cancelSignup
          : (await accept({ input: { signupId } })).acceptSignupOffer;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(kind === 'cancel' ? t('activity.signupCancelled') : t('activity.offerAccepted'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await list.reload();
  };

  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.mySignups')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <List
          dataSource={list.nodes}
          renderItem={(s) => (
            <List.Item>
              <Space direction="vertical" size={4} style={{ width: '100%' }}>
                <Space wrap>
                  {s.shift?.activity ? (
                    <Link to={`/activities/${encodeURIComponent(s.shift.activity.id)}`}>{s.shift.activity.title}</Link>
                  ) : null}
                  <Tag color={COLORS[s.status]}>
                    {s.status === 'WAITLISTED' && s.waitlistPosition
                      ? t('activity.waitlistPosition', { n: s.waitlistPosition })
                      : t(`signup.${s.status}` as const)}
                  </Tag>
                </Space>
                <Typography.Text type="secondary">
                  {formatDateTime(s.startsAt)} – {formatDateTime(s.endsAt).slice(11)} · {s.shift?.activity?.placeName}
                </Typography.Text>
                {s.status === 'OFFERED' && (
                  <Typography.Text type="warning">{t('activity.offerUntil', { time: formatDateTime(s.offerExpiresAt) })}</Typography.Text>
                )}
                <Space wrap>
                  {s.status === 'OFFERED' && (
                    <Button type="primary" size="small" loading={acceptState.loading} onClick={() => void act('accept', s.id)}>
                      {t('activity.acceptOffer')}
                    </Button>
                  )}
                  {(s.status === 'CONFIRMED' || s.status === 'WAITLISTED' || s.status === 'OFFERED') && (
                    <Button size="small" danger loading={cancelState.loading} onClick={() => void act('cancel', s.id)}>
                      {t('activity.cancelSignup')}
                    </Button>
                  )}
                  {s.status === 'CONFIRMED' && s.shift && (
                    <LinkButton size="small" to={`/checkin?shift=${encodeURIComponent(s.shift.id)}`}>
                      {t('nav.checkin')}
                    </LinkButton>
                  )}
                </Space>
              </Space>
            </List.Item>
          )}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
