import { useMemo, useState, type HTMLAttributes } from 'react';
import { Alert, Button, DatePicker, Descriptions, Drawer, Space, Table, Tag, Typography, Select } from 'antd';
import type { Dayjs } from 'dayjs';
import { Link } from 'react-router-dom';
import { AuditEventsDocument, VerifyAuditChainDocument, type AuditEventsQuery, type VerifyAuditChainQuery } from '../../api/generated';
import { request } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { RegionSelect } from '../../components/RegionSelect';
import { formatDateTime } from '../../components/format';
import { useI18n } from '../../i18n';
import { AUDIT_ACTIONS, AUDIT_SUBJECT_TYPES } from '../../i18n/auditLog';
import { actionText, diffSnapshots, subjectLink, subjectText } from './auditDiff';

type EventRow = AuditEventsQuery['auditEvents']['nodes'][number];

interface Filters {
  actor: { id: number; name: string } | null;
  action: string | null;
  subjectType: string | null;
  subjectId: number | null;
  regionId: string | null;
  days: [Dayjs, Dayjs] | null;
}

/** Read by screen readers, not shown (the placeholder says the same). */
const VISUALLY_HIDDEN = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
} as const;

const NO_FILTERS: Filters = { actor: null, action: null, subjectType: null, subjectId: null, regionId: null, days: null };

