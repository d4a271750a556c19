import { useState } from 'react';
import { Alert, Button, DatePicker, Descriptions, Form, Input, InputNumber, Modal, Popconfirm, Typography, App as AntApp } from 'antd';
import {
  MyMicroWishClaimsDocument,
  ReleaseMicroWishDocument,
  ReportMicroWishFulfilmentDocument,
  type MyMicroWishClaimsQuery,
} from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { LinkButton } from '../../components/LinkButton';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { WishCard } from './WishCard';
import type { Dayjs } from 'dayjs';
import { LIMITS, claimantActions, endsInFuture, takesMinutes } from './rules';
import { minutesRule, textRule } from './fieldRules';

type Claim = MyMicroWishClaimsQuery['myMicroWishClaims']['nodes'][number];

/** The claimant says what was done, and a volunteer who gave time for how long. */
function ReportModal({ wish, onClose }: { wish: Claim | null; onClose: (done: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ report: string; minutes?: number; startedAt?: Dayjs | null }>();
  const [report, { loading }] = useMutation(ReportMicroWishFulfilmentDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const withMinutes = wish ? takesMinutes(wish) : false;
  const submit = async () => {
    if (!wish) return;
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const input = {
        wishId: wish.id,
        report: v.report.trim(),
        minutes: withMinutes ? v.minutes : null,
        startedAt: withMinutes && v.startedAt ? v.startedAt.toISOString() : null,
      };
      const r = (await report({ input })).reportMicroWishFulfilment;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['report', 'minutes', 'startedAt']));
        return;
      }
      form.resetFields();
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={Boolean(wish)}
      title={t('wish.reportTitle')}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph strong>{wish?.title}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="wishReport">
        <Form.Item name="report" label={t('wish.reportText')} extra={t('wish.reportHint')} rules={[textRule(t, LIMITS.text)]}>
          <Input.TextArea rows={4} maxLength={LIMITS.text} />
        </Form.Item>
        {withMinutes && (
          <Form.Item name="minutes" label={t('wish.minutes')} extra={t('wish.minutesHint')} rules={[minutesRule(t)]}>
            <InputNumber min={1} max={LIMITS.minutes} precision={0} style={{ width: '100%' }} inputMode="numeric" />
          </Form.Item>
        )}
        {withMinutes && (
          <Form.Item
            name="startedAt"
            label={t('wish.startedAt')}
            extra={t('wish.startedAtHint')}
            dependencies={['minutes']}
            rules={[
              ({ getFieldValue }) => ({
                validator: (_, value: Dayjs | null | undefined) =>
                  endsInFuture(value?.toDate(), getFieldValue('minutes') as number | undefined, new Date())
                    ? Promise.reject(new Error(t('wish.endsInFuture')))
                    : Promise.resolve(),
              }),
            ]}
          >
            <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} inputReadOnly />
          </Form.Item>
        )}
      </Form>
    </Modal>
  );
}

/** What the claimant sees besides the public card: who it is for, and where the wish stands. */
function ClaimDetails({ wish }: { wish: Claim }) {
  const { t } = useI18n();
  return (
    <>
      {wish.beneficiary && (
        <Descriptions size="small" column={1} style={{ marginTop: 8 }} data-testid="wish-beneficiary">
          <Descriptions.Item label={t('wish.beneficiary')}>{wish.beneficiary.name}</Descriptions.Item>
          <Descriptions.Item label={t('wish.address')}>{wish.beneficiary.address}</Descriptions.Item>
          <Descriptions.Item label={t('wish.details')}>{wish.beneficiary.description}</Descriptions.Item>
        </Descriptions>
      )}
      {wish.claimedAt && (
        <Typography.Paragraph type="secondary" style={{ margin: '8px 0 0' }}>
          {t('wish.claimedAt', { time: formatDateTime(wish.claimedAt) })}
        </Typography.Paragraph>
      )}
      {wish.status === 'FULFILLED' && <Alert type="info" showIcon style={{ marginTop: 8 }} message={t('wish.waitingConfirm')} />}
      {wish.status === 'CONFIRMED' && (
        <Alert
          type="success"
          showIcon
          style={{ marginTop: 8 }}
          message={t('wish.confirmedNote')}
          description={wish.confirmedAt ? t('wish.confirmedAt', { time: formatDateTime(wish.confirmedAt) }) : undefined}
        />
      )}
      {wish.fulfilmentReport && (
        <Typography.Paragraph style={{ margin: '8px 0 0', overflowWrap: 'anywhere' }}>
          {t('wish.reportLabel', { text: wish.fulfilmentReport })}
          {wish.minutesGiven ? ` · ${t('wish.minutesGiven', { minutes: wish.minutesGiven })}` : ''}
        </Typography.Paragraph>
      )}
    </>
  );
}

/**
 * 我的认领: wishes the caller holds (as the volunteer, a team's manager or an organization's
 * admin) with who they are for while held; report done, or give back before reporting.
 */
export function MyWishClaimsPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const list = usePaged(MyMicroWishClaimsDocument, { first: 20 }, (d) => d.myMicroWishClaims);
  const [release, releaseState] = useMutation(ReleaseMicroWishDocument);
  const [reporting, setReporting] = useState<Claim | null>(null);

  const onRelease = async (wish: Claim) => {
    try {
      const r = (await release({ input: { wishId: wish.id } })).releaseMicroWish;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(t('wish.released'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await list.reload();
  };

  const actionsFor = (wish: Claim) =>
    claimantActions(wish.status).map((action) =>
      action === 'report' ? (
        <Button key="report" type="primary" onClick={() => setReporting(wish)} aria-label={`${t('wish.report')} ${wish.title}`}>
          {t('wish.report')}
        </Button>
      ) : (
        <Popconfirm
          key="release"
          title={t('wish.releaseConfirm')}
          okText={t('wish.release')}
          cancelText={t('common.cancel')}
          onConfirm={() => onRelease(wish)}
        >
          <Button danger loading={releaseState.loading}>
            {t('wish.release')}
          </Button>
        </Popconfirm>
      ),
    );

  return (
    <div data-testid="my-wish-claims">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('wish.mineTitle')}
      </Typography.Title>
      <Alert type="warning" showIcon message={t('wish.mineIntro')} style={{ marginBottom: 16 }} />
      <ListState
        loading={list.loading}
        error={list.error}
        empty={list.nodes.length === 0}
        emptyText={
          <>
            <div>{t('wish.mineEmpty')}</div>
            <LinkButton to="/wishes" type="primary" style={{ marginTop: 12 }}>
              {t('wish.goToWall')}
            </LinkButton>
          </>
        }
        onRetry={() => void list.reload()}
      >
        {list.nodes.map((wish) => (
          <WishCard key={wish.id} wish={wish} showStatus actions={actionsFor(wish)}>
            <ClaimDetails wish={wish} />
          </WishCard>
        ))}
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <ReportModal
        wish={reporting}
        onClose={(done) => {
          setReporting(null);
          if (done) {
            void message.success(t('wish.reported'));
            void list.reload();
          }
        }}
      />
    </div>
  );
}
