import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  List,
  Modal,
  Progress,
  Space,
  Table,
  Tag,
  Typography,
  Upload,
  App as AntApp,
} from 'antd';
import type { UploadFile } from 'antd';
import { MinusCircleOutlined, PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { EVIDENCE_ACCEPT, evidenceProblem, toEvidenceInput, type EvidenceProblem } from './evidence';
import { EvidenceFiles } from './EvidenceFiles';
import { beneficiaryInput, type BeneficiaryRow } from './beneficiaries';
import type { Dayjs } from 'dayjs';
import {
  AcceptProgressReportDocument,
  RecordPaymentDocument,
  ReturnProgressReportDocument,
  SubmitProgressReportDocument,
  type ContractFieldsFragment,
} from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { MoneyInput, fenToYuanText, moneyRules } from '../../components/MoneyInput';
import { formatFen, yuanToFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { required, requiredText } from '../../validation/rules';

type MilestoneRow = ContractFieldsFragment['milestones'][number];
const COLORS: Record<string, string> = { PENDING: 'default', REPORTED: 'gold', ACCEPTED: 'blue', PAID: 'green' };

function PaymentModal({ milestone, onClose }: { milestone: MilestoneRow | null; onClose: (done: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ amountFen: string; paidOn: Dayjs; voucherNumber: string }>();
  const [record, { loading }] = useMutation(RecordPaymentDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    if (!milestone) return;
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (
        await record({
          input: {
            milestoneId: milestone.id,
            amountFen: yuanToFen(v.amountFen) ?? 0,
            paidOn: v.paidOn.format('YYYY-MM-DD'),
            voucherNumber: v.voucherNumber.trim(),
          },
        })
      ).recordPayment;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['amountFen', 'paidOn', 'voucherNumber']));
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
      open={Boolean(milestone)}
      title={`${t('contract.recordPayment')} · ${milestone?.title ?? ''}`}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        name="payment"
        initialValues={{ amountFen: milestone ? fenToYuanText(milestone.amountFen - milestone.paidFen) : '' }}
      >
        <Form.Item name="amountFen" label={t('contract.paymentAmount')} rules={moneyRules(t)}>
          <MoneyInput />
        </Form.Item>
        <Form.Item name="paidOn" label={t('contract.paidOn')} rules={[required(t)]}>
          <DatePicker />
        </Form.Item>
        <Form.Item name="voucherNumber" label={t('contract.voucher')} rules={[requiredText(t)]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** 受益人名单: optional rows of a name with an ID number or a phone; the server keeps keyed hashes only. */
function BeneficiaryListEditor() {
  const { t } = useI18n();
  const form = Form.useFormInstance();
  const rows = Form.useWatch('beneficiaries', form) as BeneficiaryRow[] | undefined;
  const claimed = (Form.useWatch('beneficiariesServed', form) as number | undefined) ?? 0;
  const listed = beneficiaryInput(rows).length;
  return (
    <div data-testid="beneficiary-list">
      <Typography.Text strong>{t('contract.beneficiaryList')}</Typography.Text>
      <Typography.Paragraph type="secondary" style={{ marginBottom: 8 }}>
        {t('contract.beneficiaryListHint')}
      </Typography.Paragraph>
      <Form.List name="beneficiaries">
        {(fields, { add, remove }) => (
          <>
            {fields.map((field, i) => (
              <Space key={field.key} align="start" size={6} wrap>
                <Form.Item name={[field.name, 'name']} label={`${t('contract.beneficiaryName')} ${i + 1}`} rules={[requiredText(t)]}>
                  <Input style={{ width: 100 }} maxLength={50} />
                </Form.Item>
                <Form.Item
                  name={[field.name, 'idNumber']}
                  label={t('contract.beneficiaryIdNumber')}
                  dependencies={[['beneficiaries', field.name, 'phone']]}
                  rules={[
                    ({ getFieldValue }) => ({
                      validator: async (_, value: string | undefined) => {
                        const phone = getFieldValue(['beneficiaries', field.name, 'phone']) as string | undefined;
                        if (!(value ?? '').trim() && !(phone ?? '').trim()) throw new Error(t('contract.beneficiaryIdOrPhone'));
                      },
                    }),
                  ]}
                >
                  <Input style={{ width: 176 }} maxLength={18} />
                </Form.Item>
                <Form.Item name={[field.name, 'phone']} label={t('contract.beneficiaryPhone')}>
                  <Input style={{ width: 124 }} maxLength={11} inputMode="tel" />
                </Form.Item>
                <Button
                  type="text"
                  aria-label={t('contract.beneficiaryRemove', { n: i + 1 })}
                  icon={<MinusCircleOutlined />}
                  onClick={() => remove(field.name)}
                  style={{ marginTop: 30 }}
                />
              </Space>
            ))}
            <Space wrap align="center" style={{ marginBottom: 16 }}>
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', idNumber: '', phone: '' })}>
                {t('contract.beneficiaryAdd')}
              </Button>
              {fields.length > 0 && (
                <Typography.Text type={listed > claimed ? 'danger' : 'secondary'} role="status" data-testid="beneficiary-count">
                  {t('contract.beneficiaryCount', { listed, claimed })}
                  {listed > claimed ? ` · ${t('contract.beneficiaryTooMany')}` : ''}
                </Typography.Text>
              )}
            </Space>
          </>
        )}
      </Form.List>
    </div>
  );
}

function ReportModal({ milestone, onClose }: { milestone: MilestoneRow | null; onClose: (done: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{
    narrative: string;
    activitiesHeld: number;
    beneficiariesServed: number;
    files?: UploadFile[];
    beneficiaries?: BeneficiaryRow[];
  }>();
  const [submitReport, { loading }] = useMutation(SubmitProgressReportDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const [encoding, setEncoding] = useState(false);
  const problemText = (p: EvidenceProblem): string =>
    p.kind === 'tooMany'
      ? t('contract.evidenceTooMany')
      : p.kind === 'totalTooLarge'
        ? t('contract.evidenceTotalTooLarge')
        : p.kind === 'tooLarge'
          ? t('contract.evidenceTooLarge', { name: p.name })
          : p.kind === 'empty'
            ? t('contract.evidenceEmpty', { name: p.name })
            : t('contract.evidenceType', { name: p.name });
  const submit = async () => {
    if (!milestone) return;
    const { files = [], beneficiaries: rows, ...v } = await form.validateFields();
    const beneficiaries = beneficiaryInput(rows);
    if (beneficiaries.length > v.beneficiariesServed) {
      setGeneral([t('contract.beneficiaryTooMany')]);
      return;
    }
    setGeneral([]);
    try {
      setEncoding(true);
      const evidence = await Promise.all(files.flatMap((f) => (f.originFileObj ? [toEvidenceInput(f.originFileObj)] : [])));
      setEncoding(false);
      const r = (
        await submitReport({
          input: { milestoneId: milestone.id, ...v, files: evidence, beneficiaries: beneficiaries.length ? beneficiaries : null },
        })
      ).submitProgressReport;
      if (r.errors.length) {
        const rowFields = beneficiaries.flatMap((_, i) => ['name', 'idNumber', 'phone'].map((f) => `beneficiaries.${i}.${f}`));
        setGeneral(applyUserErrors(form, r.errors, locale, ['narrative', 'activitiesHeld', 'beneficiariesServed', 'files', ...rowFields]));
        return;
      }
      form.resetFields();
      onClose(true);
    } catch (exc) {
      setEncoding(false);
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={Boolean(milestone)}
      title={`${t('contract.submitReport')} · ${milestone?.title ?? ''}`}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading || encoding}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        name="report"
        initialValues={{
          activitiesHeld: milestone?.plannedActivities ?? 0,
          beneficiariesServed: milestone?.plannedBeneficiaries ?? 0,
          files: [],
        }}
      >
        <Form.Item name="narrative" label={t('contract.narrative')} rules={[requiredText(t)]}>
          <Input.TextArea rows={4} />
        </Form.Item>
        <Space wrap>
          <Form.Item name="activitiesHeld" label={t('contract.activitiesHeld')}>
            <InputNumber min={0} />
          </Form.Item>
          <Form.Item name="beneficiariesServed" label={t('contract.beneficiariesServed')}>
            <InputNumber min={0} />
          </Form.Item>
        </Space>
        <Form.Item
          name="files"
          label={t('contract.evidence')}
          extra={t('contract.evidenceHint')}
          valuePropName="fileList"
          getValueFromEvent={(e: { fileList: UploadFile[] }) => e.fileList}
          rules={[
            {
              validator: async (_, value: UploadFile[] | undefined) => {
                const problem = evidenceProblem((value ?? []).map((f) => ({ name: f.name, size: f.size ?? 0, type: f.type })));
                if (problem) throw new Error(problemText(problem));
              },
            },
          ]}
        >
          <Upload multiple accept={EVIDENCE_ACCEPT} beforeUpload={() => false}>
            <Button icon={<UploadOutlined />}>{t('contract.evidencePick')}</Button>
          </Upload>
        </Form.Item>
        <BeneficiaryListEditor />
      </Form>
    </Modal>
  );
}

/** A contract with its milestones: reports (organization), acceptance (community), payments (bureau). */
export function ContractView({ contract, onChanged }: { contract: ContractFieldsFragment; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const [paying, setPaying] = useState<MilestoneRow | null>(null);
  const [reporting, setReporting] = useState<MilestoneRow | null>(null);
  const [accept] = useMutation(AcceptProgressReportDocument);
  const [returnReport, returnState] = useMutation(ReturnProgressReportDocument);
  const [returning, setReturning] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const role = activeGrant?.role;

  const review = async (reportId: string, ok: boolean) => {
    try {
      const r = ok
        ? (await accept({ input: { reportId } })).acceptProgressReport
        : (await returnReport({ input: { reportId, reason: reason.trim() } })).returnProgressReport;
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else {
        void message.success(ok ? t('contract.accepted') : t('project.returned'));
        setReturning(null);
        setReason('');
      }
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    onChanged();
  };

  return (
    <Card title={`${t('contract.title')} · ${contract.projectTitle ?? ''}`} style={{ marginTop: 16 }} data-testid="contract">
      <Descriptions size="small" column={{ xs: 1, sm: 2, md: 3 }}>
        <Descriptions.Item label={t('bid.organization')}>{contract.organizationName}</Descriptions.Item>
        <Descriptions.Item label={t('contract.amount')}>{formatFen(contract.amountFen)}</Descriptions.Item>
        <Descriptions.Item label={t('contract.period')}>
          {contract.startDate} ~ {contract.endDate}
        </Descriptions.Item>
        <Descriptions.Item label={t('contract.paid')}>{formatFen(contract.paidFen)}</Descriptions.Item>
        <Descriptions.Item label={t('contract.remaining')}>{formatFen(contract.remainingFen)}</Descriptions.Item>
      </Descriptions>
      <Progress
        percent={Math.round((contract.paidFen / Math.max(1, contract.amountFen)) * 100)}
        aria-label={t('contract.paidProgress')}
        style={{ marginBottom: 12 }}
      />
      <Table<MilestoneRow>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={contract.milestones}
        scroll={{ x: true }}
        expandable={{
          rowExpandable: (m) => m.reports.length > 0 || m.payments.length > 0,
          expandedRowRender: (m) => (
            <Space direction="vertical" style={{ width: '100%' }}>
              {m.reports.length > 0 && (
                <List
                  header={<Typography.Text strong>{t('contract.reports')}</Typography.Text>}
                  size="small"
                  dataSource={m.reports}
                  renderItem={(r) => (
                    <List.Item
                      actions={
                        role === 'COMMUNITY_STAFF' && r.status === 'SUBMITTED'
                          ? [
                              <Button key="ok" size="small" type="primary" onClick={() => void review(r.id, true)}>
                                {t('contract.accept')}
                              </Button>,
                              <Button key="no" size="small" onClick={() => setReturning(r.id)}>
                                {t('contract.returnReport')}
                              </Button>,
                            ]
                          : []
                      }
                    >
                      <List.Item.Meta
                        title={<Tag>{t(`report.${r.status}` as const)}</Tag>}
                        description={
                          <Space direction="vertical" size={4}>
                            <span>{`${r.narrative} · ${t('contract.activitiesHeld')} ${r.activitiesHeld} · ${t('contract.beneficiariesServed')} ${r.beneficiariesServed}${r.listedBeneficiaries ? ` (${t('contract.listedBeneficiaries')} ${r.listedBeneficiaries})` : ''} · ${t('contract.volunteerHours')} ${(r.volunteerMinutes / 60).toFixed(1)} h`}</span>
                            <EvidenceFiles files={r.files} />
                          </Space>
                        }
                      />
                    </List.Item>
                  )}
                />
              )}
              {m.payments.length > 0 && (
                <List
                  header={<Typography.Text strong>{t('contract.payments')}</Typography.Text>}
                  size="small"
                  dataSource={m.payments}
                  renderItem={(p) => (
                    <List.Item>
                      {p.paidOn} · {formatFen(p.amountFen)} · {t('contract.voucher')} {p.voucherNumber}
                    </List.Item>
                  )}
                />
              )}
            </Space>
          ),
        }}
        columns={[
          { title: '#', dataIndex: 'sequence' },
          { title: t('contract.milestone'), dataIndex: 'title' },
          { title: t('contract.share'), render: (_, m) => `${(m.shareBp / 100).toFixed(0)}%` },
          { title: t('contract.amount'), align: 'right', render: (_, m) => formatFen(m.amountFen) },
          { title: t('contract.paid'), align: 'right', render: (_, m) => formatFen(m.paidFen) },
          { title: t('contract.dueDate'), dataIndex: 'dueDate' },
          { title: t('project.status'), render: (_, m) => <Tag color={COLORS[m.status]}>{t(`milestone.${m.status}` as const)}</Tag> },
          {
            title: t('common.actions'),
            render: (_, m) => (
              <Space>
                {(role === 'ORG_ADMIN' || role === 'SOCIAL_WORKER') &&
                  (m.status === 'PENDING' || m.reports.every((r) => r.status === 'RETURNED')) &&
                  m.status !== 'PAID' &&
                  m.status !== 'ACCEPTED' && (
                    <Button size="small" onClick={() => setReporting(m)}>
                      {t('contract.submitReport')}
                    </Button>
                  )}
                {role === 'BUREAU_OFFICER' && m.status === 'ACCEPTED' && m.paidFen < m.amountFen && (
                  <Button size="small" type="primary" onClick={() => setPaying(m)}>
                    {t('contract.recordPayment')}
                  </Button>
                )}
              </Space>
            ),
          },
        ]}
      />
      <Modal
        open={Boolean(returning)}
        title={t('contract.returnReport')}
        onCancel={() => setReturning(null)}
        okText={t('common.confirm')}
        cancelText={t('common.cancel')}
        confirmLoading={returnState.loading}
        okButtonProps={{ disabled: !reason.trim() }}
        onOk={() => returning && void review(returning, false)}
      >
        <Form layout="vertical" name="returnReport">
          <Form.Item label={t('project.returnReason')} htmlFor="report-return-reason">
            <Input.TextArea id="report-return-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
          </Form.Item>
        </Form>
      </Modal>
      <PaymentModal
        milestone={paying}
        onClose={(done) => {
          setPaying(null);
          if (done) {
            void message.success(t('contract.paymentRecorded'));
            onChanged();
          }
        }}
      />
      <ReportModal
        milestone={reporting}
        onClose={(done) => {
          setReporting(null);
          if (done) {
            void message.success(t('contract.reportSubmitted'));
            onChanged();
          }
        }}
      />
    </Card>
  );
}
