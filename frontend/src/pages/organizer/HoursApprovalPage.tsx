import { useState } from 'react';
import { Alert, Button, Input, Space, Table, Tag, Typography, App as AntApp } from 'antd';
import {
  ApproveServiceRecordsDocument,
  RejectServiceRecordsDocument,
  ServiceRecordsDocument,
  type RecordFieldsFragment,
} from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

/** Pending hours of the activities you organize, approved or rejected in bulk. */
export function HoursApprovalPage() {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const list = usePaged(ServiceRecordsDocument, { first: 100, toDecide: true, status: 'PENDING' }, (d) => d.serviceRecords);
  const [selected, setSelected] = useState<string[]>([]);
  const [note, setNote] = useState('');
  const [approve, approveState] = useMutation(ApproveServiceRecordsDocument);
  const [reject, rejectState] = useMutation(RejectServiceRecordsDocument);
  const [general, setGeneral] = useState<string | null>(null);

  const decide = async (kind: 'approve' | 'reject') => {
    setGeneral(null);
    try {
      const input = { recordIds: selected, note: note.trim() || null };
      const r = kind === 'approve' ? (await approve({ input })).approveServiceRecords : (await reject({ input })).rejectServiceRecords;
      if (r.errors.length) {
        setGeneral(r.errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
        return;
      }
      void message.success(t(kind === 'approve' ? 'hours.approved' : 'hours.rejected', { n: r.records.length }));
      setSelected([]);
      setNote('');
      await list.reload();
    } catch (exc) {
      setGeneral(describeError(exc, locale));
    }
  };

  return (
    <div data-testid="hours-approval">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('hours.toDecide')}
      </Typography.Title>
      {general && <Alert type="error" role="alert" showIcon message={general} style={{ marginBottom: 12 }} />}
      <Space wrap style={{ marginBottom: 12 }}>
        <Input
          aria-label={t('hours.note')}
          placeholder={t('hours.note')}
          value={note}
          onChange={(e) => setNote(e.target.value)}
          style={{ width: 260 }}
        />
        <Button type="primary" disabled={!selected.length} loading={approveState.loading} onClick={() => void decide('approve')}>
          {t('hours.approve')}
          {selected.length ? ` (${selected.length})` : ''}
        </Button>
        <Button danger disabled={!selected.length} loading={rejectState.loading} onClick={() => void decide('reject')}>
          {t('hours.reject')}
        </Button>
        <Typography.Text type="secondary">{t('hours.selectHint')}</Typography.Text>
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<RecordFieldsFragment>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          rowSelection={{
            selectedRowKeys: selected,
            onChange: (keys) => setSelected(keys as string[]),
            getCheckboxProps: (r) => ({ title: `${r.participant?.name ?? ''} ${r.hours} h` }),
          }}
          columns={[
            { title: t('shift.volunteer'), render: (_, r) => r.participant?.name ?? '—' },
            { title: t('shift.number'), render: (_, r) => r.participant?.volunteerNumber ?? '—' },
            { title: t('hours.activity'), render: (_, r) => r.activity?.title ?? r.microWish?.title ?? '—' },
            { title: t('hours.time'), render: (_, r) => `${formatDateTime(r.startsAt)} – ${formatDateTime(r.endsAt).slice(11)}` },
            { title: t('hours.hours'), dataIndex: 'hours' },
            {
              title: t('hours.status'),
              render: (_, r) => (
                <Space size={4}>
                  <Tag>{t(`source.${r.source}` as const)}</Tag>
                  {r.needsReview && <Tag color="orange">{t('hours.needsReview')}</Tag>}
                </Space>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
