import { useEffect, useRef, useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, List, Space, Tag, Typography, App as AntApp } from 'antd';
import { DownloadOutlined, LoadingOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { MyCertificatesDocument, RequestCertificateDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { useI18n } from '../../i18n';
import { notificationsChanged } from '../../shell/notificationEvents';
import { required } from '../../validation/rules';

const COLORS: Record<string, string> = { PENDING: 'processing', READY: 'green', REVOKED: 'red' };

function hoursOf(minutes: number): string {
  return (Math.round((minutes / 60) * 10) / 10).toFixed(1);
}

/** Request certificates (rendered by a background job) and download them when ready. */
export function CertificatesPage() {
  const { t, locale } = useI18n();
  const { notification, message } = AntApp.useApp();
  const [form] = Form.useForm<{ periodStart: Dayjs; periodEnd: Dayjs }>();
  const list = usePaged(MyCertificatesDocument, { first: 30 }, (d) => d.certificates);
  const [request, { loading }] = useMutation(RequestCertificateDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const pendingIds = useRef(new Set<string>());
  const anyPending = list.nodes.some((c) => c.status === 'PENDING');

  // Rendering is a background job: poll while something is pending, then say it is ready.
  useEffect(() => {
    for (const c of list.nodes) {
      if (c.status === 'PENDING') pendingIds.current.add(c.id);
      else if (pendingIds.current.has(c.id)) {
        pendingIds.current.delete(c.id);
        if (c.status === 'READY') {
          notification.success({ message: t('cert.ready'), description: c.serial });
          notificationsChanged();
        }
      }
    }
    if (!anyPending) return undefined;
    const timer = window.setInterval(() => void list.reload(), 2000);
    return () => window.clearInterval(timer);
  }, [list.nodes, anyPending, list, notification, t]);

  const submit = async ({ periodStart, periodEnd }: { periodStart: Dayjs; periodEnd: Dayjs }) => {
    setGeneral([]);
    try {
      const r = (await request({ input: { periodStart: periodStart.format('YYYY-MM-DD'), periodEnd: periodEnd.format('YYYY-MM-DD') } }))
        .requestCertificate;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['periodStart', 'periodEnd']));
        return;
      }
      void message.success(t('cert.requested'));
      // Say "ready" when the job has rendered it, even if that happens before the next look.
      if (r.certificate) pendingIds.current.add(r.certificate.id);
      await list.reload();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div data-testid="certificates">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('cert.title')}
      </Typography.Title>
      <Card title={t('cert.request')} style={{ marginBottom: 16 }}>
        {general.length > 0 && <Alert type="error" role="alert" showIcon message={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" name="requestCertificate" onFinish={submit}>
          <Space wrap>
            <Form.Item name="periodStart" label={t('cert.periodStart')} rules={[required(t)]}>
              <DatePicker />
            </Form.Item>
            <Form.Item name="periodEnd" label={t('cert.periodEnd')} rules={[required(t)]}>
              <DatePicker />
            </Form.Item>
          </Space>
          <Button type="primary" htmlType="submit" loading={loading}>
            {t('cert.request')}
          </Button>
        </Form>
      </Card>
      {anyPending && (
        <Alert role="status" type="info" showIcon icon={<LoadingOutlined />} message={t('cert.rendering')} style={{ marginBottom: 16 }} />
      )}
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <List
          dataSource={list.nodes}
          renderItem={(c) => (
            <List.Item
              actions={
                c.status === 'READY' && c.downloadUrl
                  ? [
                      <a key="dl" href={c.downloadUrl} download data-testid="certificate-download">
                        <DownloadOutlined aria-hidden /> {t('cert.download')}
                      </a>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{c.serial}</span>
                    <Tag color={COLORS[c.status]}>{t(`cert.${c.status}` as const)}</Tag>
                  </Space>
                }
                description={`${c.periodStart} ~ ${c.periodEnd} · ${hoursOf(c.minutes)} h · ${c.issuer}`}
              />
            </List.Item>
          )}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
