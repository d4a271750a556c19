import { useEffect, useState } from 'react';
import { Alert, Button, Card, Col, Form, Input, Modal, Popconfirm, Row, Select, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import {
  CreateSocialWorkerDocument,
  InviteStaffMemberDocument,
  OrganizationDetailDocument,
  OrganizationStaffInvitationsDocument,
  RemoveStaffMemberDocument,
  UpdateOrganizationDocument,
  type OrganizationKind,
  type ServiceCategory,
  type SocialWorkerFieldsFragment,
  type StaffInvitationFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { CATEGORIES } from '../../components/enums';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { creditCodeProblem } from '../../validation/creditCode';
import { isMobilePhone } from '../../validation/phone';
import { formatDateTime } from '../../components/format';
import { errorMessage } from '../../errors/catalogue';
import { required, requiredText } from '../../validation/rules';

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

// The legal representative is a registration fact (the bureau's): shown, never sent.
const PROFILE_FIELDS = ['name', 'creditCode', 'kind', 'categories', 'contactName', 'contactPhone', 'address', 'description'];

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
          },
        })
      ).createSocialWorker;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['name', 'password', 'phone']));
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
      title={t('org.createWorker')}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph type="secondary">{t('org.qualificationByBureau')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="addWorker">
        <Form.Item name="name" label={t('org.workerName')} rules={[requiredText(t)]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('account.phone')}
          rules={[{ validator: (_, v) => (!v || isMobilePhone(v) ? Promise.resolve() : Promise.reject(new Error(t('validation.phone')))) }]}
        >
          <Input inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[required(t)]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Invite an existing worker by login phone and name: they join when they accept. */
function InviteWorkerModal({
  organizationId,
  open,
  onClose,
}: {
  organizationId: string;
  open: boolean;
  onClose: (invited: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [invite, { loading }] = useMutation(InviteStaffMemberDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (await invite({ input: { organizationId, phone: v.phone.trim(), name: v.name.trim() } })).addStaffMember;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['name', 'phone']));
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
      title={t('org.inviteWorker')}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Typography.Paragraph type="secondary">{t('org.inviteHint')}</Typography.Paragraph>
      <Form form={form} layout="vertical" name="inviteWorker">
        <Form.Item
          name="phone"
          label={t('account.phone')}
          rules={[
            required(t),
            { validator: (_, v) => (!v || isMobilePhone(v) ? Promise.resolve() : Promise.reject(new Error(t('validation.phone')))) },
          ]}
        >
          <Input inputMode="numeric" maxLength={11} />
        </Form.Item>
        <Form.Item name="name" label={t('org.workerName')} rules={[requiredText(t)]}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** Invitations the organization has sent and the workers have not answered yet. */
function PendingInvitations({ organizationId, refreshKey }: { organizationId: string; refreshKey: number }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const { data, refetch } = useQuery(OrganizationStaffInvitationsDocument, { id: organizationId });
  const [withdraw] = useMutation(RemoveStaffMemberDocument);
  useEffect(() => {
    if (refreshKey) void refetch();
  }, [refreshKey, refetch]);
  const invitations = data?.node?.__typename === 'Organization' ? data.node.staffInvitations : [];
  if (!invitations.length) return null;
  const onWithdraw = async (inv: StaffInvitationFieldsFragment) => {
    try {
      const r = (await withdraw({ input: { organizationId, socialWorkerId: inv.socialWorkerId } })).removeStaffMember;
      if (r.errors.length) void message.error(r.errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
      else void message.success(t('org.invitationWithdrawn'));
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await refetch();
  };
  return (
    <Card title={t('org.invitations')} style={{ marginTop: 16 }} data-testid="staff-invitations">
      <Table<StaffInvitationFieldsFragment>
        rowKey="id"
        size="small"
        pagination={false}
        dataSource={invitations}
        columns={[
          { title: t('org.workerName'), dataIndex: 'socialWorkerName' },
          { title: t('org.invitedAt'), render: (_, inv) => formatDateTime(inv.invitedAt) },
          {
            title: '',
            render: (_, inv) => (
              <Popconfirm
                title={t('org.withdrawInvitation')}
                onConfirm={() => void onWithdraw(inv)}
                okText={t('common.submit')}
                cancelText={t('common.cancel')}
              >
                <Button size="small">{t('org.withdrawInvitation')}</Button>
              </Popconfirm>
            ),
          },
        ]}
      />
    </Card>
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
  const [inviting, setInviting] = useState(false);
  const [invitedCount, setInvitedCount] = useState(0);
  const org = data?.node?.__typename === 'Organization' ? data.node : null;

  useEffect(() => {
    if (org) form.setFieldsValue({ ...org, categories: org.categories });
  }, [org, form]);

  const onFinish = async (v: ProfileValues) => {
    if (!org) return;
    setGeneral([]);
    try {
      const { legalRepresentative: _registered, ...changes } = v;
      const r = (
        await update({ input: { organizationId: org.id, version: org.version, ...changes, creditCode: v.creditCode.trim().toUpperCase() } })
      ).updateOrganization;
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
                    <Form.Item name="name" label={t('org.name')} rules={[requiredText(t)]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item
                      name="creditCode"
                      label={t('org.creditCode')}
                      validateTrigger="onBlur"
                      rules={[
                        required(t),
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
                      <Select
                        options={(['REGISTERED', 'FILED'] as OrganizationKind[]).map((k) => ({
                          value: k,
                          label: t(`org.kind.${k}` as const),
                        }))}
                      />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={12}>
                    <Form.Item name="categories" label={t('org.categories')}>
                      <Select mode="multiple" options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="legalRepresentative" label={t('org.legalRepresentative')} extra={t('org.registrationFact')}>
                      <Input disabled />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="contactName" label={t('org.contactName')} rules={[requiredText(t)]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col xs={24} md={8}>
                    <Form.Item name="contactPhone" label={t('org.contactPhone')} rules={[required(t)]}>
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
              extra={
                <Space>
                  <Button onClick={() => setInviting(true)}>{t('org.inviteWorker')}</Button>
                  <Button onClick={() => setAdding(true)}>{t('org.createWorker')}</Button>
                </Space>
              }
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
                          <Tag color={w.registrationValid ? 'green' : 'red'}>
                            {w.registrationValid ? t('org.registrationValid') : t('org.registrationExpired')}
                          </Tag>
                        </Space>
                      ) : (
                        '—'
                      ),
                  },
                ]}
              />
            </Card>
            <PendingInvitations organizationId={org.id} refreshKey={invitedCount} />
            <InviteWorkerModal
              organizationId={org.id}
              open={inviting}
              onClose={(invited) => {
                setInviting(false);
                if (invited) {
                  void message.success(t('org.invited'));
                  setInvitedCount((n) => n + 1);
                }
              }}
            />
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
