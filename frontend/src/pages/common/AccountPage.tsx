import { useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, Input, List, Typography, message } from 'antd';
import { ChangePasswordDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { grantLabel } from '../../shell/RoleSwitch';

interface PasswordValues {
  oldPassword: string;
  newPassword: string;
  again: string;
}

export function AccountPage() {
  const { t, locale } = useI18n();
  const { me } = useSession();
  const [form] = Form.useForm<PasswordValues>();
  const [change, { loading }] = useMutation(ChangePasswordDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const [api, holder] = message.useMessage();
  if (!me) return null;

  const onFinish = async (values: PasswordValues) => {
    setGeneral([]);
    try {
      const result = await change({ input: { oldPassword: values.oldPassword, newPassword: values.newPassword } });
      if (result.changePassword.errors.length) {
        setGeneral(applyUserErrors(form, result.changePassword.errors, locale, ['oldPassword', 'newPassword']));
        return;
      }
      form.resetFields();
      void api.success(t('account.passwordChanged'));
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

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
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={onFinish} style={{ maxWidth: 400 }} name="changePassword">
          <Form.Item name="oldPassword" label={t('account.oldPassword')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
          <Form.Item name="newPassword" label={t('account.newPassword')} rules={[{ required: true, message: t('validation.required') }]}>
            <Input.Password autoComplete="new-password" />
          </Form.Item>
          <Form.Item
            name="again"
            label={t('account.newPasswordAgain')}
            dependencies={['newPassword']}
            rules={[
              { required: true, message: t('validation.required') },
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
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('common.save')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
