import { Alert, Button, Card, Descriptions, Form, Input, List, Typography, message } from 'antd';
import { ChangePasswordDocument } from '../../api/generated';
import { useFormMutation } from '../../api/useFormMutation';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { grantLabel } from '../../shell/RoleSwitch';
import { required } from '../../validation/rules';

interface PasswordValues {
  oldPassword: string;
  newPassword: string;
  again: string;
}

export function AccountPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const [form] = Form.useForm<PasswordValues>();
  const [api, holder] = message.useMessage();
  const change = useFormMutation(ChangePasswordDocument, {
    form,
    fields: ['oldPassword', 'newPassword'],
    payload: (data) => data.changePassword,
    onSuccess: () => {
      form.resetFields();
      void api.success(t('account.passwordChanged'));
    },
  });
  if (!me) return null;

  const onFinish = (values: PasswordValues) =>
    change.submit({ input: { oldPassword: values.oldPassword, newPassword: values.newPassword } });

  return (
    <div>
      {holder}
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('account.title')}
      </Typography.Title>
      <Card title={t('account.profile')} style={{ marginBottom: 16 }}>
        <Descriptions column={1}>
          <Descriptions.Item label={t('account.displayName')}>{me.displayName}</Descriptions.Item>
          <Descriptions.Item label={t('account.username')}>{me.username ?? '—'}</Descriptions.Item>
          <Descriptions.Item label={t('account.phone')}>{me.phone ?? '—'}</Descriptions.Item>
        </Descriptions>
      </Card>
      <Card title={t('account.grants')} style={{ marginBottom: 16 }}>
        <List dataSource={me.grants} renderItem={(g) => <List.Item>{grantLabel(g, t)}</List.Item>} />
      </Card>
      <Card title={t('account.changePassword')}>
        {change.general.length > 0 && (
          <Alert type="error" role="alert" showIcon message={change.general.join('；')} style={{ marginBottom: 16 }} />
        )}
        <Form form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 400 }} name="changePassword">
          <Form.Item name="oldPassword" label={t('account.oldPassword')} rules={[required(t)]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="newPassword" label={t('account.newPassword')} rules={[required(t)]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="again"
            label={t('account.newPasswordAgain')}
            dependencies={['newPassword']}
            rules={[
              required(t),
              ({ getFieldValue }) => ({
                validator: (_, value) =>
                  !value || getFieldValue('newPassword') === value
                    ? Promise.resolve()
                    : Promise.reject(new Error(t('account.passwordMismatch'))),
              }),
            ]}
          >
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={change.loading}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
