import { useState } from 'react';
import { Alert, Button, Form, Input, InputNumber, Modal, Select, Space, Table, Typography, App as AntApp } from 'antd';
import { NeedsDocument, RecordNeedDocument, type NeedsQuery } from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { RegionSelect } from '../../components/RegionSelect';
import { CATEGORIES } from '../../components/enums';
import { formatDate } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { required, requiredText } from '../../validation/rules';

type NeedRow = NeedsQuery['needs']['nodes'][number];

/** Residents' needs (居民需求) recorded by community staff; projects cite them. */
export function NeedsPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const list = usePaged(NeedsDocument, { first: 50 }, (d) => d.needs);
  const [open, setOpen] = useState(false);
  const [form] = Form.useForm();
  const [record, { loading }] = useMutation(RecordNeedDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const canRecord = activeGrant?.role === 'COMMUNITY_STAFF';

  const submit = async () => {
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (await record({ input: v })).recordNeed;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['regionId', 'category', 'targetGroup', 'description', 'peopleAffected']));
        return;
      }
      form.resetFields();
      setOpen(false);
      void message.success(t('need.recorded'));
      await list.reload();
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };

  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('nav.needs')}
        </Typography.Title>
        {canRecord && (
          <Button type="primary" onClick={() => setOpen(true)}>
            {t('need.record')}
          </Button>
        )}
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<NeedRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('project.community'), render: (_, n) => n.region?.name ?? '—' },
            { title: t('project.category'), render: (_, n) => t(`category.${n.category}` as const) },
            { title: t('need.targetGroup'), dataIndex: 'targetGroup' },
            { title: t('need.description'), dataIndex: 'description' },
            { title: t('need.people'), dataIndex: 'peopleAffected', align: 'right' },
            { title: t('audit.at'), dataIndex: 'createdAt', render: formatDate },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <Modal
        open={open}
        title={t('need.record')}
        onCancel={() => setOpen(false)}
        onOk={submit}
        confirmLoading={loading}
        okText={t('common.submit')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical" name="need" initialValues={{ peopleAffected: 10 }}>
          <Form.Item name="regionId" label={t('project.community')} rules={[required(t)]}>
            <RegionSelect level="COMMUNITY" under={activeGrant?.region?.level === 'COMMUNITY' ? null : activeGrant?.region?.id} />
          </Form.Item>
          <Form.Item name="category" label={t('project.category')} rules={[required(t)]}>
            <Select options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}` as const) }))} />
          </Form.Item>
          <Form.Item name="targetGroup" label={t('need.targetGroup')} rules={[requiredText(t)]}>
            <Input />
          </Form.Item>
          <Form.Item name="description" label={t('need.description')} rules={[requiredText(t)]}>
            <Input.TextArea rows={3} />
          </Form.Item>
          <Form.Item name="peopleAffected" label={t('need.people')}>
            <InputNumber min={1} />
          </Form.Item>
        </Form>
      </Modal>
    </div>
  );
}
