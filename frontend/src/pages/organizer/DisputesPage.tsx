import { useState } from 'react';
import { Alert, Button, Form, Input, List, Modal, Radio, Space, Tag, Typography, App as AntApp } from 'antd';
import { HoursDisputesDocument, ResolveHoursDisputeDocument, type HoursDisputesQuery } from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { requiredText } from '../../validation/rules';

type DisputeRow = HoursDisputesQuery['hoursDisputes']['nodes'][number];

/** Disputes about hours: the organizer upholds or dismisses each with a note. */
export function DisputesPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const list = usePaged(HoursDisputesDocument, { first: 50 }, (d) => d.hoursDisputes);
  const [resolving, setResolving] = useState<DisputeRow | null>(null);
  const [form] = Form.useForm<{ upheld: boolean; note: string }>();
  const [resolve, { loading }] = useMutation(ResolveHoursDisputeDocument);
  const [general, setGeneral] = useState<string[]>([]);

  const submit = async () => {
    if (!resolving) return;
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (await resolve({ input: { disputeId: resolving.id, upheld: v.upheld, note: v.note } })).resolveHoursDispute;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['upheld', 'note']));
        return;
      }
      setResolving(null);
      form.resetFields();
      void message.success(t('common.saved'));
      await list.reload();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.disputes')}
      </Typography.Title>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <List
          dataSource={list.nodes}
          renderItem={(d) => (
            <List.Item
              actions={
                d.status === 'OPEN'
                  ? [
                      <Button key="resolve" size="small" onClick={() => setResolving(d)}>
                        {t('common.confirm')}
                      </Button>,
                    ]
                  : []
              }
            >
              <List.Item.Meta
                title={
                  <Space wrap>
                    <span>{d.record?.participant?.name}</span>
                    <span>{d.record?.activity?.title}</span>
                    <Tag color={d.status === 'OPEN' ? 'orange' : 'default'}>{t(`dispute.${d.status}` as const)}</Tag>
                  </Space>
                }
                description={
                  <>
                    <div>{d.reason}</div>
                    <Typography.Text type="secondary">
                      {d.record
                        ? `${formatDateTime(d.record.startsAt)} – ${formatDateTime(d.record.endsAt).slice(11)} · ${d.record.hours} h`
                        : ''}
                    </Typography.Text>
                    {d.resolutionNote && <div>{d.resolutionNote}</div>}
                  </>
                }
              />
            </List.Item>
          )}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <Modal
        open={Boolean(resolving)}
        title={t('nav.disputes')}
        onCancel={() => setResolving(null)}
        onOk={submit}
        confirmLoading={loading}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" name="resolveDispute" initialValues={{ upheld: true }}>
          <Form.Item name="upheld" label={t('hours.status')}>
            <Radio.Group>
              <Radio value={true}>{t('dispute.UPHELD')}</Radio>
              <Radio value={false}>{t('dispute.DISMISSED')}</Radio>
            </Radio.Group>
          </Form.Item>
          <Form.Item name="note" label={t('hours.note')} rules={[requiredText(t)]}>
            <Input.TextArea rows={3} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
