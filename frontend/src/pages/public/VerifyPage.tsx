import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Button, Card, Descriptions, Form, Input, Result, Typography } from 'antd';
import { VerifyCertificateDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { useI18n } from '../../i18n';
import { requiredText } from '../../validation/rules';

/** Public certificate verification by serial and code; the certificate's QR code opens it filled in. */
export function VerifyPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const serial = params.get('serial') ?? '';
  const code = params.get('code') ?? '';
  const [form] = Form.useForm<{ serial: string; code: string }>();
  const [asked] = useState(() => Boolean(serial && code));
  const result = useQuery(VerifyCertificateDocument, { serial, code }, { skip: !serial || !code });
  const v = result.data?.verifyCertificate;
  return (
    <div style={{ maxWidth: 560, margin: '0 auto' }} data-testid="verify">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('public.verifyTitle')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('public.verifyIntro')}</Typography.Paragraph>
      <Card style={{ marginBottom: 16 }}>
        <Form
          form={form}
          layout="vertical"
          name="verify"
          initialValues={{ serial, code }}
          onFinish={(v) => setParams({ serial: v.serial.trim(), code: v.code.trim() })}
        >
          <Form.Item name="serial" label={t('public.serial')} rules={[requiredText(t)]}>
            <Input spellCheck={false} />
          </Form.Item>
          <Form.Item name="code" label={t('public.code')} rules={[requiredText(t)]}>
            <Input spellCheck={false} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('verify.submit')}
          </Button>
        </Form>
      </Card>
      {(asked || serial) && (
        <ListState loading={result.loading} error={result.error} empty={!v} onRetry={() => void result.refetch()}>
          {v && (
            <Card>
              {v.valid ? (
                <Result status="success" title={t('verify.valid')} style={{ padding: 8 }} />
              ) : (
                <Result status="error" title={v.status === 'REVOKED' ? t('verify.revoked') : t('verify.invalid')} style={{ padding: 8 }} />
              )}
              {v.nameMasked && (
                <Descriptions column={1} size="small">
                  <Descriptions.Item label={t('public.serial')}>{v.serial}</Descriptions.Item>
                  <Descriptions.Item label={t('verify.name')}>{v.nameMasked}</Descriptions.Item>
                  <Descriptions.Item label={t('verify.number')}>{v.volunteerNumberMasked}</Descriptions.Item>
                  <Descriptions.Item label={t('cert.period')}>
                    {v.periodStart} ~ {v.periodEnd}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('cert.minutes')}>
                    {v.minutes !== null ? `${(v.minutes / 60).toFixed(1)} h` : '—'}
                  </Descriptions.Item>
                  <Descriptions.Item label={t('cert.issuer')}>{v.issuer}</Descriptions.Item>
                </Descriptions>
              )}
            </Card>
          )}
        </ListState>
      )}
    </div>
  );
}
