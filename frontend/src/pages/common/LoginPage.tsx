import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, UserOutlined } from '@ant-design/icons';
import { LoginDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';

interface LoginValues {
  login: string;
  password: string;
}

export function LoginPage() {
  const { t, locale } = useI18n();
  const { me, refresh } = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [form] = Form.useForm<LoginValues>();
  const [login, { loading }] = useMutation(LoginDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const from = (location.state as { from?: string } | null)?.from ?? '/app';

  if (me) return <Navigate to={from} replace />;

  const onFinish = async (values: LoginValues) => {
    setGeneral([]);
    try {
      const result = await login({ input: { login: values.login.trim(), password: values.password } });
      if (result.login.errors.length > 0) {
        setGeneral(applyUserErrors(form, result.login.errors, locale, ['login', 'password']));
        return;
      }
      await refresh();
      navigate(from, { replace: true });
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div style={{ display: 'flex', justifyContent: 'center', paddingTop: 32 }}>
      <Card style={{ width: '100%', maxWidth: 400 }}>
        <Typography.Title level={2} style={{ marginTop: 0 }}>
          {t('login.title')}
        </Typography.Title>
        {general.length > 0 && <Alert type="error" showIcon role="alert" message={general.join('；')} style={{ marginBottom: 16 }} />}
        <Form form={form} layout="vertical" onFinish={onFinish} requiredMark={false} name="login">
          <Form.Item name="login" label={t('login.login')} rules={[{ required: true, whitespace: true, message: t('login.required') }]}>
            <Input prefix={<UserOutlined aria-hidden />} placeholder={t('login.loginPlaceholder')} autoComplete="username" size="large" />
          </Form.Item>
          <Form.Item name="password" label={t('login.password')} rules={[{ required: true, message: t('login.required') }]}>
            <Input.Password prefix={<LockOutlined aria-hidden />} autoComplete="current-password" size="large" />
          </Form.Item>
          <Button type="primary" htmlType="submit" block size="large" loading={loading}>
            {t('login.submit')}
          </Button>
        </Form>
      </Card>
    </div>
  );
}
