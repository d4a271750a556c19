import { useState } from 'react';
import { useNavigate } from 'react-router-dom';
import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Select, Space, Typography, App as AntApp } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { ContractOptionsDocument, CreateActivityDocument, type ServiceCategory } from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { RegionSelect } from '../../components/RegionSelect';
import { CATEGORIES } from '../../components/enums';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { required, requiredText } from '../../validation/rules';

interface ShiftValues {
  startsAt: Dayjs;
  endsAt: Dayjs;
  capacity: number;
}

interface Values {
  title: string;
  category: ServiceCategory;
  regionId?: string;
  projectId?: string;
  placeName: string;
  description: string;
  latitude?: number | null;
  longitude?: number | null;
  checkinRadiusM?: number | null;
  requiredSkills: string[];
  minAge: number;
  shifts: ShiftValues[];
}

const FIELDS = [
  'title',
  'category',
  'regionId',
  'projectId',
  'placeName',
  'description',
  'latitude',
  'longitude',
  'checkinRadiusM',
  'requiredSkills',
  'minAge',
  'shifts',
];

/**
 * Create an activity with its shifts: community staff for a community, social workers for a
 * project their organization runs (from its contracts).
 */
export function CreateActivityPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const navigate = useNavigate();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [create, { loading }] = useMutation(CreateActivityDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const forProject = activeGrant?.role === 'SOCIAL_WORKER';
  const contracts = useQuery(ContractOptionsDocument, { first: 50 }, { skip: !forProject });
  const start = dayjs().add(1, 'day').hour(9).minute(0).second(0).millisecond(0);

  const useMyLocation = () => {
    navigator.geolocation?.getCurrentPosition((p) => {
      form.setFieldsValue({ latitude: Number(p.coords.latitude.toFixed(6)), longitude: Number(p.coords.longitude.toFixed(6)) });
    });
  };

  const onFinish = async (v: Values) => {
    setGeneral([]);
    try {
      const r = (
        await create({
          input: {
            title: v.title.trim(),
            category: v.category,
            regionId: forProject ? null : (v.regionId ?? null),
            projectId: forProject ? (v.projectId ?? null) : null,
            placeName: v.placeName.trim(),
            description: v.description ?? '',
            latitude: v.latitude ?? null,
            longitude: v.longitude ?? null,
            checkinRadiusM: v.checkinRadiusM ?? null,
            requiredSkills: v.requiredSkills ?? [],
            minAge: v.minAge ?? 0,
            shifts: v.shifts.map((s) => ({ startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), capacity: s.capacity })),
          },
        })
      ).createActivity;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, FIELDS));
        return;
      }
      void message.success(t('activity.created'));
      navigate('/app/activities');
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div style={{ maxWidth: 760 }}>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('activity.create')}
      </Typography.Title>
      <Card>
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 16 }} />}
        <Form<Values>
          form={form}
          layout="vertical"
          name="createActivity"
          onFinish={onFinish}
          initialValues={{
            requiredSkills: [],
            minAge: 0,
            description: '',
            shifts: [{ startsAt: start, endsAt: start.add(3, 'hour'), capacity: 10 }],
          }}
        >
          <Form.Item name="title" label={t('activity.title')} rules={[requiredText(t)]}>
            <Input maxLength={100} />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} sm={12}>
              <Form.Item name="category" label={t('activity.category')} rules={[required(t)]}>
                <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={12}>
              {forProject ? (
                <Form.Item name="projectId" label={t('bid.project')} rules={[required(t)]}>
                  <Select
                    loading={contracts.loading}
                    options={(contracts.data?.contracts.nodes ?? [])
                      .filter((c) => c.status === 'ACTIVE')
                      .map((c) => ({ value: c.projectId, label: c.projectTitle ?? c.projectId }))}
                  />
                </Form.Item>
              ) : (
                <Form.Item name="regionId" label={t('activity.community')} rules={[required(t)]}>
                  <RegionSelect level="COMMUNITY" under={activeGrant?.region?.level === 'COMMUNITY' ? null : activeGrant?.region?.id} />
                </Form.Item>
              )}
            </Col>
          </Row>
          <Form.Item name="placeName" label={t('activity.place')} rules={[requiredText(t)]}>
            <Input />
          </Form.Item>
          <Typography.Paragraph type="secondary">{t('activity.coordinatesHint')}</Typography.Paragraph>
          <Row gutter={16} align="bottom">
            <Col xs={12} sm={7}>
              <Form.Item name="latitude" label={t('activity.latitude')}>
                <InputNumber min={-90} max={90} step={0.000001} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={7}>
              <Form.Item name="longitude" label={t('activity.longitude')}>
                <InputNumber min={-180} max={180} step={0.000001} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={5}>
              <Form.Item name="checkinRadiusM" label={t('activity.radius')}>
                <InputNumber min={10} max={5000} style={{ width: '100%' }} />
              </Form.Item>
            </Col>
            <Col xs={12} sm={5}>
              <Form.Item>
                <Button onClick={useMyLocation}>{t('activity.useMyLocation')}</Button>
              </Form.Item>
            </Col>
          </Row>
          <Form.Item name="description" label={t('activity.description')}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Row gutter={16}>
            <Col xs={24} sm={16}>
              <Form.Item name="requiredSkills" label={t('activity.skills')} extra={t('profile.skillsHint')}>
                <Select mode="tags" open={false} suffixIcon={null} tokenSeparators={[',', '，']} />
              </Form.Item>
            </Col>
            <Col xs={24} sm={8}>
              <Form.Item name="minAge" label={t('activity.minAge')}>
                <InputNumber min={0} max={80} />
              </Form.Item>
            </Col>
          </Row>
          <Typography.Title level={5}>{t('activity.shifts')}</Typography.Title>
          <Form.List name="shifts">
            {(fields, { add, remove }) => (
              <>
                {fields.map((field, index) => (
                  <Space key={field.key} align="start" wrap style={{ display: 'flex', marginBottom: 8 }}>
                    <Form.Item name={[field.name, 'startsAt']} label={`${t('activity.shiftStart')} ${index + 1}`} rules={[required(t)]}>
                      <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
                    </Form.Item>
                    <Form.Item
                      name={[field.name, 'endsAt']}
                      label={`${t('activity.shiftEnd')} ${index + 1}`}
                      dependencies={[['shifts', field.name, 'startsAt']]}
                      rules={[
                        required(t),
                        ({ getFieldValue }) => ({
                          validator: (_, value: Dayjs | undefined) => {
                            const begin: Dayjs | undefined = getFieldValue(['shifts', field.name, 'startsAt']);
                            return !value || !begin || value.isAfter(begin)
                              ? Promise.resolve()
                              : Promise.reject(new Error(t('activity.shiftEnd')));
                          },
                        }),
                      ]}
                    >
                      <DatePicker showTime={{ format: 'HH:mm' }} format="YYYY-MM-DD HH:mm" />
                    </Form.Item>
                    <Form.Item name={[field.name, 'capacity']} label={`${t('activity.capacity')} ${index + 1}`} rules={[required(t)]}>
                      <InputNumber min={1} max={1000} />
                    </Form.Item>
                    {fields.length > 1 && (
                      <Button
                        type="text"
                        aria-label={t('activity.removeShift')}
                        icon={<MinusCircleOutlined />}
                        onClick={() => remove(field.name)}
                        style={{ marginTop: 30 }}
                      />
                    )}
                  </Space>
                ))}
                <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ capacity: 10 })}>
                  {t('activity.addShift')}
                </Button>
              </>
            )}
          </Form.List>
          <div style={{ marginTop: 24 }}>
            <Button type="primary" htmlType="submit" loading={loading} size="large">
              {t('activity.create')}
            </Button>
          </div>
        </Form>
      </Card>
    </div>
  );
}
