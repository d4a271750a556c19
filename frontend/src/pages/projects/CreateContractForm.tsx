import { useState } from 'react';
import { Alert, Button, Card, Col, DatePicker, Form, Input, InputNumber, Row, Space, Typography, App as AntApp } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import dayjs, { type Dayjs } from 'dayjs';
import { CreateContractDocument, type ProjectFieldsFragment } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { MoneyInput, fenToYuanText, moneyRules } from '../../components/MoneyInput';
import { yuanToFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { required, requiredText } from '../../validation/rules';

interface Values {
  amountFen: string;
  startDate: Dayjs;
  endDate: Dayjs;
  milestones: { title: string; share: number; dueDate: Dayjs; plannedServiceHours?: number }[];
}

/** The bureau signs the contract from the award: amount, period, milestones whose shares make 100%. */
export function CreateContractForm({ project, onDone }: { project: ProjectFieldsFragment; onDone: () => void }) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [create, { loading }] = useMutation(CreateContractDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const milestones = Form.useWatch('milestones', form);
  const total = (milestones ?? []).reduce((n, m) => n + (m?.share ?? 0), 0);
  const start = dayjs(project.serviceStart);
  const end = dayjs(project.serviceEnd);
  const middle = start.add(end.diff(start, 'day') / 2, 'day');

  const onFinish = async (v: Values) => {
    if (total !== 100) return;
    setGeneral([]);
    try {
      const r = (
        await create({
          input: {
            projectId: project.id,
            amountFen: yuanToFen(v.amountFen) ?? 0,
            startDate: v.startDate.format('YYYY-MM-DD'),
            endDate: v.endDate.format('YYYY-MM-DD'),
            milestones: v.milestones.map((m) => ({
              title: m.title,
              shareBp: Math.round(m.share * 100),
              dueDate: m.dueDate.format('YYYY-MM-DD'),
              plannedServiceHours: m.plannedServiceHours ?? 0,
            })),
          },
        })
      ).createContract;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['amountFen', 'startDate', 'endDate', 'milestones']));
        return;
      }
      void message.success(t('contract.created'));
      onDone();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <Card title={t('contract.create')} style={{ marginTop: 16 }} data-testid="create-contract">
      {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        name="contract"
        onFinish={onFinish}
        initialValues={{
          amountFen: project.award ? fenToYuanText(project.award.priceFen) : '',
          startDate: start,
          endDate: end,
          milestones: [
            { title: '中期', share: 50, dueDate: middle },
            { title: '终期', share: 50, dueDate: end },
          ],
        }}
      >
        <Space wrap>
          <Form.Item name="amountFen" label={t('contract.amount')} rules={moneyRules(t)}>
            <MoneyInput />
          </Form.Item>
          <Form.Item name="startDate" label={t('project.serviceStart')} rules={[required(t)]}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="endDate" label={t('project.serviceEnd')} rules={[required(t)]}>
            <DatePicker />
          </Form.Item>
        </Space>
        <Typography.Title level={5}>{t('contract.milestones')}</Typography.Title>
        <Form.List name="milestones">
          {(fields, { add, remove }) => (
            <>
              {fields.map((field, i) => (
                <Row key={field.key} gutter={8}>
                  <Col flex="auto">
                    <Form.Item name={[field.name, 'title']} label={`${t('contract.milestone')} ${i + 1}`} rules={[requiredText(t)]}>
                      <Input />
                    </Form.Item>
                  </Col>
                  <Col>
                    <Form.Item name={[field.name, 'share']} label={`${t('contract.share')} ${i + 1}`} rules={[required(t)]}>
                      <InputNumber min={1} max={100} />
                    </Form.Item>
                  </Col>
                  <Col>
                    <Form.Item name={[field.name, 'dueDate']} label={`${t('contract.dueDate')} ${i + 1}`} rules={[required(t)]}>
                      <DatePicker />
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
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ title: '', share: 0, dueDate: end })}>
                {t('contract.addMilestone')}
              </Button>
            </>
          )}
        </Form.List>
        <div role="status" aria-live="polite" style={{ margin: '12px 0' }}>
          {total === 100 ? (
            <Alert type="success" showIcon message={t('project.weightsTotal', { total })} />
          ) : (
            <Alert type="error" showIcon message={t('contract.sharesMustBe100', { total })} />
          )}
        </div>
        <Button type="primary" htmlType="submit" loading={loading}>
          {t('contract.create')}
        </Button>
      </Form>
    </Card>
  );
}
