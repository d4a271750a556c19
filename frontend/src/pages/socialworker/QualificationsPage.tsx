import { useState } from 'react';
import { Alert, Button, Card, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import type { Dayjs } from 'dayjs';
import {
  SetSocialWorkerQualificationDocument,
  SocialWorkersDocument,
  type SocialWorkersQuery,
  type WorkerLevel,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { applyUserErrors, describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { useI18n } from '../../i18n';
import { required } from '../../validation/rules';

const LEVELS: WorkerLevel[] = ['NONE', 'ASSISTANT', 'SOCIAL_WORKER', 'SENIOR'];
type Worker = SocialWorkersQuery['socialWorkers']['nodes'][number];

function QualificationModal({ worker, onClose }: { worker: Worker | null; onClose: (saved: boolean) => void }) {
  const { t, locale } = useI18n();
  const [form] = Form.useForm();
  const [save, { loading }] = useMutation(SetSocialWorkerQualificationDocument);
  const [general, setGeneral] = useState<string[]>([]);
  const submit = async () => {
    if (!worker) return;
    const v = await form.validateFields();
    setGeneral([]);
    try {
      const r = (
        await save({
          input: {
            socialWorkerId: worker.id,
            version: worker.version,
            level: v.level,
            certificateNumber: v.certificateNumber?.trim() || null,
            registeredOn: v.registeredOn ? (v.registeredOn as Dayjs).format('YYYY-MM-DD') : null,
          },
        })
      ).setSocialWorkerQualification;
      if (r.errors.length) {
        setGeneral(applyUserErrors(form, r.errors, locale, ['level', 'certificateNumber', 'registeredOn']));
        return;
      }
      onClose(true);
    } catch (exc) {
      setGeneral([describeError(exc, locale)]);
    }
  };
  return (
    <Modal
      open={worker !== null}
      title={`${t('sw.editQualification')} · ${worker?.name ?? ''}`}
      onCancel={() => onClose(false)}
      onOk={submit}
      confirmLoading={loading}
      okText={t('common.save')}
      cancelText={t('common.cancel')}
      destroyOnHidden
    >
      {general.length > 0 && <Alert type="error" role="alert" message={general.join('；')} style={{ marginBottom: 12 }} />}
      <Form
        form={form}
        layout="vertical"
        name="qualification"
        initialValues={{ level: worker?.level ?? 'NONE', certificateNumber: worker?.certificateNumber ?? '' }}
        preserve={false}
      >
        <Form.Item name="level" label={t('org.workerLevel')} rules={[required(t)]}>
          <Select options={LEVELS.map((l) => ({ value: l, label: t(`workerLevel.${l}` as const) }))} />
        </Form.Item>
        <Form.Item name="certificateNumber" label={t('org.certificateNumber')}>
          <Input spellCheck={false} style={{ textTransform: 'uppercase' }} />
        </Form.Item>
        <Form.Item name="registeredOn" label={t('org.registeredOn')}>
          <DatePicker />
        </Form.Item>
      </Form>
    </Modal>
  );
}

/** The bureau records what it has verified of social workers in its region: level, certificate, registration. */
export function QualificationsPage() {
  const { t } = useI18n();
  const { message } = AntApp.useApp();
  const [text, setText] = useState('');
  const { data, loading, error, refetch } = useQuery(SocialWorkersDocument, { first: 50, text: text || null });
  const [editing, setEditing] = useState<Worker | null>(null);
  const workers = data?.socialWorkers.nodes ?? [];
  return (
    <div data-testid="qualifications">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('nav.qualifications')}
      </Typography.Title>
      <Card>
        <Input.Search
          placeholder={t('sw.search')}
          allowClear
          onSearch={(v) => setText(v.trim())}
          style={{ maxWidth: 320, marginBottom: 12 }}
          aria-label={t('sw.search')}
        />
        <ListState loading={loading} error={error} empty={false} onRetry={() => void refetch()}>
          <Table<Worker>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={workers}
            scroll={{ x: true }}
            locale={{ emptyText: t('common.empty') }}
            columns={[
              { title: t('org.workerName'), dataIndex: 'name' },
              { title: t('sw.organizations'), render: (_, w) => w.organizations.map((o) => o.name).join('、') || '—' },
              { title: t('org.workerLevel'), render: (_, w) => t(`workerLevel.${w.level}` as const) },
              { title: t('org.certificateNumber'), render: (_, w) => w.certificateNumber ?? '—' },
              {
                title: t('org.registrationExpires'),
                render: (_, w) =>
                  w.registrationExpiresOn ? (
                    <Space>
                      {w.registrationExpiresOn}
                      <Tag color={w.registrationValid ? 'green' : 'red'}>
                        {w.registrationValid ? t('org.registrationValid') : t('org.registrationExpired')}
                      </Tag>
                    </Space>
                  ) : (
                    '—'
                  ),
              },
              {
                title: '',
                render: (_, w) => (
                  <Button size="small" onClick={() => setEditing(w)}>
                    {t('sw.editQualification')}
                  </Button>
                ),
              },
            ]}
          />
        </ListState>
      </Card>
      <QualificationModal
        worker={editing}
        onClose={(saved) => {
          setEditing(null);
          if (saved) {
            void message.success(t('sw.qualificationSaved'));
            void refetch();
          }
        }}
      />
    </div>
  );
}
