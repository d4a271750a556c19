import { useState } from 'react';
import { Alert, Form, Input, Modal } from 'antd';
import type { UserErrorLike } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { useI18n, type MessageKey } from '../../i18n';
import { LIMITS } from './rules';
import { textRule } from './fieldRules';

/** Ask for a reason (withdraw a wish, return a report) and send it; closes when the server agrees. */
export function ReasonModal({
  open,
  title,
  onSend,
  onClose,
}: {
  open: boolean;
  title: MessageKey;
  onSend: (reason: string) => Promise<UserErrorLike[]>;
  onClose: (done: boolean) => void;
}) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [busy, setBusy] = useState(false);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    const { reason } = await form.validateFields();
    setBusy(true);
    setGeneral([]);
    try {
      const errors = await onSend(reason.trim());
      if (errors.length) {
        setGeneral(applyUserErrors(form, errors, locale, ['reason']));
        return;
      }
      form.resetFields();
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal
      open={open}
      title={t(title)}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={busy}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="wishReason">
        <Form.Item name="reason" label={t('wish.reason')} rules={[textRule(t, LIMITS.reason)]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
