import { useMemo, useState } from 'react';
import { useNavigate } from 'react-router-dom';
import {
  Alert,
  Button,
  Card,
  Checkbox,
  Col,
  DatePicker,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Row,
  Select,
  Space,
  Steps,
  Typography,
  App as AntApp,
} from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import {
  CreateProjectDocument,
  NeedsDocument,
  SubmitProjectDocument,
  type FundingSource,
  type ProcurementMethod,
  type ServiceCategory,
  type WorkerLevel,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { RegionSelect } from '../../components/RegionSelect';
import { MoneyInput, moneyRules } from '../../components/MoneyInput';
import { CATEGORIES } from '../../components/enums';
import { formatFen, yuanToFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { required, requiredText } from '../../validation/rules';

const FUNDING: FundingSource[] = ['GOVERNMENT_PURCHASE', 'VENTURE_PHILANTHROPY', 'SUBSIDY', 'COMMUNITY_FUND'];
const METHODS: ProcurementMethod[] = [
  'OPEN_TENDER',
  'INVITED_TENDER',
  'COMPETITIVE_NEGOTIATION',
  'COMPETITIVE_CONSULTATION',
  'SINGLE_SOURCE',
];
const LEVELS: WorkerLevel[] = ['ASSISTANT', 'SOCIAL_WORKER', 'SENIOR'];

interface Values {
  title: string;
  description: string;
  regionId: string;
  category: ServiceCategory;
  targetGroups: string[];
  beneficiaryTarget: number;
  needIds: string[];
  fundingSource: FundingSource;
  procurementMethod: ProcurementMethod;
  budgetCeilingFen: string;
  serviceStart: Dayjs;
  serviceEnd: Dayjs;
  minGrade: number;
  workerRequirements: { level: WorkerLevel; count: number }[];
  volunteerPlan: string;
  priceWeight: number;
  criteria: { name: string; weight: number }[];
}

const STEPS: { key: string; fields: string[] }[] = [
  { key: 'basics', fields: ['title', 'description', 'regionId'] },
  { key: 'category', fields: ['category', 'targetGroups', 'beneficiaryTarget'] },
  { key: 'needs', fields: ['needIds'] },
  { key: 'funding', fields: ['fundingSource', 'procurementMethod'] },
  { key: 'budget', fields: ['budgetCeilingFen', 'serviceStart', 'serviceEnd'] },
  { key: 'requirements', fields: ['minGrade', 'workerRequirements', 'volunteerPlan'] },
  { key: 'criteria', fields: ['priceWeight', 'criteria'] },
  { key: 'review', fields: [] },
];
const ALL_FIELDS = STEPS.flatMap((s) => s.fields);

/** Weights: the price weight plus every criterion make 100, and the price weight is at least 10. */
export function weightProblem(priceWeight: number | undefined, criteria: { weight?: number }[] | undefined): 'sum' | 'price' | null {
  const total = (priceWeight ?? 0) + (criteria ?? []).reduce((n, c) => n + (c?.weight ?? 0), 0);
  if ((priceWeight ?? 0) < 10) return 'price';
  if (total !== 100) return 'sum';
  return null;
}

/** The community staff's project wizard, from basics to a reviewed draft. */
export function ProjectWizardPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [step, setStep] = useState(0);
  const [general, setGeneral] = useState<string[]>([]);
  const [create, createState] = useMutation(CreateProjectDocument);
  const [submit, submitState] = useMutation(SubmitProjectDocument);
  const regionId = Form.useWatch('regionId', form);
  const needs = useQuery(NeedsDocument, { first: 100, regionId: regionId ?? null }, { skip: !regionId });
  const priceWeight = Form.useWatch('priceWeight', form);
  const criteria = Form.useWatch('criteria', form);
  const values = Form.useWatch([], form) as Partial<Values> | undefined;
  const total = (priceWeight ?? 0) + (criteria ?? []).reduce((n, c) => n + (c?.weight ?? 0), 0);
  const problem = weightProblem(priceWeight, criteria);

  const initial = useMemo(
    () => ({
      targetGroups: [],
      beneficiaryTarget: 100,
      needIds: [],
      fundingSource: 'GOVERNMENT_PURCHASE' as FundingSource,
      procurementMethod: 'OPEN_TENDER' as ProcurementMethod,
      serviceStart: dayjs().add(2, 'month').startOf('month'),
      serviceEnd: dayjs().add(2, 'month').startOf('month').add(1, 'year').subtract(1, 'day'),
      minGrade: 0,
      workerRequirements: [],
      volunteerPlan: '',
      description: '',
      priceWeight: 30,
      criteria: [
        { name: '服务方案', weight: 40 },
        { name: '团队与经验', weight: 30 },
      ],
    }),
    [],
  );

  const next = async () => {
    try {
      await form.validateFields(STEPS[step].fields);
      if (STEPS[step].key === 'criteria' && problem) return;
      setStep(step + 1);
    } catch {
      // the fields show what is wrong
    }
  };

  const save = async (andSubmit: boolean) => {
    setGeneral([]);
    const v = form.getFieldsValue(true) as Values;
    try {
      const r = (
        await create({
          input: {
            regionId: v.regionId,
            project: {
              title: v.title.trim(),
              description: v.description ?? '',
              category: v.category,
              targetGroups: v.targetGroups ?? [],
              beneficiaryTarget: v.beneficiaryTarget ?? 0,
              needIds: v.needIds ?? [],
              fundingSource: v.fundingSource,
              procurementMethod: v.procurementMethod,
              budgetCeilingFen: yuanToFen(v.budgetCeilingFen) ?? 0,
              serviceStart: v.serviceStart.format('YYYY-MM-DD'),
              serviceEnd: v.serviceEnd.format('YYYY-MM-DD'),
              minGrade: v.minGrade ?? 0,
              workerRequirements: (v.workerRequirements ?? []).filter(Boolean),
              volunteerPlan: v.volunteerPlan ?? '',
              priceWeight: v.priceWeight,
              criteria: (v.criteria ?? []).filter(Boolean),
            },
          },
        })
      ).createProject;
      if (r.errors.length || !r.project) {
        setGeneral(applyUserErrors(form, r.errors, locale, ALL_FIELDS));
        const field = r.errors
          .find((e) => e.field)
          ?.field?.split('.')
          .pop();
        const at = STEPS.findIndex((s) => field && s.fields.includes(field));
        if (at >= 0) setStep(at);
        return;
      }
      if (andSubmit) {
        const s = (await submit({ input: { projectId: r.project.id } })).submitProject;
        if (s.errors.length) void message.error(errorMessage(s.errors[0].code, locale, s.errors[0].message));
        else void message.success(t('project.submitted'));
      } else {
        void message.success(t('project.created'));
      }
      navigate(`/projects/${encodeURIComponent(r.project.id)}`);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  const show = (key: string) => ({ display: STEPS[step].key === key ? undefined : 'none' });

  return (
    <div data-testid="project-wizard">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('project.wizard')}
      </Typography.Title>
      <Steps
        current={step}
        size="small"
        style={{ marginBottom: 24 }}
        responsive
        items={STEPS.map((s) => ({ title: t(`project.step.${s.key}` as 'project.step.basics') }))}
      />
      <Card>
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 16 }} />}
        <Form<Values> form={form} layout="vertical" name="project" initialValues={initial}>
          <div style={show('basics')}>
            <Form.Item name="title" label={t('project.title')} rules={[requiredText(t)]}>
              <Input maxLength={120} />
            </Form.Item>
            <Form.Item name="regionId" label={t('project.community')} rules={[required(t)]}>
              <RegionSelect level="COMMUNITY" under={activeGrant?.region?.level === 'COMMUNITY' ? null : activeGrant?.region?.id} />
            </Form.Item>
            <Form.Item name="description" label={t('project.description')}>
              <Input.TextArea rows={4} />
            </Form.Item>
          </div>
          <div style={show('category')}>
            <Form.Item name="category" label={t('project.category')} rules={[required(t)]}>
              <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
            </Form.Item>
            <Form.Item name="targetGroups" label={t('project.targetGroups')} extra={t('profile.skillsHint')}>
              <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
            </Form.Item>
            <Form.Item name="beneficiaryTarget" label={t('project.beneficiaryTarget')}>
              <InputNumber min={0} />
            </Form.Item>
          </div>
          <div style={show('needs')}>
            <Form.Item name="needIds" label={t('project.needs')}>
              <Checkbox.Group style={{ display: 'flex', flexDirection: 'column', gap: 8 }}>
                {(needs.data?.needs.nodes ?? []).map((n) => (
                  <Checkbox key={n.id} value={n.id}>
                    [{t(`category.${n.category}` as const)}] {n.targetGroup}：{n.description}（{n.peopleAffected}）
                  </Checkbox>
                ))}
              </Checkbox.Group>
            </Form.Item>
            {(needs.data?.needs.nodes ?? []).length === 0 && <Typography.Text type="secondary">{t('common.empty')}</Typography.Text>}
          </div>
          <div style={show('funding')}>
            <Form.Item name="fundingSource" label={t('project.funding')} rules={[required(t)]}>
              <Select options={FUNDING.map((f) => ({ value: f, label: t(`funding.${f}` as const) }))} />
            </Form.Item>
            <Form.Item name="procurementMethod" label={t('project.method')} rules={[required(t)]}>
              <Select options={METHODS.map((m) => ({ value: m, label: t(`method.${m}` as const) }))} />
            </Form.Item>
          </div>
          <div style={show('budget')}>
            <Form.Item name="budgetCeilingFen" label={t('project.budget')} rules={moneyRules(t)}>
              <MoneyInput />
            </Form.Item>
            <Space wrap>
              <Form.Item name="serviceStart" label={t('project.serviceStart')} rules={[required(t)]}>
                <DatePicker />
              </Form.Item>
              <Form.Item name="serviceEnd" label={t('project.serviceEnd')} rules={[required(t)]}>
                <DatePicker />
              </Form.Item>
            </Space>
          </div>
          <div style={show('requirements')}>
            <Form.Item name="minGrade" label={t('project.minGrade')}>
              <Select
                options={[0, 1, 2, 3, 4, 5].map((g) => ({ value: g, label: g === 0 ? t('project.gradeNone') : `${g}A` }))}
                style={{ width: 160 }}
              />
            </Form.Item>
            <Typography.Text strong>{t('project.workerRequirements')}</Typography.Text>
            <Form.List name="workerRequirements">
              {(fields, { add, remove }) => (
                <div style={{ marginTop: 8 }}>
                  {fields.map((field, i) => (
                    <Space key={field.key} align="start" wrap>
                      <Form.Item name={[field.name, 'level']} label={`${t('org.workerLevel')} ${i + 1}`} rules={[required(t)]}>
                        <Select style={{ width: 180 }} options={LEVELS.map((l) => ({ value: l, label: t(`workerLevel.${l}` as const) }))} />
                      </Form.Item>
                      <Form.Item name={[field.name, 'count']} label={`${t('project.workerCount')} ${i + 1}`} rules={[required(t)]}>
                        <InputNumber min={1} max={50} />
                      </Form.Item>
                      <Button
                        type="text"
                        aria-label={t('activity.removeShift')}
                        icon={<MinusCircleOutlined />}
                        onClick={() => remove(field.name)}
                        style={{ marginTop: 30 }}
                      />
                    </Space>
                  ))}
                  <Button
                    type="dashed"
                    icon={<PlusOutlined />}
                    onClick={() => add({ level: 'ASSISTANT', count: 1 })}
                    style={{ marginBottom: 16 }}
                  >
                    {t('project.addRequirement')}
                  </Button>
                </div>
              )}
            </Form.List>
            <Form.Item name="volunteerPlan" label={t('project.volunteerPlan')}>
              <Input.TextArea rows={3} />
            </Form.Item>
          </div>
          <div style={show('criteria')}>
            <Form.Item name="priceWeight" label={t('project.priceWeight')} rules={[required(t)]}>
              <InputNumber min={0} max={100} />
            </Form.Item>
            <Form.List name="criteria">
              {(fields, { add, remove }) => (
                <>
                  {fields.map((field, i) => (
                    <Row key={field.key} gutter={8} align="top">
                      <Col flex="auto">
                        <Form.Item name={[field.name, 'name']} label={`${t('project.criterion')} ${i + 1}`} rules={[requiredText(t)]}>
                          <Input />
                        </Form.Item>
                      </Col>
                      <Col>
                        <Form.Item name={[field.name, 'weight']} label={`${t('project.weight')} ${i + 1}`} rules={[required(t)]}>
                          <InputNumber min={1} max={90} />
                        </Form.Item>
                      </Col>
                      <Col>
                        <Button
                          type="text"
                          aria-label={t('activity.removeShift')}
                          icon={<MinusCircleOutlined />}
                          onClick={() => remove(field.name)}
                          style={{ marginTop: 30 }}
                        />
                      </Col>
                    </Row>
                  ))}
                  <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', weight: 10 })}>
                    {t('project.addCriterion')}
                  </Button>
                </>
              )}
            </Form.List>
            <div style={{ marginTop: 16 }} role="status" aria-live="polite" data-testid="weights-total">
              {problem === null ? (
                <Alert type="success" showIcon message={t('project.weightsTotal', { total })} />
              ) : (
                <Alert
                  type="error"
                  showIcon
                  message={problem === 'price' ? t('project.priceWeightMin') : t('project.weightsMustBe100', { total })}
                />
              )}
            </div>
          </div>
          {STEPS[step].key === 'review' && values && (
            <Descriptions column={1} bordered size="small">
              <Descriptions.Item label={t('project.title')}>{values.title}</Descriptions.Item>
              <Descriptions.Item label={t('project.category')}>
                {values.category ? t(`category.${values.category}` as const) : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.targetGroups')}>{(values.targetGroups ?? []).join('、')}</Descriptions.Item>
              <Descriptions.Item label={t('project.funding')}>
                {values.fundingSource ? t(`funding.${values.fundingSource}` as const) : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.method')}>
                {values.procurementMethod ? t(`method.${values.procurementMethod}` as const) : ''}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.budgetShort')}>
                {formatFen(yuanToFen(values.budgetCeilingFen ?? '') ?? 0)}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.period')}>
                {values.serviceStart?.format('YYYY-MM-DD')} ~ {values.serviceEnd?.format('YYYY-MM-DD')}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.criteria')}>
                {t('project.priceWeight')} {values.priceWeight}%；
                {(values.criteria ?? []).map((c) => `${c?.name} ${c?.weight}%`).join('；')}
              </Descriptions.Item>
            </Descriptions>
          )}
        </Form>
        <Space style={{ marginTop: 24 }} wrap>
          {step > 0 && <Button onClick={() => setStep(step - 1)}>{t('project.prev')}</Button>}
          {step < STEPS.length - 1 && (
            <Button type="primary" onClick={() => void next()}>
              {t('project.next')}
            </Button>
          )}
          {step === STEPS.length - 1 && (
            <>
              <Button loading={createState.loading} onClick={() => void save(false)}>
                {t('project.saveDraft')}
              </Button>
              <Button type="primary" loading={createState.loading || submitState.loading} onClick={() => void save(true)}>
                {t('project.submit')}
              </Button>
            </>
          )}
        </Space>
      </Card>
    </div>
  );
}
