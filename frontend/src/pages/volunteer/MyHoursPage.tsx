import { useMemo, useState } from 'react';
import { Alert, Button, Card, Form, Input, List, Modal, Space, Tag, Typography, App as AntApp } from 'antd';
import {
  DisputeServiceRecordDocument,
  MyVolunteerProfileDocument,
  ServiceRecordsDocument,
  type RecordFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { LazyChart as Chart } from '../../components/LazyChart';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { StarCard } from './StarCard';
import { requiredText } from '../../validation/rules';

const COLORS: Record<string, string> = { PENDING: 'blue', APPROVED: 'green', REJECTED: 'red', DISPUTED: 'orange' };

function DisputeModal({ record, onClose }: { record: RecordFieldsFragment | null; onClose: (sent: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm<{ reason: string }>();
  const [dispute, { loading }] = useMutation(DisputeServiceRecordDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    if (!record) return;
    const { reason } = await form.validateFields();
    try {
      const r = (await dispute({ input: { recordId: record.id, reason } })).disputeServiceRecord;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['reason']));
        return;
      }
      form.resetFields();
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={Boolean(record)}
      title={t('hours.dispute')}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.submit')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form form={form} layout="vertical" name="dispute">
        <Form.Item name="reason" label={t('hours.disputeReason')} rules={[requiredText(t)]}>
          <Input.TextArea rows={3} />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** My hours with their status, disputes, and the star level they add up to. */
export function MyHoursPage() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const profile = useQuery(MyVolunteerProfileDocument, {});
  const list = usePaged(ServiceRecordsDocument, { first: 50, mine: true }, (d) => d.serviceRecords);
  const [disputing, setDisputing] = useState<RecordFieldsFragment | null>(null);
  const v = profile.data?.myVolunteerProfile;

  const byActivity = useMemo(() => {
    const sums = new Map<string, number>();
    for (const r of list.nodes) {
      if (r.status !== 'APPROVED') continue;
      const title = r.activity?.title ?? r.microWish?.title ?? '—';
      sums.set(title, (sums.get(title) ?? 0) + r.minutes / 60);
    }
    return [...sums.entries()].sort((a, b) => b[1] - a[1]).slice(0, 8);
  }, [list.nodes]);

  return (
    <div data-testid="my-hours">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('hours.title')}
      </Typography.Title>
      <ListState
        loading={profile.loading}
        error={profile.error}
        empty={!v}
        emptyText={t('profile.notRegistered')}
        onRetry={() => void profile.refetch()}
      >
        {v && <StarCard totalMinutes={v.totalMinutes} totalHours={v.totalHours} starLevel={v.starLevel} />}
      </ListState>
      {byActivity.length > 1 && (
        <Card style={{ marginTop: 16 }} size="small">
          <Chart
            label={t('hours.activity')}
            height={200}
            option={{
              grid: { left: 8, right: 16, top: 8, bottom: 8, containLabel: true },
              xAxis: { type: 'value', name: 'h' },
              yAxis: { type: 'category', data: byActivity.map(([k]) => k) },
              series: [{ type: 'bar', data: byActivity.map(([, h]) => Math.round(h * 10) / 10), itemStyle: { color: '#c41d1d' } }],
              tooltip: {},
            }}
          />
        </Card>
      )}
      <div style={{ marginTop: 16 }}>
        <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
          <List
            dataSource={list.nodes}
            renderItem={(r) => (
              <List.Item
                data-testid="hours-row"
                actions={
                  r.status === 'PENDING' || r.status === 'APPROVED' || r.status === 'REJECTED'
                    ? [
                        <Button key="dispute" size="small" type="link" onClick={() => setDisputing(r)}>
                          {t('hours.dispute')}
                        </Button>,
                      ]
                    : []
                }
              >
                <List.Item.Meta
                  title={
                    <Space wrap>
                      <span>{r.activity?.title ?? r.microWish?.title ?? '—'}</span>
                      <Tag color={COLORS[r.status]}>{t(`record.${r.status}` as const)}</Tag>
                    </Space>
                  }
                  description={`${formatDateTime(r.startsAt)} – ${formatDateTime(r.endsAt).slice(11)} · ${t(`source.${r.source}` as const)}`}
                />
                <Typography.Text strong>{r.hours} h</Typography.Text>
              </List.Item>
            )}
          />
          <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
        </ListState>
      </div>
      <DisputeModal
        record={disputing}
        onClose={(sent) => {
          setDisputing(null);
          if (sent) {
            void message.success(t('hours.disputeSent'));
            void list.reload();
          }
        }}
      />
    </div>
  );
}
