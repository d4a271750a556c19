import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Alert, Button, Descriptions, Drawer, Form, Select, Space, Table, Tag, Tooltip, Typography, App as AntApp } from 'antd';
import {
  FindingsDocument,
  RunAuditScanDocument,
  type FindingFieldsFragment,
  type FindingSeverity,
  type FindingStatus,
} from '../../api/generated';
import { useMutation } from '../../api/client';
import { usePaged } from '../../api/paged';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LoadMore } from '../../components/LoadMore';
import { RegionSelect } from '../../components/RegionSelect';
import { formatDateTime } from '../../components/format';
import { useSession } from '../../auth/session';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { RULE_CODES } from '../../i18n/oversight';
import { DecideFindingForm } from './DecideFindingForm';
import { ExportButton } from './ExportButton';
import { evidenceEntries, yuan } from './figures';

const SEVERITY_COLOR: Record<FindingSeverity, string> = { HIGH: 'red', MEDIUM: 'orange', LOW: 'default' };
const STATUS_COLOR: Record<FindingStatus, string> = { OPEN: 'gold', CONFIRMED: 'red', DISMISSED: 'default' };
const STATUSES: FindingStatus[] = ['OPEN', 'CONFIRMED', 'DISMISSED'];

/** The rule's Chinese or English title; the server's (English) title for a code we don't know. */
export function ruleTitle(t: Translate, rule: string, serverTitle: string): string {
  const key = `find.rule.${rule}` as MessageKey;
  const text = t(key);
  return text === key ? serverTitle : text;
}

/** The community's code of a region path ("/3701…/370102001001/" → "370102001001"). */
function lastCode(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts[parts.length - 1] ?? path;
}

/** An evidence key's label, and its value with enum codes (method, category) translated. */
function evidenceLabel(t: Translate, key: string): string {
  const k = `find.ev.${key}` as MessageKey;
  const text = t(k);
  return text === k ? key : text;
}

/** Evidence keys whose values hold codes (a price pattern, an evaluator's tie) to put in words. */
const CODED_EVIDENCE = new Set(['patterns', 'ties']);

function evidenceText(t: Translate, key: string, value: string): string {
  if (CODED_EVIDENCE.has(key)) {
    return value.replace(/\b(STEP|RATIO|member|formerMember|sameLegalRepresentative)\b/g, (code) => t(`find.code.${code}` as MessageKey));
  }
  const prefix =
    key === 'method'
      ? 'method.'
      : key === 'category'
        ? 'category.'
        : key === 'requiredGrade' || key === 'organizationGrade'
          ? 'org.grade.'
          : null;
  if (!prefix) return value;
  const k = `${prefix}${value}` as MessageKey;
  const text = t(k);
  return text === k ? value : text;
}

function subjectType(t: Translate, type: string): string {
  const key = `find.subjectType.${type}` as MessageKey;
  const text = t(key);
  return text === key ? type : text;
}

