import { useState } from 'react';
import { Alert, Button, Form, Input, Space } from 'antd';
import { DecideFindingDocument, type FindingDecision, type FindingFieldsFragment } from '../../api/generated';
import { useMutation } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { useI18n } from '../../i18n';
import { NOTE_MAX, noteProblem } from './figures';

/**
 * Confirm or dismiss a finding with a note (decideFinding). The note is required before
 * anything is sent; the server's errors go next to the note or above the buttons.
 */
export function DecideFindingForm({ finding, onDecided }: { finding: { id: string }; onDecided: (f: FindingFieldsFragment) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ note: string }>();
  const [decide, { loading }] = useMutation(DecideFindingDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const [pending, setPending] = useState<FindingDecision | null>(null);

  const submit = async (decision: FindingDecision) => {
    setGeneral([]);
    let values: { note: string };
    try {
      values = await form.validateFields();
    } catch {
      return;
    }
    setPending(decision);
    try {
      const result = (await decide({ input: { findingId: finding.id, decision, note: values.note.trim() } })).decideFinding;
      if (result.errors.length || !result.finding) {
        setGeneral(applyUserErrors(form, result.errors, locale, ['note']));
        return;
      }
      form.resetFields();
      onDecided(result.finding);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    } finally {
      setPending(null);
    }
  };

  return (
    <Form form={form} layout="vertical" name="decide-finding" requiredMark>
      <Form.Item
        name="note"
        label={t('find.note')}
        required
        rules={[
          {
            validator: (_, value: string | undefined) => {
              const problem = noteProblem(value);
              return problem ? Promise.reject(new Error(t(problem))) : Promise.resolve();
            },
          },
        ]}
      >
        <Input.TextArea rows={3} maxLength={NOTE_MAX} showCount placeholder={t('find.notePlaceholder')} />
      </Form.Item>
      {general.map((m) => (
        <Alert key={m} role="alert" type="error" showIcon message={m} style={{ marginBottom: 12 }} />
      ))}
      <Space>
        <Button type="primary" danger loading={loading && pending === 'CONFIRM'} disabled={loading} onClick={() => void submit('CONFIRM')}>
          {t('find.confirm')}
        </Button>
        <Button loading={loading && pending === 'DISMISS'} disabled={loading} onClick={() => void submit('DISMISS')}>
          {t('find.dismiss')}
        </Button>
      </Space>
    </Form>
  );
}
