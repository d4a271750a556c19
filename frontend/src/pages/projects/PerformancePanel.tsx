import { useState } from 'react';
import { Alert, Button, Card, Col, Descriptions, Form, Input, InputNumber, Popconfirm, Row, Typography, App as AntApp } from 'antd';
import { CompleteProjectDocument, EvaluatePerformanceDocument, type ProjectFieldsFragment } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { requiredText } from '../../validation/rules';

interface Values {
  criteria: { name: string; score: number; max: number }[];
  comments: string;
}

/** Completion (bureau) and the final performance evaluation (绩效评价), criteria maxima summing to 100. */
export function PerformancePanel({ project, onChanged }: { project: ProjectFieldsFragment; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const [form] = Form.useForm<Values>();
  const [complete, completeState] = useMutation(CompleteProjectDocument);
  const [evaluate, evaluateState] = useMutation(EvaluatePerformanceDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const criteria = Form.useWatch('criteria', form);
  const total = (criteria ?? []).reduce((n, c) => n + (c?.max ?? 0), 0);
  const isBureau = activeGrant?.role === 'BUREAU_OFFICER';
  const evaluation = project.performanceEvaluation;

  if (evaluation) {
    return (
      <Card title={t('perf.title')} style={{ marginTop: 16 }}>
        <Typography.Title level={3} style={{ marginTop: 0 }}>
          {evaluation.score} / 100
        </Typography.Title>
        <Descriptions size="small" column={{ xs: 1, sm: 2 }}>
          {evaluation.criteria.map((c) => (
            <Descriptions.Item key={c.name} label={c.name}>
              {c.score} / {c.max}
            </Descriptions.Item>
          ))}
        </Descriptions>
        {evaluation.comments && <Typography.Paragraph>{evaluation.comments}</Typography.Paragraph>}
      </Card>
    );
  }
  if (!isBureau) return null;

  if (project.status === 'IN_PROGRESS') {
    return (
      <Card style={{ marginTop: 16 }}>
        <Popconfirm
          title={t('project.complete')}
          okText={t('common.confirm')}
          cancelText={t('common.cancel')}
          onConfirm={async () => {
            try {
              const r = (await complete({ input: { projectId: project.id } })).completeProject;
              if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
              else void message.success(t('project.completed'));
            } catch (exc) {
              void message.error(describeError(exc, locale));
            }
            onChanged();
          }}
        >
          <Button loading={completeState.loading}>{t('project.complete')}</Button>
        </Popconfirm>
      </Card>
    );
  }
  if (project.status !== 'COMPLETED') return null;

  const onFinish = async (v: Values) => {
    if (total !== 100) return;
    setGeneral([]);
    try {
      const r = (await evaluate({ input: { projectId: project.id, criteria: v.criteria, comments: v.comments ?? '' } }))
        .evaluatePerformance;
      if (r.errors.length || !r.evaluation) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['criteria', 'comments']));
        return;
      }
      void message.success(t('perf.done', { score: r.evaluation.score }));
      onChanged();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <Card title={t('perf.title')} style={{ marginTop: 16 }} data-testid="performance">
      {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        name="performance"
        onFinish={onFinish}
        initialValues={{
          criteria: [
            { name: '服务目标完成度', score: 0, max: 40 },
            { name: '服务质量与满意度', score: 0, max: 30 },
            { name: '资金使用规范性', score: 0, max: 20 },
            { name: '档案与台账', score: 0, max: 10 },
          ],
          comments: '',
        }}
      >
        <Form.List name="criteria">
          {(fields) =>
            fields.map((field, i) => (
              <Row key={field.key} gutter={8}>
                <Col flex="auto">
                  <Form.Item name={[field.name, 'name']} label={`${t('perf.criterion')} ${i + 1}`} rules={[requiredText(t)]}>
                    <Input />
                  </Form.Item>
                </Col>
                <Col>
                  <Form.Item name={[field.name, 'score']} label={`${t('perf.score')} ${i + 1}`}>
                    <InputNumber min={0} max={criteria?.[i]?.max ?? 100} />
                  </Form.Item>
                </Col>
                <Col>
                  <Form.Item name={[field.name, 'max']} label={`${t('perf.max')} ${i + 1}`}>
                    <InputNumber min={1} max={100} />
                  </Form.Item>
                </Col>
              </Row>
            ))
          }
        </Form.List>
        {total !== 100 && (
          <Alert type="error" showIcon role="status" message={t('perf.maxMustBe100', { total })} style={{ marginBottom: 12 }} />
        )}
        <Form.Item name="comments" label={t('perf.comments')}>
          <Input.TextArea rows={3} />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={evaluateState.loading}>
          {t('perf.submit')}
        </Button>
      </Form>
    </Card>
  );
}
