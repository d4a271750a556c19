import { useState } from 'react';
import { Alert, Button, Space, Table, Typography } from 'antd';
import { AuditEventsDocument, VerifyAuditChainDocument, type AuditEventsQuery, type VerifyAuditChainQuery } from '../../api/generated';
import { request } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';

type EventRow = AuditEventsQuery['auditEvents']['nodes'][number];

export function AuditLogPage() {
  const { t, locale } = useI18n();
  const list = usePaged(AuditEventsDocument, { first: 50 }, (d) => d.auditEvents);
  const [report, setReport] = useState<VerifyAuditChainQuery['verifyAuditChain'] | null>(null);
  const [verifyError, setVerifyError] = useState<string | null>(null);
  const [verifying, setVerifying] = useState(false);
  const verify = async () => {
    setVerifying(true);
    setVerifyError(null);
    try {
      setReport((await request(VerifyAuditChainDocument, {})).verifyAuditChain);
    } catch (exc) {
      setVerifyError(describeError(exc, locale));
    } finally {
      setVerifying(false);
    }
  };
  return (
    <div>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('audit.title')}
        </Typography.Title>
        <Button onClick={verify} loading={verifying}>
          {t('audit.verify')}
        </Button>
      </Space>
      {report && (
        <Alert
          role="status"
          style={{ marginBottom: 16 }}
          type={report.ok ? 'success' : 'error'}
          showIcon
          message={report.ok ? t('audit.chainOk', { checked: report.checked }) : t('audit.chainBroken', { id: report.firstBrokenId ?? '?', reason: report.reason ?? '' })}
        />
      )}
      {verifyError && <Alert role="alert" type="error" showIcon message={verifyError} style={{ marginBottom: 16 }} />}
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<EventRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          columns={[
            { title: t('audit.at'), dataIndex: 'at', render: formatDateTime },
            { title: t('audit.actor'), dataIndex: 'actorAccountId', render: (v) => v ?? '—' },
            { title: t('audit.action'), dataIndex: 'action' },
            { title: t('audit.subject'), render: (_, e) => `${e.subjectType}${e.subjectId ? ` #${e.subjectId}` : ''}` },
            { title: t('audit.region'), dataIndex: 'regionPath', render: (v) => v ?? '—' },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
    </div>
  );
}
