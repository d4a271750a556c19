import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, Modal, Row, Select, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import type { Dayjs } from 'dayjs';
import {
  CreateSocialWorkerDocument,
  OrganizationDetailDocument,
  UpdateOrganizationDocument,
  type OrganizationKind,
  type ServiceCategory,
  type SocialWorkerFieldsFragment,
  type WorkerLevel,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { CATEGORIES } from '../../components/enums';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { creditCodeProblem } from '../../validation/creditCode';
import { isMobilePhone } from '../../validation/phone';

const LEVELS: WorkerLevel[] = ['NONE', 'ASSISTANT', 'SOCIAL_WORKER', 'SENIOR'];

interface ProfileValues {
  name: string;
  creditCode: string;
  kind: OrganizationKind;
  categories: ServiceCategory[];
  legalRepresentative: string;
  contactName: string;
  contactPhone: string;
  address: string;
  description: string;
}

const PROFILE_FIELDS = ['name', 'creditCode', 'kind', 'categories', 'legalRepresentative', 'contactName', 'contactPhone', 'address', 'description'];

function AddWorkerModal({ organizationId, open, onClose }: { organizationId: string; open: boolean; onClose: (added: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [create, { loading }] = useMutation(CreateSocialWorkerDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (
        await create({
          input: {
            organizationId,
            name: v.name,
            password: v.password,
            phone: v.phone || null,
            level: v.level,
            certificateNumber: v.certificateNumber || null,
            registeredOn: v.registeredOn ? (v.registeredOn as Dayjs).format('YYYY-MM-DD') : null,
          },
        })
      ).createSocialWorker;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['name', 'password', 'phone', 'level', 'certificateNumber', 'registeredOn']));
        return;
      }
      form.resetFields();
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal open={open} title={t('org.addWorker')} onCancel={() => onClose(false)} onOk={submit} confirmLoading={loading} okText={t('common.submit')} cancelText={t('common.cancel')} destroyOnHidden>
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="addWorker" initialValues={{ level: 'NONE' }}>
        <Form.Item name="name" label={t('org.workerName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
          <Input />
        </Form.Item>
        <Form.Item name="phone" label={t('account.phone')} rules={[{ validator: (_, v) => (!v || isMobilePhone(v) ? Promise.resolve() : Promise.reject(new Error(t('validation.phone')))) }]}>
          <Input inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('validation.required') }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item name="level" label={t('org.workerLevel')}>
          <Select options={LEVELS.map((l) => ({ value: l, label: t(`workerLevel.${l}` as const) }))} />
        </Form.Item>
        <Form.Item name="certificateNumber" label={t('org.certificateNumber')}>
          <Input />
        </Form.Item>
        <Form.Item name="registeredOn" label={t('org.registeredOn')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The organization admin's own organization: profile (credit code checked client-side) and staff. */
export function OrganizationPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const organizationId = activeGrant?.organizationId ?? '';
  const { data, loading, error, refetch } = useQuery(OrganizationDetailDocument, { id: organizationId }, { skip: !organizationId });
  const [update, updateState] = useMutation(UpdateOrganizationDocument);
  const [form] = Form.useForm<ProfileValues>();
  const [general, setGeneral] = useState<string[]>([]);
  const [adding, setAdding] = useState(false);
  const org = data?.node && 'creditCode' in data.node ? data.node : null;

  useEffect(() => {
    if (org) form.setFieldsValue({ ...org, categories: org.categories });
  }, [org, form]);

  const onFinish = async (v: ProfileValues) => {
    if (!org) return;
    setGeneral([]);
    try {
      const r = (await update({ input: { organizationId: org.id, version: org.version, ...v, creditCode: v.creditCode.trim().toUpperCase() } })).updateOrganization;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, PROFILE_FIELDS));
        return;
      }
      void message.success(t('common.saved'));
      await refetch();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div data-testid="organization">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('org.profile')}
      </Typography.Title>
      <ListState loading={loading} error={error} empty={!org} onRetry={() => void refetch()}>
        {org && (
          <>
            <Card style={{ marginBottom: 16 }}>
              <Space wrap style={{ marginBottom: 12 }}>
                <Tag color="red">{org.grade === 'NONE' ? t('org.grade.NONE') : org.grade.replace('A', '') + 'A'}</Tag>
                <Tag>{t(`org.kind.${org.kind}` as const)}</Tag>
                <Typography.Text type="secondary">
                  {t('org.region')}: {org.region.name}
                </Typography.Text>
              </Space>
              {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
              <Form<ProfileValues> form={form} layout="vertical" name="organization" onFinish={onFinish}>
                <Row gutter={16}>
                  <Col xs={24} md={12}>
                    <Form.Item name="name" label={t('org.name')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name="creditCode"
                      label={t('org.creditCode')}
                      validateTrigger="onBlur"
                      rules={[
                        { required: true, message: t('validation.required') },
                        {
                          validator: (_, value: string) => {
                            const problem = value ? creditCodeProblem(value) : null;
                            return problem ? Promise.reject(new Error(t(`validation.creditCode.${problem}` as const))) : Promise.resolve();
                          },
                        },
                      ]}
                    >
                      <Input maxLength={18} spellCheck={false} style={{ textTransform: 'uppercase' }} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="kind" label={t('org.kind')}>
                      <Select options={(['REGISTERED', 'FILED'] as OrganizationKind[]).map((k) => ({ value: k, label: t(`org.kind.${k}` as const) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="categories" label={t('org.categories')}>
                      <Select mode="multiple" options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="legalRepresentative" label={t('org.legalRepresentative')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="contactName" label={t('org.contactName')} rules={[{ required: true, whitespace: true, message: t('validation.required') }]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="contactPhone" label={t('org.contactPhone')} rules={[{ required: true, message: t('validation.required') }]}>
                      <Input inputMode="tel" />
                    </Form.Item>
                  </Col>
                  <Col xs={24}>
                    <Form.Item name="address" label={t('org.address')}>
                      <Input />
                    </Form.Item>
                    <Form.Item name="description" label={t('org.description')}>
                      <Input.TextArea rows={3} />
                    </Form.Item>
                  </Col>
                </Row>
                <Button type="primary" htmlType="submit" loading={updateState.loading}>
                  {t('common.save')}
                </Button>
              </Form>
            </Card>
            <Card
              title={`${t('org.staff')} · ${t('org.staffCount', { n: org.staffCount })}`}
              extra={<Button onClick={() => setAdding(true)}>{t('org.addWorker')}</Button>}
            >
              <Table<SocialWorkerFieldsFragment>
                rowKey="id"
                size="small"
                pagination={false}
                dataSource={org.staff}
                scroll={{ x: true }}
                locale={{ emptyText: t('common.empty') }}
                columns={[
                  { title: t('org.workerName'), dataIndex: 'name' },
                  { title: t('org.workerLevel'), render: (_, w) => t(`workerLevel.${w.level}` as const) },
                  { title: t('org.certificateNumber'), render: (_, w) => w.certificateNumber ?? '—' },
                  {
                    title: t('org.registrationExpires'),
                    render: (_, w) =>
                      w.registrationExpiresOn ? (
                        <Space>
                          {w.registrationExpiresOn}
                          <Tag color={w.registrationValid ? 'green' : 'red'}>{w.registrationValid ? t('org.registrationValid') : t('org.registrationExpired')}</Tag>
                        </Space>
                      ) : (
                        '—'
                      ),
                  },
                ]}
              />
            </Card>
            <AddWorkerModal
              organizationId={org.id}
              open={adding}
              onClose={(added) => {
                setAdding(false);
                if (added) {
                  void message.success(t('org.workerAdded'));
                  void refetch();
                }
              }}
            />
          </>
        )}
      </ListState>
    </div>
  );
}
