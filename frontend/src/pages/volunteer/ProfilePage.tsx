import { useEffect, useState } from 'react';
import { Alert, Button, Card, Descriptions, Form, InputNumber, Result, Select, Tag, Typography, App as AntApp } from 'antd';
import { MyVolunteerProfileDocument, UpdateVolunteerProfileDocument, type ServiceCategory } from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { AvailabilityGrid, type Slot } from '../../components/AvailabilityGrid';
import { RegionSelect } from '../../components/RegionSelect';
import { ListState } from '../../components/ListState';
import { CATEGORIES } from '../../components/enums';
import { LinkButton } from '../../components/LinkButton';
import { useI18n } from '../../i18n';
import { StarCard } from './StarCard';
import { MatchingPreferences } from './MatchingPreferences';
import { required } from '../../validation/rules';

interface Values {
  skills: string[];
  interests: ServiceCategory[];
  availability: Slot[];
  homeRegionId: string;
  maxDistanceKm: number;
}

const FIELDS = ['skills', 'interests', 'availability', 'homeRegionId', 'maxDistanceKm'];

export function ProfilePage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const { data, loading, error, refetch } = useQuery(MyVolunteerProfileDocument, {});
  const [update, updateState] = useMutation(UpdateVolunteerProfileDocument);
  const [form] = Form.useForm<Values>();
  const [general, setGeneral] = useState<string[]>([]);
  const v = data?.myVolunteerProfile;

  useEffect(() => {
    if (v) {
      form.setFieldsValue({
        skills: v.skills,
        interests: v.interests,
        availability: v.availability.map((a) => ({ day: a.day, slot: a.slot })),
        homeRegionId: v.homeRegion?.id,
        maxDistanceKm: v.maxDistanceKm,
      });
    }
  }, [v, form]);

  if (!loading && !error && !v) {
    return (
      <Result
        status="info"
        title={t('profile.notRegistered')}
        extra={
          <LinkButton to="/register" type="primary">
            {t('profile.becomeVolunteer')}
          </LinkButton>
        }
      />
    );
  }

  const onFinish = async (values: Values) => {
    if (!v) return;
    setGeneral([]);
    try {
      const r = (
        await update({
          input: {
            volunteerId: v.id,
            version: v.version,
            skills: values.skills,
            interests: values.interests,
            availability: values.availability,
            homeRegionId: values.homeRegionId,
            maxDistanceKm: values.maxDistanceKm,
          },
        })
      ).updateVolunteerProfile;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, FIELDS));
        return;
      }
      void message.success(t('profile.saved'));
      await refetch();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div data-testid="volunteer-profile">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('profile.title')}
      </Typography.Title>
      <ListState loading={loading} error={error} empty={!v} onRetry={() => void refetch()}>
        {v && (
          <>
            <StarCard totalMinutes={v.totalMinutes} totalHours={v.totalHours} starLevel={v.starLevel} />
            <Card style={{ marginTop: 16 }}>
              <Descriptions column={{ xs: 1, sm: 2 }} size="small">
                <Descriptions.Item label={t('profile.realName')}>
                  {v.realName} {v.isMinor && <Tag color="orange">{t('profile.minor')}</Tag>}
                </Descriptions.Item>
                <Descriptions.Item label={t('profile.number')}>{v.volunteerNumber}</Descriptions.Item>
                <Descriptions.Item label={t('profile.idNumber')}>{v.idNumber}</Descriptions.Item>
                <Descriptions.Item label={t('account.phone')}>{v.phone ?? '—'}</Descriptions.Item>
              </Descriptions>
            </Card>
            <Card style={{ marginTop: 16 }}>
              {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
              <Form<Values> form={form} layout="vertical" name="profile" onFinish={onFinish}>
                <Form.Item name="homeRegionId" label={t('profile.homeRegion')} rules={[required(t)]}>
                  <RegionSelect level="COMMUNITY" initialLabel={v.homeRegion?.name} />
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
                <Button type="primary" htmlType="submit" loading={updateState.loading}>
                  {t('common.save')}
                </Button>
              </Form>
            </Card>
            <MatchingPreferences onChanged={() => void refetch()} />
          </>
        )}
      </ListState>
    </div>
  );
}
