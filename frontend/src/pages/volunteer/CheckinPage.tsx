import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Alert, Button, Card, Form, Input, Result, Select, Space, Typography } from 'antd';
import { CheckInDocument, CheckOutDocument, MySignupsDocument } from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { formatDateTime } from '../../components/format';
import { ListState } from '../../components/ListState';
import { useI18n } from '../../i18n';
import { requiredText } from '../../validation/rules';

interface Values {
  shiftId: string;
  code: string;
}

function currentPosition(): Promise<{ latitude: number; longitude: number } | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((ok) =>
    navigator.geolocation.getCurrentPosition(
      (p) => ok({ latitude: p.coords.latitude, longitude: p.coords.longitude }),
      () => ok(null),
      { timeout: 10_000, maximumAge: 60_000 },
    ),
  );
}

/**
 * Check in or out by typing the code shown at the activity, or by opening the QR link
 * (/checkin?shift=…&code=…), which fills both in.
 */
export function CheckinPage() {
  const { t, locale } = useI18n();
  const [params] = useSearchParams();
  const [form] = Form.useForm<Values>();
  const signups = useQuery(MySignupsDocument, { first: 20, upcoming: true });
  const [checkIn, inState] = useMutation(CheckInDocument);
  const [checkOut, outState] = useMutation(CheckOutDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const [done, setDone] = useState<string | null>(null);
  const [idempotencyKey] = useState(() => (crypto.randomUUID ? crypto.randomUUID() : String(Date.now())));

  const shifts = (signups.data?.mySignups.nodes ?? []).filter((s) => s.shift && (s.status === 'CONFIRMED' || s.status === 'ATTENDED'));
  const options = shifts.map((s) => ({
    value: s.shift!.id,
    label: `${s.shift!.activity?.title ?? ''} · ${formatDateTime(s.startsAt)}`,
  }));
  const fromLink = params.get('shift');
  if (fromLink && !options.some((o) => o.value === fromLink)) options.unshift({ value: fromLink, label: fromLink });

  const submit = async (direction: 'in' | 'out') => {
    const values = await form.validateFields();
    setGeneral([]);
    setDone(null);
    try {
      if (direction === 'in') {
        const position = await currentPosition();
        const r = (
          await checkIn({
            input: {
              shiftId: values.shiftId,
              code: values.code.trim(),
              idempotencyKey,
              latitude: position?.latitude ?? null,
              longitude: position?.longitude ?? null,
            },
          })
        ).checkIn;
        if (r.errors.length) {
          setGeneral(applyUserErrors(form, r.errors, locale, ['shiftId', 'code']));
          return;
        }
        setDone(t('checkin.done'));
      } else {
        const r = (await checkOut({ input: { shiftId: values.shiftId, code: values.code.trim() } })).checkOut;
        if (r.errors.length) {
          setGeneral(applyUserErrors(form, r.errors, locale, ['shiftId', 'code']));
          return;
        }
        setDone(t('checkin.outDone', { hours: r.record?.hours ?? '0' }));
      }
      form.setFieldValue('code', '');
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div style={{ maxWidth: 480, margin: '0 auto' }} data-testid="checkin">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('checkin.title')}
      </Typography.Title>
      {done && <Result status="success" title={done} style={{ padding: 16 }} />}
      <Card>
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 16 }} />}
        <ListState loading={signups.loading} error={signups.error} empty={false} onRetry={() => void signups.refetch()}>
          <Form<Values>
            form={form}
            layout="vertical"
            name="checkin"
            initialValues={{ shiftId: fromLink ?? shifts[0]?.shift?.id, code: params.get('code') ?? '' }}
          >
            <Form.Item name="shiftId" label={t('checkin.shift')} rules={[{ required: true, message: t('checkin.noShifts') }]}>
              <Select options={options} notFoundContent={t('checkin.noShifts')} />
            </Form.Item>
            <Form.Item name="code" label={t('checkin.code')} extra={t('checkin.codeHint')} rules={[requiredText(t)]}>
              <Input size="large" inputMode="numeric" autoComplete="one-time-code" style={{ letterSpacing: 6, fontSize: 22 }} />
            </Form.Item>
            <Space style={{ width: '100%' }} direction="vertical">
              <Button type="primary" size="large" block loading={inState.loading} onClick={() => void submit('in')}>
                {t('checkin.in')}
              </Button>
              <Button size="large" block loading={outState.loading} onClick={() => void submit('out')}>
                {t('checkin.out')}
              </Button>
            </Space>
          </Form>
        </ListState>
      </Card>
    </div>
  );
}