export function AuditLogPage() {
  const { t, locale } = useI18n();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [open, setOpen] = useState<EventRow | null>(null);
  const variables = useMemo(
    () => ({
      first: 50,
      actorAccountId: filters.actor?.id ?? null,
      action: filters.action,
      subjectType: filters.subjectType,
      subjectId: filters.subjectId,
      regionId: filters.regionId,
      since: filters.days ? filters.days[0].format('YYYY-MM-DD') : null,
      until: filters.days ? filters.days[1].format('YYYY-MM-DD') : null,
    }),
    [filters],
  );
  const list = usePaged(AuditEventsDocument, variables, (d) => d.auditEvents);
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
  const set = (patch: Partial<Filters>) => setFilters((f) => ({ ...f, ...patch }));
  const filtered = JSON.stringify(filters) !== JSON.stringify(NO_FILTERS);
  const actorCell = (e: EventRow) => {
    if (e.actorAccountId == null) return <Typography.Text type="secondary">{t('auditLog.system')}</Typography.Text>;
    const name = e.actorName ?? `#${e.actorAccountId}`;
    return (
      <Space size={4} wrap>
        <Button
          type="link"
          size="small"
          style={{ padding: 0 }}
          title={t('auditLog.byActor', { name })}
          onClick={(ev) => {
            ev.stopPropagation();
            set({ actor: { id: e.actorAccountId as number, name } });
          }}
        >
          {name}
        </Button>
        {e.actorRoles.map((r) => (
          <Tag key={r} style={{ marginInlineEnd: 0 }}>
            {t(`role.${r}` as const)}
          </Tag>
        ))}
      </Space>
    );
  };
  const subjectCell = (e: EventRow) => {
    const text = subjectText(t, e.subjectType, e.subjectId);
    const to = subjectLink(e.subjectType, e.subjectId, e.before, e.after);
    return to ? (
      <Link to={to} onClick={(ev) => ev.stopPropagation()}>
        {text}
      </Link>
    ) : (
      text
    );
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
          message={
            report.ok
              ? t('audit.chainOk', { checked: report.checked })
              : t('audit.chainBroken', { id: report.firstBrokenId ?? '?', reason: report.reason ?? '' })
          }
        />
      )}
      {verifyError && <Alert role="alert" type="error" showIcon message={verifyError} style={{ marginBottom: 16 }} />}
      <Space wrap style={{ marginBottom: 16 }} aria-label={t('common.search')}>
        {filters.actor ? (
          <Tag closable onClose={() => set({ actor: null })} color="blue" style={{ padding: '4px 8px' }}>
            {t('auditLog.filterActor')}：{filters.actor.name}
          </Tag>
        ) : (
          <Typography.Text type="secondary">{t('auditLog.filterActorHint')}</Typography.Text>
        )}
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 200 }}
          placeholder={t('auditLog.filterAction')}
          aria-label={t('auditLog.filterAction')}
          value={filters.action ?? undefined}
          onChange={(v?: string) => set({ action: v ?? null })}
          options={AUDIT_ACTIONS.map((code) => ({ value: code, label: actionText(t, code) }))}
        />
        <Select
          allowClear
          showSearch
          optionFilterProp="label"
          style={{ minWidth: 160 }}
          placeholder={t('auditLog.filterSubject')}
          aria-label={t('auditLog.filterSubject')}
          value={filters.subjectType ?? undefined}
          onChange={(v?: string) => set({ subjectType: v ?? null, subjectId: null })}
          options={AUDIT_SUBJECT_TYPES.map((type) => ({ value: type, label: subjectText(t, type, null) }))}
        />
        {filters.subjectId != null && (
          <Tag closable onClose={() => set({ subjectId: null })} color="blue" style={{ padding: '4px 8px' }}>
            {subjectText(t, filters.subjectType ?? '', filters.subjectId)}
          </Tag>
        )}
        <div style={{ width: 200, display: 'grid' }}>
          <label htmlFor="audit-filter-region" style={VISUALLY_HIDDEN}>
            {t('auditLog.filterRegion')}
          </label>
          <RegionSelect
            id="audit-filter-region"
            value={filters.regionId ?? undefined}
            onChange={(v) => set({ regionId: v || null })}
            placeholder={t('auditLog.filterRegion')}
          />
        </div>
        <DatePicker.RangePicker
          aria-label={t('auditLog.filterDays')}
          placeholder={[t('auditLog.since'), t('auditLog.until')]}
          value={filters.days}
          onChange={(v) => set({ days: v && v[0] && v[1] ? [v[0], v[1]] : null })}
        />
        {filtered && <Button onClick={() => setFilters(NO_FILTERS)}>{t('auditLog.clearFilters')}</Button>}
      </Space>
      <ListState loading={list.loading} error={list.error} empty={list.nodes.length === 0} onRetry={() => void list.reload()}>
        <Table<EventRow>
          rowKey="id"
          dataSource={list.nodes}
          pagination={false}
          scroll={{ x: true }}
          onRow={(e) => ({ onClick: () => setOpen(e), style: { cursor: 'pointer' } })}
          columns={[
            { title: t('auditLog.atBeijing'), dataIndex: 'at', render: formatDateTime, width: 150 },
            { title: t('audit.actor'), render: (_, e) => actorCell(e) },
            { title: t('audit.action'), render: (_, e) => actionText(t, e.action) },
            { title: t('audit.subject'), render: (_, e) => subjectCell(e) },
            {
              title: t('audit.region'),
              render: (_, e) => (e.regionPath ? <span title={e.regionPath}>{e.regionName ?? e.regionPath}</span> : '—'),
            },
            {
              title: t('auditLog.details'),
              render: (_, e) => (
                <Button
                  size="small"
                  onClick={(ev) => {
                    ev.stopPropagation();
                    setOpen(e);
                  }}
                >
                  {t('auditLog.open')}
                </Button>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <EventDrawer
        event={open}
        onClose={() => setOpen(null)}
        onSubjectHistory={(e) => {
          setFilters({ ...NO_FILTERS, subjectType: e.subjectType, subjectId: e.subjectId });
          setOpen(null);
        }}
      />
    </div>
  );
}

function EventDrawer({
  event,
  onClose,
  onSubjectHistory,
}: {
  event: EventRow | null;
  onClose: () => void;
  onSubjectHistory: (e: EventRow) => void;
}) {
  const { t } = useI18n();
  const rows = event ? diffSnapshots(event.before, event.after) : [];
  const changed = rows.filter((r) => r.changed).length;
  return (
    <Drawer open={event !== null} onClose={onClose} width={720} title={t('auditLog.details')} destroyOnClose>
      {event && (
        <>
          <Descriptions column={1} size="small" bordered style={{ marginBottom: 16 }}>
            <Descriptions.Item label={t('auditLog.atBeijing')}>{formatDateTime(event.at)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.actor')}>
              {event.actorAccountId == null ? t('auditLog.system') : (event.actorName ?? `#${event.actorAccountId}`)}
              {event.actorRoles.map((r) => (
                <Tag key={r} style={{ marginInlineStart: 8 }}>
                  {t(`role.${r}` as const)}
                </Tag>
              ))}
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.action')}>{actionText(t, event.action)}</Descriptions.Item>
            <Descriptions.Item label={t('audit.subject')}>
              <Space wrap>
                {subjectText(t, event.subjectType, event.subjectId)}
                {event.subjectId != null && (
                  <Button size="small" onClick={() => onSubjectHistory(event)}>
                    {t('auditLog.subjectHistory')}
                  </Button>
                )}
              </Space>
            </Descriptions.Item>
            <Descriptions.Item label={t('audit.region')}>{event.regionName ?? event.regionPath ?? '—'}</Descriptions.Item>
          </Descriptions>
          {rows.length === 0 ? (
            <Alert type="info" showIcon message={t('auditLog.noSnapshot')} />
          ) : (
            <>
              <Typography.Paragraph type="secondary">{t('auditLog.changed', { count: changed })}</Typography.Paragraph>
              <Table
                rowKey="field"
                size="small"
                pagination={false}
                dataSource={rows}
                onRow={(r) =>
                  ({
                    style: r.changed ? { background: '#fff7e6' } : undefined,
                    'data-changed': r.changed ? 'true' : 'false',
                  }) as HTMLAttributes<HTMLElement>
                }
                columns={[
                  {
                    title: t('auditLog.field'),
                    dataIndex: 'field',
                    render: (v: string, r) => (r.changed ? <Typography.Text strong>{v}</Typography.Text> : v),
                  },
                  {
                    title: t('auditLog.before'),
                    dataIndex: 'before',
                    render: (v: string, r) =>
                      r.changed ? (
                        <Typography.Text delete={!r.oneSided} type="danger">
                          {v}
                        </Typography.Text>
                      ) : (
                        v
                      ),
                  },
                  {
                    title: t('auditLog.after'),
                    dataIndex: 'after',
                    render: (v: string, r) =>
                      r.changed ? (
                        <Typography.Text type="success" strong>
                          {v}
                        </Typography.Text>
                      ) : (
                        v
                      ),
                  },
                ]}
              />
            </>
          )}
        </>
      )}
    </Drawer>
  );
}