/** 审计发现: the queue of findings, highest priority first; open one to decide it. */
export function FindingsPage() {
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const [params, setParams] = useSearchParams();
  const mayDecide = activeGrant?.role === 'AUDITOR';
  const mayScan = activeGrant?.role === 'AUDITOR' || activeGrant?.role === 'PLATFORM_ADMIN';
  const status = (params.get('status') ?? 'OPEN') as FindingStatus | 'ALL';
  const rule = params.get('rule');
  const regionId = params.get('region');
  const holdsText = params.get('holds');
  const holds = holdsText === 'yes' ? true : holdsText === 'no' ? false : null;
  const variables = useMemo(
    () => ({ first: 50, rule, status: status === 'ALL' ? null : status, regionId, holds }),
    [rule, status, regionId, holds],
  );
  const list = usePaged(FindingsDocument, variables, (d) => d.findings);
  const [openId, setOpenId] = useState<string | null>(null);
  const [decided, setDecided] = useState<Record<string, FindingFieldsFragment>>({});
  const [scan, { loading: scanning }] = useMutation(RunAuditScanDocument);
  const [scanError, setScanError] = useState<string | null>(null);

  const setFilter = (name: string, value: string | null) => {
    const p = new URLSearchParams(params);
    if (value === null || value === '') p.delete(name);
    else p.set(name, value);
    setParams(p);
  };
  const runScan = async () => {
    setScanError(null);
    try {
      const result = (await scan({})).runAuditScan;
      if (result.errors.length) {
        setScanError(result.errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
        return;
      }
      message.success(t('find.scanQueued'));
      await list.reload();
    } catch (exc) {
      setScanError(describeError(exc, locale));
    }
  };

  const rows = list.nodes.map((f) => decided[f.id] ?? f);
  const open = rows.find((f) => f.id === openId) ?? null;

  return (
    <div data-testid="findings-page">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 16 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('find.title')}
        </Typography.Title>
        <Space wrap>
          <Link to="/app/spending">{t('nav.spending')}</Link>
          <ExportButton input={{ kind: 'FINDINGS', rule, status: status === 'ALL' ? null : status, regionId }} testId="export-findings" />
          {mayScan && (
            <Button type="primary" onClick={() => void runScan()} loading={scanning}>
              {t('find.scan')}
            </Button>
          )}
        </Space>
      </Space>
      {scanError && <Alert role="alert" type="error" showIcon message={scanError} style={{ marginBottom: 16 }} />}
      <Form layout="inline" style={{ marginBottom: 16, rowGap: 8 }} name="finding-filters">
        <Form.Item label={t('find.filterRule')} htmlFor="filter-rule">
          <Select
            id="filter-rule"
            allowClear
            showSearch
            optionFilterProp="label"
            style={{ width: 260 }}
            placeholder={t('find.all')}
            value={rule ?? undefined}
            onChange={(v?: string) => setFilter('rule', v ?? null)}
            options={RULE_CODES.map((code) => ({ value: code, label: ruleTitle(t, code, code) }))}
          />
        </Form.Item>
        <Form.Item label={t('find.filterStatus')} htmlFor="filter-status">
          <Select
            id="filter-status"
            style={{ width: 120 }}
            value={status}
            onChange={(v: string) => setFilter('status', v)}
            options={[{ value: 'ALL', label: t('find.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`find.status.${s}`) }))]}
          />
        </Form.Item>
        <Form.Item label={t('find.filterRegion')} htmlFor="filter-region">
          <div style={{ display: 'flex', gap: 4 }}>
            <div style={{ width: 200 }}>
              <RegionSelect
                id="filter-region"
                value={regionId ?? undefined}
                under={activeGrant?.region?.id ?? null}
                placeholder={t('find.all')}
                onChange={(v) => setFilter('region', v)}
              />
            </div>
            {regionId && (
              <Button size="small" type="link" onClick={() => setFilter('region', null)}>
                {t('find.all')}
              </Button>
            )}
          </div>
        </Form.Item>
        <Form.Item label={t('find.filterHolds')} htmlFor="filter-holds">
          <Select
            id="filter-holds"
            style={{ width: 120 }}
            value={holdsText ?? 'all'}
            onChange={(v: string) => setFilter('holds', v === 'all' ? null : v)}
            options={[
              { value: 'all', label: t('find.all') },
              { value: 'yes', label: t('find.holdsYes') },
              { value: 'no', label: t('find.holdsNo') },
            ]}
          />
        </Form.Item>
      </Form>
      <ListState
        loading={list.loading}
        error={list.error}
        empty={rows.length === 0}
        emptyText={t('find.empty')}
        onRetry={() => void list.reload()}
      >
        <Table<FindingFieldsFragment>
          data-testid="findings-table"
          rowKey="id"
          size="middle"
          dataSource={rows}
          pagination={false}
          scroll={{ x: 1300 }}
          onRow={(f) => ({ onDoubleClick: () => setOpenId(f.id) })}
          columns={[
            {
              title: t('find.severity'),
              dataIndex: 'severity',
              width: 96,
              render: (s: FindingSeverity) => <Tag color={SEVERITY_COLOR[s]}>{t(`find.severity.${s}`)}</Tag>,
            },
            { title: t('find.rule'), width: 220, render: (_, f) => ruleTitle(t, f.rule, f.ruleTitle) },
            { title: t('find.subject'), width: 240, render: (_, f) => `${subjectType(t, f.subject.type)} · ${f.subject.label}` },
            {
              title: t('find.region'),
              width: 130,
              render: (_, f) => (
                <Tooltip title={f.regionPath}>
                  <span>{f.regionName ?? lastCode(f.regionPath)}</span>
                </Tooltip>
              ),
            },
            { title: t('find.money'), dataIndex: 'moneyFen', align: 'right', width: 130, render: (v: number) => (v ? yuan(v) : '—') },
            { title: t('find.priority'), dataIndex: 'priority', align: 'right', width: 90, render: (v: number) => v.toFixed(1) },
            {
              width: 150,
              title: t('find.status'),
              render: (_, f) => (
                <Space size={4}>
                  <Tag color={STATUS_COLOR[f.status]}>{t(`find.status.${f.status}`)}</Tag>
                  {!f.holds && <Tag>{t('find.holdsNo')}</Tag>}
                </Space>
              ),
            },
            { title: t('find.lastSeen'), dataIndex: 'lastSeenAt', width: 150, render: formatDateTime },
            {
              title: '',
              width: 80,
              fixed: 'right',
              render: (_, f) => (
                <Button
                  size="small"
                  onClick={() => setOpenId(f.id)}
                  aria-label={`${t('find.open')} ${ruleTitle(t, f.rule, f.ruleTitle)} ${f.subject.label}`}
                >
                  {t('find.open')}
                </Button>
              ),
            },
          ]}
        />
        <LoadMore hasMore={list.hasMore} loading={list.loadingMore} onClick={() => void list.loadMore()} />
      </ListState>
      <Drawer
        open={open !== null}
        onClose={() => setOpenId(null)}
        width={Math.min(640, typeof window === 'undefined' ? 640 : window.innerWidth)}
        title={open ? ruleTitle(t, open.rule, open.ruleTitle) : ''}
        destroyOnHidden
      >
        {open && (
          <FindingDetail
            finding={open}
            mayDecide={mayDecide}
            onDecided={(f) => {
              setDecided((prev) => ({ ...prev, [f.id]: f }));
              message.success(t('find.decided', { status: t(`find.status.${f.status}`) }));
            }}
          />
        )}
      </Drawer>
    </div>
  );
}

function FindingDetail({
  finding,
  mayDecide,
  onDecided,
}: {
  finding: FindingFieldsFragment;
  mayDecide: boolean;
  onDecided: (f: FindingFieldsFragment) => void;
}) {
  const { t } = useI18n();
  const projects = finding.evidenceProjects;
  return (
    <div data-testid="finding-detail">
      <Space size={4} style={{ marginBottom: 12 }} wrap>
        <Tag color={SEVERITY_COLOR[finding.severity]}>{t(`find.severity.${finding.severity}`)}</Tag>
        <Tag color={STATUS_COLOR[finding.status]}>{t(`find.status.${finding.status}`)}</Tag>
        <Typography.Text type="secondary">{finding.rule}</Typography.Text>
      </Space>
      {!finding.holds && <Alert type="info" showIcon message={t('find.conditionGone')} style={{ marginBottom: 12 }} />}
      <Descriptions column={1} size="small" bordered>
        <Descriptions.Item label={t('find.subject')}>
          {subjectType(t, finding.subject.type)} · {finding.subject.label}
        </Descriptions.Item>
        <Descriptions.Item label={t('find.region')}>
          <Tooltip title={finding.regionPath}>
            <span>{finding.regionName ?? finding.regionPath}</span>
          </Tooltip>
        </Descriptions.Item>
        <Descriptions.Item label={t('find.money')}>{finding.moneyFen ? yuan(finding.moneyFen) : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('find.priority')}>{finding.priority.toFixed(2)}</Descriptions.Item>
        <Descriptions.Item label={t('find.firstSeen')}>{formatDateTime(finding.firstSeenAt)}</Descriptions.Item>
        <Descriptions.Item label={t('find.lastSeen')}>{formatDateTime(finding.lastSeenAt)}</Descriptions.Item>
        {finding.decidedAt && <Descriptions.Item label={t('find.decidedAt')}>{formatDateTime(finding.decidedAt)}</Descriptions.Item>}
        {finding.note && <Descriptions.Item label={t('find.note')}>{finding.note}</Descriptions.Item>}
      </Descriptions>
      <Typography.Title level={5} style={{ marginTop: 16 }}>
        {t('find.evidence')}
      </Typography.Title>
      <Descriptions column={1} size="small" bordered data-testid="finding-evidence">
        {evidenceEntries(finding.evidence).map(([k, v]) => (
          <Descriptions.Item key={k} label={evidenceLabel(t, k)}>
            <span style={{ wordBreak: 'break-word', whiteSpace: 'pre-line' }}>{evidenceText(t, k, v)}</span>
          </Descriptions.Item>
        ))}
      </Descriptions>
      {projects.length > 0 && (
        <Space direction="vertical" style={{ marginTop: 12 }} aria-label={t('find.evidenceProjects')} data-testid="finding-projects">
          {projects.map((p) => (
            <Space key={p.id} size={12} wrap>
              <Link to={`/projects/${p.id}`}>{t('find.subjectPage', { type: subjectType(t, 'Project'), label: p.title })}</Link>
              <Link to={`/app/evidence/${p.id}`} aria-label={t('evc.openFor', { title: p.title })}>
                {t('evc.open')}
              </Link>
            </Space>
          ))}
        </Space>
      )}
      {mayDecide && finding.status === 'OPEN' && (
        <>
          <Typography.Title level={5} style={{ marginTop: 16 }}>
            {t('find.decision')}
          </Typography.Title>
          <DecideFindingForm finding={finding} onDecided={onDecided} />
        </>
      )}
    </div>
  );
}
