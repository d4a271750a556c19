import { useState } from 'react';
import { Alert, Button, Form, Input, Modal, Select, Space, Table, Tag, Typography, message } from 'antd';
import {
  AccountsDocument,
  CreateAccountDocument,
  GrantRoleDocument,
  RegionsDocument,
  type AccountsQuery,
  type Role,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { useI18n } from '../../i18n';
import { grantLabel } from '../../shell/RoleSwitch';
import { isMobilePhone } from '../../validation/phone';
import { required } from '../../validation/rules';

type AccountRow = AccountsQuery['accounts']['nodes'][number];
const ROLES: Role[] = [
  'COMMUNITY_STAFF',
  'ORG_ADMIN',
  'SOCIAL_WORKER',
  'VOLUNTEER',
  'BUREAU_OFFICER',
  'AUDITOR',
  'EXPERT',
  'PLATFORM_ADMIN',
];

function CreateAccountModal({ open, onClose, onDone }: { open: boolean; onClose: () => void; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [create, { loading }] = useMutation(CreateAccountDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    const values = await form.validateFields();
    setGeneral([]);
    try {
      const result = await create({
        input: {
          displayName: values.displayName,
          password: values.password,
          username: values.username || null,
          phone: values.phone || null,
        },
      });
      if (result.createAccount.errors.length) {
        setGeneral(applyUserErrors(form, result.createAccount.errors, locale, ['displayName', 'password', 'username', 'phone']));
        return;
      }
      form.resetFields();
      onDone();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={open}
      title={t('admin.createAccount')}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="createAccount">
        <Form.Item name="displayName" label={t('account.displayName')} rules={[required(t)]}>
          <Input />
        </Form.Item>
        <Form.Item name="username" label={t('account.username')}>
          <Input autoComplete="off" />
        </Form.Item>
        <Form.Item
          name="phone"
          label={t('account.phone')}
          rules={[{ validator: (_, v) => (!v || isMobilePhone(v) ? Promise.resolve() : Promise.reject(new Error(t('validation.phone')))) }]}
        >
          <Input inputMode="numeric" />
        </Form.Item>
        <Form.Item name="password" label={t('login.password')} rules={[required(t)]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}

function GrantRoleModal({ account, onClose, onDone }: { account: AccountRow | null; onClose: () => void; onDone: () => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [grant, { loading }] = useMutation(GrantRoleDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const [regionText, setRegionText] = useState('');
  const regions = useQuery(RegionsDocument, { text: regionText || null, first: 20 }, { skip: !account });
  const submit = async () => {
    if (!account) return;
    const values = await form.validateFields();
    setGeneral([]);
    try {
      const result = await grant({
        input: {
          accountId: account.id,
          role: values.role,
          regionId: values.regionId ?? null,
          organizationId: values.organizationId || null,
        },
      });
      if (result.grantRole.errors.length) {
        setGeneral(applyUserErrors(form, result.grantRole.errors, locale, ['role', 'regionId', 'organizationId']));
        return;
      }
      form.resetFields();
      onDone();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={Boolean(account)}
      title={`${t('admin.grantRole')} · ${account?.displayName ?? ''}`}
      onCancel={onClose}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="grantRole">
        <Form.Item name="role" label={t('shell.role')} rules={[required(t)]}>
          <Select options={ROLES.map((r) => ({ value: r, label: t(`role.${r}` as const) }))} />
        </Form.Item>
        <Form.Item name="regionId" label={t('admin.region')}>
          <Select
            showSearch
            allowClear
            filterOption={false}
            onSearch={setRegionText}
            loading={regions.loading}
            options={(regions.data?.regions.nodes ?? []).map((r) => ({ value: r.id, label: `${r.name}（${r.code}）` }))}
          />
        </Form.Item>
        <Form.Item name="organizationId" label={t('admin.organizationId')}>
          <Input />
        </Form.Item>
      </Form>
    </Modal>
  );
}

export function AccountsPage() {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const [creating, setCreating] = useState(false);
  const [granting, setGranting] = useState<AccountRow | null>(null);
  const [api, holder] = message.useMessage();
  const list = usePaged(AccountsDocument, { first: 50, text: text || null }, (d) => d.accounts);
  return (
    <div>
      {holder}
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('admin.accounts')}
        </Typography.Title>
        <Button type="primary" onClick={() => setCreating(true)}>
          {t('admin.createAccount')}
        </Button>
      </Space>
      <Input.Search
        aria-label={t('admin.searchAccounts')}
        placeholder={t('admin.searchAccounts')}
        allowClear
        onSearch={setText}
        style={{ maxWidth: 360, marginBottom: 16 }}
      />
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<AccountRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('account.displayName'), dataIndex: 'displayName' },
            { title: t('account.username'), dataIndex: 'username', render: (v) => v ?? '—' },
            { title: t('account.phone'), dataIndex: 'phone', render: (v) => v ?? '—' },
            {
              title: t('admin.status'),
              dataIndex: 'status',
              render: (s: AccountRow['status']) => <Tag color={s === 'ACTIVE' ? 'green' : 'default'}>{t(`status.${s}` as const)}</Tag>,
            },
            { title: t('account.grants'), render: (_, a) => a.grants.map((g) => <Tag key={g.id}>{grantLabel(g, t)}</Tag>) },
            {
              title: t('common.actions'),
              render: (_, a) => (
                <Button size="small" onClick={() => setGranting(a)}>
                  {t('admin.grantRole')}
                </Button>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <CreateAccountModal
        open={creating}
        onClose={() => setCreating(false)}
        onDone={() => {
          setCreating(false);
          void api.success(t('admin.accountCreated'));
          void list.reload();
        }}
      />
      <GrantRoleModal
        account={granting}
        onClose={() => setGranting(null)}
        onDone={() => {
          setGranting(null);
          void api.success(t('admin.roleGranted'));
          void list.reload();
        }}
      />
    </div>
  );
}
