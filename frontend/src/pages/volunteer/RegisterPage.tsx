import { useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Checkbox, Form, Input, InputNumber, Select, Typography, App as AntApp } from 'antd';
import dayjs from 'dayjs';
import { BecomeVolunteerDocument, RegisterVolunteerDocument, type ServiceCategory } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { AvailabilityGrid, type Slot } from '../../components/AvailabilityGrid';
import { RegionSelect } from '../../components/RegionSelect';
import { CATEGORIES } from '../../components/enums';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { ageOn, idNumberProblem } from '../../validation/idNumber';
import { isMobilePhone } from '../../validation/phone';
import { required, requiredText } from '../../validation/rules';

interface Values {
  realName: string;
  idNumber: string;
  phone?: string;
  password?: string;
  homeRegionId: string;
  skills: string[];
  interests: ServiceCategory[];
  availability: Slot[];
  maxDistanceKm: number;
  guardianConsent: boolean;
}

const FIELDS = [
  'realName',
  'idNumber',
  'phone',
  'password',
  'homeRegionId',
  'skills',
  'interests',
  'availability',
  'maxDistanceKm',
  'guardianConsent',
];

/** Real-name volunteer registration: a new account (phone + password), or an existing login. */
export function RegisterPage() {
  const { t, locale } = useI18n();
  const { me, refresh, setActiveGrant } = useSession();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [register, registerState] = useMutation(RegisterVolunteerDocument);
  const [become, becomeState] = useMutation(BecomeVolunteerDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const idNumber = Form.useWatch('idNumber', form) ?? '';
  const isMinor = idNumberProblem(idNumber) === null && ageOn(idNumber.trim(), dayjs().format('YYYY-MM-DD')) < 18;

  const onFinish = async (v: Values) => {
    setGeneral([]);
    const common = {
      realName: v.realName.trim(),
      idNumber: v.idNumber.trim().toUpperCase(),
      homeRegionId: v.homeRegionId,
      skills: v.skills ?? [],
      interests: v.interests ?? [],
      availability: v.availability ?? [],
      maxDistanceKm: v.maxDistanceKm ?? 5,
      guardianConsent: Boolean(v.guardianConsent),
    };
    try {
      let errors;
      if (me) {
        errors = (await become({ input: common })).becomeVolunteer.errors;
      } else {
        errors = (await register({ input: { ...common, phone: (v.phone ?? '').trim(), password: v.password ?? '' } })).registerVolunteer
          .errors;
      }
      if (errors.length) {
        setGeneral(applyUserErrors(form, errors, locale, FIELDS));
        return;
      }
      const account = await refresh();
      const grant = account?.grants.find((g) => g.role === 'VOLUNTEER');
      if (grant) setActiveGrant(grant.id);
      void message.success(t('profile.registered'));
      navigate('/app');
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div style={{ maxWidth: 640, margin: '0 auto' }}>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('profile.register')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('profile.registerIntro')}</Typography.Paragraph>
      <Card>
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 16 }} />}
        <Form<Values>
          form={form}
          name="register"
          layout="vertical"
          onFinish={onFinish}
          initialValues={{ skills: [], interests: [], availability: [], maxDistanceKm: 5, guardianConsent: false }}
        >
          <Form.Item name="realName" label={t('profile.realName')} rules={[requiredText(t)]}>
            <Input autoComplete="name" />
          </Form.Item>
          <Form.Item
            name="idNumber"
            label={t('profile.idNumber')}
            validateTrigger="onBlur"
            rules={[
              required(t),
              {
                validator: (_, value: string) => {
                  if (!value) return Promise.resolve();
                  const problem = idNumberProblem(value);
                  return problem ? Promise.reject(new Error(t(`validation.idNumber.${problem}` as const))) : Promise.resolve();
                },
              },
            ]}
          >
            <Input maxLength={18} autoComplete="off" spellCheck={false} />
          </Form.Item>
          {!me && (
            <>
              <Form.Item
                name="phone"
                label={t('profile.phone')}
                validateTrigger="onBlur"
                rules={[
                  required(t),
                  {
                    validator: (_, v: string) =>
                      !v || isMobilePhone(v) ? Promise.resolve() : Promise.reject(new Error(t('validation.phone'))),
                  },
                ]}
              >
                <Input inputMode="numeric" autoComplete="tel" maxLength={11} />
              </Form.Item>
              <Form.Item name="password" label={t('profile.password')} rules={[required(t)]}>
                <Input.Password autoComplete="new-password" />
              </Form.Item>
            </>
          )}
          <Form.Item name="homeRegionId" label={t('profile.homeRegion')} rules={[required(t)]}>
            <RegionSelect level="COMMUNITY" />
          </Form.Item>
          <Form.Item name="skills" label={t('profile.skills')} extra={t('profile.skillsHint')}>
            <Select mode="tags" tokenSeparators={[',', '，', ' ']} open={false} suffixIcon={null} />
          </Form.Item>
          <Form.Item name="interests" label={t('profile.interests')}>
            <Select mode="multiple" options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
          </Form.Item>
          <Form.Item name="availability" label={t('profile.availability')}>
            <AvailabilityGrid />
          </Form.Item>
          <Form.Item name="maxDistanceKm" label={t('profile.maxDistance')}>
            <InputNumber min={1} max={100} />
          </Form.Item>
          {isMinor && (
            <Form.Item name="guardianConsent" valuePropName="checked">
              <Checkbox>{t('profile.guardianConsent')}</Checkbox>
            </Form.Item>
          )}
          <Button type="primary" htmlType="submit" block size="large" loading={registerState.loading || becomeState.loading}>
            {me ? t('profile.becomeVolunteer') : t('common.submit')}
          </Button>
          {!me && (
            <div style={{ textAlign: 'center', marginTop: 12 }}>
              <Link to="/login">{t('profile.haveAccount')}</Link>
            </div>
          )}
        </Form>
      </Card>
    </div>
  );
}
