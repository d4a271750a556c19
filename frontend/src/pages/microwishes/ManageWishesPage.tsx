import { useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Col,
  DatePicker,
  Form,
  Input,
  Modal,
  Popconfirm,
  Radio,
  Row,
  Select,
  Space,
  Table,
  Tabs,
  Tag,
  Typography,
  App as AntApp,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import {
  ConfirmMicroWishDocument,
  EscalateMicroWishDocument,
  EscalationDraftsDocument,
  ManagedMicroWishesDocument,
  RecordMicroWishDocument,
  ReturnMicroWishFulfilmentDocument,
  WithdrawMicroWishDocument,
  type ManagedMicroWishesQuery,
  type MicroWishStatus,
  type ServiceCategory,
} from '../../api/generated';
import { useMutation, useQuery, type UserErrorLike } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { RegionSelect } from '../../components/RegionSelect';
import { CATEGORIES } from '../../components/enums';
import { formatDateTime } from '../../components/format';
import { useSession } from '../../auth/session';
import { useI18n } from '../../i18n';
import { ReasonModal } from './ReasonModal';
import { WishClaimersModal } from './WishClaimersModal';
import { LIMITS, STATUSES, STATUS_COLORS, deadlineInFuture, staffActions } from './rules';
import { namesNobodyRule, textRule } from './fieldRules';

type WishRow = ManagedMicroWishesQuery['microWishes']['nodes'][number];

const RECORD_FIELDS = [
  'regionId',
  'kind',
  'category',
  'title',
  'description',
  'publicDescription',
  'needs',
  'deadline',
  'beneficiaryName',
  'beneficiaryAddress',
];

interface RecordValues {
  regionId: string;
  kind: 'WISH' | 'AFFAIR';
  category: ServiceCategory;
  title: string;
  publicDescription: string;
  description: string;
  needs: 'TIME' | 'GOODS';
  deadline: Dayjs;
  beneficiaryName: string;
  beneficiaryAddress: string;
}

/** A week from now at 18:00: most wishes are small enough for that. */
function defaultDeadline(): Dayjs {
  return dayjs().add(7, 'day').hour(18).minute(0).second(0).millisecond(0);
}

/** Record a wish: the checks mirror the API's (lengths, a future deadline, a public text that
 * names nobody), so most mistakes show before sending; the server's errors land on the fields. */
function RecordWishModal({ open, onClose }: { open: boolean; onClose: (done: boolean) => void }) {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const [form] = Form.useForm<RecordValues>();
  const [record, { loading }] = useMutation(RecordMicroWishDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const grantRegion = activeGrant?.region;
  const submit = async () => {
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const input = {
        regionId: v.regionId,
        kind: v.kind,
        category: v.category,
        title: v.title.trim(),
        description: v.description.trim(),
        publicDescription: v.publicDescription.trim(),
        needs: v.needs,
        deadline: v.deadline.toISOString(),
        beneficiaryName: v.beneficiaryName.trim(),
        beneficiaryAddress: v.beneficiaryAddress.trim(),
      };
      const r = (await record({ input })).recordMicroWish;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, RECORD_FIELDS));
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
      open={open}
      title={t('wish.recordTitle')}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
      width={720}
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        name="recordWish"
        initialValues={{
          kind: 'WISH',
          needs: 'TIME',
          deadline: defaultDeadline(),
          regionId: grantRegion?.level === 'COMMUNITY' ? grantRegion.id : undefined,
        }}
      >
        <Row gutter={12}>
          <Col xs={24} sm={12}>
            <Form.Item name="regionId" label={t('wish.community')} rules={[{ required: true, message: t('validation.required') }]}>
              <RegionSelect
                level="COMMUNITY"
                under={grantRegion?.level === 'COMMUNITY' ? null : grantRegion?.id}
                initialLabel={grantRegion?.level === 'COMMUNITY' ? grantRegion.name : undefined}
              />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="category" label={t('wish.category')} rules={[{ required: true, message: t('validation.required') }]}>
              <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="kind" label={t('wish.kind')} required>
              <Radio.Group options={(['WISH', 'AFFAIR'] as const).map((k) => ({ value: k, label: t(`wish.kind.${k}` as const) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="needs" label={t('wish.needs')} required>
              <Radio.Group options={(['TIME', 'GOODS'] as const).map((k) => ({ value: k, label: t(`wish.needs.${k}` as const) }))} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item name="beneficiaryName" label={t('wish.beneficiaryName')} required rules={[textRule(t, LIMITS.beneficiaryName)]}>
              <Input maxLength={LIMITS.beneficiaryName} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="beneficiaryAddress"
              label={t('wish.beneficiaryAddress')}
              required
              rules={[textRule(t, LIMITS.beneficiaryAddress)]}
            >
              <Input maxLength={LIMITS.beneficiaryAddress} autoComplete="off" />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="title"
              label={t('wish.title')}
              required
              dependencies={['beneficiaryName', 'beneficiaryAddress']}
              rules={[textRule(t, LIMITS.title), namesNobodyRule(t)]}
            >
              <Input placeholder={t('wish.titleHint')} maxLength={LIMITS.title} />
            </Form.Item>
          </Col>
          <Col xs={24} sm={12}>
            <Form.Item
              name="deadline"
              label={t('wish.deadlineField')}
              rules={[
                { required: true, message: t('validation.required') },
                {
                  validator: (_, value: Dayjs | undefined) =>
                    !value || deadlineInFuture(value.toDate(), new Date())
                      ? Promise.resolve()
                      : Promise.reject(new Error(t('wish.deadlinePast'))),
                },
              ]}
            >
              <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" style={{ width: '100%' }} />
            </Form.Item>
          </Col>
        </Row>
        <Form.Item name="description" label={t('wish.description')} required rules={[textRule(t, LIMITS.text)]}>
          <Input.TextArea rows={2} maxLength={LIMITS.text} />
        </Form.Item>
        <Form.Item
          name="publicDescription"
          label={t('wish.publicDescription')}
          extra={t('wish.publicDescriptionHint')}
          required
          dependencies={['beneficiaryName', 'beneficiaryAddress']}
          rules={[textRule(t, LIMITS.text), namesNobodyRule(t)]}
        >
          <Input.TextArea rows={2} maxLength={LIMITS.text} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Link an open wish to a project draft of its community (实事微项目). */
function EscalateModal({ wish, onClose }: { wish: WishRow | null; onClose: (done: boolean) => void }) {
  const { t, locale } = useI18n();
  const drafts = useQuery(EscalationDraftsDocument, {}, { skip: !wish });
  const [escalate, { loading }] = useMutation(EscalateMicroWishDocument);
  const [projectId, setProjectId] = useState<string | null>(null);
  const [general, setGeneral] = useState<string[]>([]);
  const options = (drafts.data?.projectPipeline.nodes ?? []).filter((p) => !wish?.region || p.region?.id === wish.region.id);
  const submit = async () => {
    if (!wish || !projectId) return;
    setGeneral([]);
    try {
      const r = (await escalate({ input: { wishId: wish.id, projectId } })).escalateMicroWish;
      if (r.errors.length) {
        setGeneral(applyUserErrors(null, r.errors, locale));
        return;
      }
      setProjectId(null);
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={Boolean(wish)}
      title={t('wish.escalateTitle')}
      onCancel={() => onClose(false)}
      onOk={submit}
      okButtonProps={{ disabled: !projectId }}
      confirmLoading={loading}
      okText={t('wish.escalate')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph>{t('wish.escalateHint')}</Typography.Paragraph>
      <Typography.Paragraph strong>{wish?.title}</Typography.Paragraph>
      <ListState
        loading={drafts.loading}
        error={drafts.error}
        empty={options.length === 0}
        emptyText={<Link to="/app/projects/new">{t('wish.noDrafts')}</Link>}
        onRetry={() => void drafts.refetch()}
      >
        <Select
          id="wish-project"
          aria-label={t('wish.project')}
          style={{ width: '100%' }}
          placeholder={t('wish.project')}
          value={projectId ?? undefined}
          onChange={(v: string) => setProjectId(v)}
          options={options.map((p) => ({ value: p.id, label: p.title }))}
        />
      </ListState>
    </Modal>
  );
}

/**
 * 微心愿管理 for a community's staff: record wishes, follow them by state, read who each is for,
 * confirm or return a reported fulfilment, withdraw or escalate an open one.
 */
export function ManageWishesPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  // `?status=FULFILLED` opens a tab directly (the workbench links the wishes to confirm there).
  const [params, setParams] = useSearchParams();
  const asked = params.get('status');
  const status: MicroWishStatus = STATUSES.find((s) => s === asked) ?? 'OPEN';
  const setStatus = (next: MicroWishStatus) => setParams({ status: next }, { replace: true });
  const list = usePaged(
    ManagedMicroWishesDocument,
    { first: 50, status, regionId: activeGrant?.region?.id ?? null },
    (d) => d.microWishes,
    { skip: !activeGrant?.region },
  );
  const [recording, setRecording] = useState(false);
  const [withdrawing, setWithdrawing] = useState<WishRow | null>(null);
  const [returning, setReturning] = useState<WishRow | null>(null);
  const [escalating, setEscalating] = useState<WishRow | null>(null);
  const [asking, setAsking] = useState<WishRow | null>(null);
  const [confirm, confirmState] = useMutation(ConfirmMicroWishDocument);
  const [withdraw] = useMutation(WithdrawMicroWishDocument);
  const [giveBack] = useMutation(ReturnMicroWishFulfilmentDocument);

  const onConfirm = async (wish: WishRow) => {
    try {
      const r = (await confirm({ input: { wishId: wish.id } })).confirmMicroWish;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(t('wish.confirmedDone'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await list.reload();
  };

  const closed = (done: boolean, text: Parameters<typeof t>[0]) => {
    setWithdrawing(null);
    setReturning(null);
    setEscalating(null);
    if (done) {
      void message.success(t(text));
      void list.reload();
    }
  };

  const actionsFor = (wish: WishRow) => (
    <Space wrap size={4}>
      {staffActions(wish.status).map((action) => {
        switch (action) {
          case 'confirm':
            return (
              <Popconfirm
                key="confirm"
                title={t('wish.confirmConfirm')}
                okText={t('wish.confirm')}
                cancelText={t('common.cancel')}
                onConfirm={() => onConfirm(wish)}
              >
                <Button type="primary" size="small" loading={confirmState.loading} aria-label={`${t('wish.confirm')} ${wish.title}`}>
                  {t('wish.confirm')}
                </Button>
              </Popconfirm>
            );
          case 'return':
            return (
              <Button key="return" size="small" onClick={() => setReturning(wish)}>
                {t('wish.return')}
              </Button>
            );
          case 'withdraw':
            return (
              <Button key="withdraw" size="small" danger onClick={() => setWithdrawing(wish)}>
                {t('wish.withdraw')}
              </Button>
            );
          case 'escalate':
            return (
              <Button key="escalate" size="small" onClick={() => setEscalating(wish)}>
                {t('wish.escalate')}
              </Button>
            );
        }
      })}
      {wish.status === 'OPEN' && (
        <Button size="small" type="link" onClick={() => setAsking(wish)} aria-label={`${t('wish.askWho')} ${wish.title}`}>
          {t('wish.askWho')}
        </Button>
      )}
      {wish.projectId && <Link to={`/projects/${wish.projectId}`}>{t('wish.openProject')}</Link>}
    </Space>
  );

  /** A reason modal's sender for the wish it was opened for. */
  const send =
    (wish: WishRow | null, run: (wishId: string, reason: string) => Promise<{ errors: UserErrorLike[] }>) => async (reason: string) =>
      wish ? (await run(wish.id, reason)).errors : [];

  return (
    <div data-testid="manage-wishes">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('wish.manageTitle')}
        </Typography.Title>
        <Button type="primary" onClick={() => setRecording(true)}>
          {t('wish.record')}
        </Button>
      </Space>
      <Typography.Paragraph type="secondary">{t('wish.manageIntro')}</Typography.Paragraph>
      <Tabs
        activeKey={status}
        onChange={(k) => setStatus(k as MicroWishStatus)}
        items={STATUSES.map((s) => ({ key: s, label: t(`wish.status.${s}` as const) }))}
      />
      <ListState
        loading={list.loading}
        error={list.error}
        empty={list.nodes.length === 0}
        emptyText={t('wish.noneInState')}
        onRetry={() => void list.reload()}
      >
        <Table<WishRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: 960 }}
          columns={[
            {
              title: t('wish.colTitle'),
              width: 280,
              render: (_, w) => (
                <Space direction="vertical" size={2}>
                  <strong>{w.title}</strong>
                  <Space size={[4, 4]} wrap>
                    <Tag color={STATUS_COLORS[w.status]}>{t(`wish.status.${w.status}` as const)}</Tag>
                    <Tag>{t(`category.${w.category}` as const)}</Tag>
                    <Tag>{t(`wish.needs.${w.needs}` as const)}</Tag>
                  </Space>
                  <Typography.Text type="secondary">
                    {w.region?.name} · {t('wish.deadlineAt', { time: formatDateTime(w.deadline) })}
                  </Typography.Text>
                </Space>
              ),
            },
            {
              title: t('wish.colBeneficiary'),
              width: 200,
              render: (_, w) =>
                w.beneficiary ? (
                  <Space direction="vertical" size={0}>
                    <span>{w.beneficiary.name}</span>
                    <Typography.Text type="secondary">{w.beneficiary.address}</Typography.Text>
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('wish.colClaimant'),
              width: 160,
              render: (_, w) =>
                w.claimant ? (
                  <Space direction="vertical" size={0}>
                    <span>{w.claimant.displayName}</span>
                    <Typography.Text type="secondary">{t(`wish.claimant.${w.claimant.type}` as const)}</Typography.Text>
                  </Space>
                ) : (
                  '—'
                ),
            },
            {
              title: t('wish.colReport'),
              render: (_, w) =>
                w.fulfilmentReport ? (
                  <Space direction="vertical" size={0}>
                    <span style={{ overflowWrap: 'anywhere' }}>{w.fulfilmentReport}</span>
                    <Typography.Text type="secondary">
                      {w.minutesGiven ? `${t('wish.minutesGiven', { minutes: w.minutesGiven })} · ` : ''}
                      {t('wish.fulfilledAt', { time: formatDateTime(w.fulfilledAt) })}
                    </Typography.Text>
                  </Space>
                ) : (
                  '—'
                ),
            },
            { title: t('wish.colActions'), width: 200, render: (_, w) => actionsFor(w) },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <RecordWishModal
        open={recording}
        onClose={(done) => {
          setRecording(false);
          if (done) {
            void message.success(t('wish.recorded'));
            if (status === 'OPEN') void list.reload();
            else setStatus('OPEN');
          }
        }}
      />
      <ReasonModal
        open={Boolean(withdrawing)}
        title="wish.withdrawTitle"
        onSend={send(withdrawing, async (wishId, reason) => (await withdraw({ input: { wishId, reason } })).withdrawMicroWish)}
        onClose={(done) => closed(done, 'wish.withdrawn')}
      />
      <ReasonModal
        open={Boolean(returning)}
        title="wish.returnTitle"
        onSend={send(returning, async (wishId, reason) => (await giveBack({ input: { wishId, reason } })).returnMicroWishFulfilment)}
        onClose={(done) => closed(done, 'wish.returned')}
      />
      <WishClaimersModal wish={asking} onClose={() => setAsking(null)} />
      <EscalateModal wish={escalating} onClose={(done) => closed(done, 'wish.escalated')} />
    </div>
  );
}
