import { Link, useParams } from 'react-router-dom';
import { Card, Col, Descriptions, Empty, Row, Space, Steps, Table, Tag, Typography } from 'antd';
import { EvidenceChainDocument, type EvidenceChainQuery, type FindingFieldsFragment } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { formatBytes, formatDate, formatDateTime } from '../../components/format';
import { useI18n, type MessageKey, type Translate } from '../../i18n';
import { ProjectStatusTag } from '../projects/ProjectStatusTag';
import { ExportButton } from './ExportButton';
import { ruleTitle } from './FindingsPage';
import { hours, yuan } from './figures';

type Chain = EvidenceChainQuery['evidenceChain'];

/** A code's catalogue text (`prefix.CODE`), or the code itself when the catalogue lacks it. */
function label(t: Translate, prefix: string, code: string): string {
  const key = `${prefix}.${code}` as MessageKey;
  const text = t(key);
  return text === key ? code : text;
}

/** The open findings whose subject is one of `ids`, as red tags (rule titles). */
function FindingTags({ findings, id }: { findings: FindingFieldsFragment[]; id: string }) {
  const { t } = useI18n();
  const mine = findings.filter((f) => f.subject.id === id);
  if (!mine.length) return null;
  return (
    <Space size={2} wrap>
      {mine.map((f) => (
        <Tag key={f.id} color="red" data-testid="chain-finding-tag">
          {ruleTitle(t, f.rule, f.ruleTitle)}
        </Tag>
      ))}
    </Space>
  );
}

/**
 * 证据链: one project from the need it came from to the hours its volunteers gave, with the
 * open findings on any of its parts (docs/oversight.md, "Evidence chain"). Sealed bids are
 * never shown; volunteers' names are masked as everywhere an official reads the ledger.
 */
export function EvidenceChainPage() {
  const { t } = useI18n();
  const { projectId = '' } = useParams();
  const { data, loading, error, refetch } = useQuery(EvidenceChainDocument, { projectId });
  const chain = data?.evidenceChain;
  return (
    <div data-testid="evidence-chain">
      <ListState loading={loading && !chain} error={error} empty={false} onRetry={() => void refetch()}>
        {chain && <ChainView chain={chain} />}
      </ListState>
      {!chain && !loading && !error && <Typography.Text type="secondary">{t('evc.missing')}</Typography.Text>}
    </div>
  );
}

function ChainView({ chain }: { chain: Chain }) {
  const { t } = useI18n();
  const findings = chain.openFindings;
  const awarded = chain.bids.find((b) => b.awarded);
  const tot = chain.totals;
  const steps = [
    { title: t('evc.step.need'), done: chain.needs.length > 0 },
    { title: t('evc.step.bids'), done: !chain.sealed && chain.bids.length > 0 },
    { title: t('evc.step.award'), done: !!awarded },
    { title: t('evc.step.contract'), done: !!chain.contract },
    { title: t('evc.step.acceptance'), done: tot.milestonesAccepted > 0 },
    { title: t('evc.step.reports'), done: chain.reports.length > 0 },
    { title: t('evc.step.hours'), done: tot.approvedRecords > 0 },
    { title: t('evc.step.payments'), done: chain.payments.length > 0 },
  ];
  const current = steps.findIndex((s) => !s.done);
  return (
    <>
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('evc.title', { title: chain.title })}
        </Typography.Title>
        <Space wrap>
          <Link to={`/projects/${chain.projectId}`}>{t('evc.projectPage')}</Link>
          <ExportButton input={{ kind: 'EVIDENCE', projectId: chain.projectId }} testId="export-evidence" />
        </Space>
      </Space>
      <Steps
        size="small"
        style={{ margin: '8px 0 16px' }}
        current={current < 0 ? steps.length : current}
        items={steps.map((s) => ({ title: s.title, status: s.done ? 'finish' : 'wait' }))}
        aria-label={t('evc.stages')}
      />
      <Row gutter={[16, 16]}>
        <Col xs={24} lg={14}>
          <Card title={t('evc.project')} size="small" extra={<FindingTags findings={findings} id={chain.projectId} />}>
            <Descriptions column={{ xs: 1, sm: 2 }} size="small">
              <Descriptions.Item label={t('evc.status')}>
                <ProjectStatusTag status={chain.status} />
              </Descriptions.Item>
              <Descriptions.Item label={t('evc.region')}>{chain.regionName}</Descriptions.Item>
              <Descriptions.Item label={t('evc.category')}>{label(t, 'category', chain.category)}</Descriptions.Item>
              <Descriptions.Item label={t('evc.method')}>{label(t, 'method', chain.procurementMethod)}</Descriptions.Item>
              <Descriptions.Item label={t('evc.funding')}>{label(t, 'funding', chain.fundingSource)}</Descriptions.Item>
              <Descriptions.Item label={t('evc.period')}>
                {chain.serviceStart} – {chain.serviceEnd}
              </Descriptions.Item>
              <Descriptions.Item label={t('evc.deadline')}>{formatDateTime(chain.bidDeadline)}</Descriptions.Item>
              <Descriptions.Item label={t('evc.openedAt')}>{formatDateTime(chain.openedAt)}</Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
        <Col xs={24} lg={10}>
          <Card title={t('evc.totals')} size="small" data-testid="chain-totals">
            <Descriptions column={1} size="small">
              <Descriptions.Item label={t('ovs.budgeted')}>{yuan(tot.budgetCeilingFen)}</Descriptions.Item>
              <Descriptions.Item label={t('ovs.contracted')}>{yuan(tot.contractedFen)}</Descriptions.Item>
              <Descriptions.Item label={t('ovs.paid')}>
                <span data-testid="chain-paid">{yuan(tot.paidFen)}</span>
              </Descriptions.Item>
              <Descriptions.Item label={t('ovs.outstanding')}>{yuan(tot.outstandingFen)}</Descriptions.Item>
              <Descriptions.Item label={t('evc.milestonesAccepted')}>{tot.milestonesAccepted}</Descriptions.Item>
              <Descriptions.Item label={t('evc.beneficiaries')}>{tot.acceptedBeneficiaries}</Descriptions.Item>
              <Descriptions.Item label={t('evc.approvedTime')}>
                {t('ovs.hoursValue', { hours: hours(tot.approvedMinutes) })} · {t('evc.volunteerCount', { n: tot.volunteers })}
              </Descriptions.Item>
              <Descriptions.Item label={t('evc.reportedTime')}>
                {t('ovs.hoursValue', { hours: hours(tot.reportedMinutes) })}
              </Descriptions.Item>
            </Descriptions>
          </Card>
        </Col>
      </Row>

      {chain.findingsVisible && (
        <Card title={t('evc.findings')} size="small" style={{ marginTop: 16 }} data-testid="chain-findings">
          {findings.length ? (
            <Table<FindingFieldsFragment>
              rowKey="id"
              size="small"
              pagination={false}
              dataSource={findings}
              scroll={{ x: true }}
              columns={[
                { title: t('find.rule'), render: (_, f) => ruleTitle(t, f.rule, f.ruleTitle) },
                { title: t('find.subject'), render: (_, f) => `${label(t, 'find.subjectType', f.subject.type)} · ${f.subject.label}` },
                { title: t('find.money'), dataIndex: 'moneyFen', align: 'right', render: (v: number) => (v ? yuan(v) : '—') },
                { title: t('find.lastSeen'), dataIndex: 'lastSeenAt', render: formatDateTime },
              ]}
            />
          ) : (
            <Typography.Text type="secondary">{t('evc.noFindings')}</Typography.Text>
          )}
        </Card>
      )}

      <Card title={t('evc.needs')} size="small" style={{ marginTop: 16 }}>
        {chain.needs.length ? (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={chain.needs}
            columns={[
              { title: t('evc.category'), dataIndex: 'category', render: (c: string) => label(t, 'category', c) },
              { title: t('evc.targetGroup'), dataIndex: 'targetGroup' },
              { title: t('evc.description'), dataIndex: 'description' },
              { title: t('evc.people'), dataIndex: 'peopleAffected', align: 'right' },
            ]}
          />
        ) : (
          <Typography.Text type="secondary">{t('evc.noNeeds')}</Typography.Text>
        )}
      </Card>

      <Card title={t('evc.bids')} size="small" style={{ marginTop: 16 }} data-testid="chain-bids">
        {chain.sealed ? (
          <Typography.Text type="secondary">{t('evc.sealed')}</Typography.Text>
        ) : (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={chain.bids}
            scroll={{ x: true }}
            locale={{ emptyText: t('evc.none') }}
            columns={[
              { title: t('evc.rank'), dataIndex: 'rank', width: 64, render: (v: number | null) => v ?? '—' },
              {
                title: t('evc.organization'),
                render: (_, b) => (
                  <Space size={4} wrap>
                    {b.organizationName}
                    {b.awarded && <Tag color="green">{t('evc.awarded')}</Tag>}
                    <FindingTags findings={findings} id={b.id} />
                  </Space>
                ),
              },
              { title: t('evc.price'), dataIndex: 'priceFen', align: 'right', render: (v: number) => yuan(v) },
              {
                title: t('evc.score'),
                dataIndex: 'totalScore',
                align: 'right',
                render: (v: number | null) => (v === null ? '—' : v.toFixed(2)),
              },
              { title: t('evc.status'), dataIndex: 'status', render: (s: string) => label(t, 'bidStatus', s) },
              { title: t('evc.disqualified'), dataIndex: 'disqualifiedReason', render: (v: string | null) => v ?? '' },
            ]}
          />
        )}
      </Card>

      <Card title={t('evc.contract')} size="small" style={{ marginTop: 16 }} data-testid="chain-contract">
        {chain.contract ? (
          <Descriptions column={{ xs: 1, sm: 3 }} size="small">
            <Descriptions.Item label={t('evc.organization')}>{chain.contract.organizationName}</Descriptions.Item>
            <Descriptions.Item label={t('evc.amount')}>
              {yuan(chain.contract.amountFen)} <FindingTags findings={findings} id={chain.contract.id} />
            </Descriptions.Item>
            <Descriptions.Item label={t('evc.period')}>
              {chain.contract.startDate} – {chain.contract.endDate}
            </Descriptions.Item>
          </Descriptions>
        ) : (
          <Typography.Text type="secondary">{t('evc.noContract')}</Typography.Text>
        )}
        {chain.milestones.length > 0 && (
          <Table
            style={{ marginTop: 8 }}
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={chain.milestones}
            scroll={{ x: true }}
            columns={[
              { title: '#', dataIndex: 'sequence', width: 48 },
              {
                title: t('evc.milestone'),
                render: (_, m) => (
                  <Space size={4} wrap>
                    {m.title}
                    <FindingTags findings={findings} id={m.id} />
                  </Space>
                ),
              },
              { title: t('evc.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => yuan(v) },
              { title: t('evc.dueDate'), dataIndex: 'dueDate' },
              { title: t('evc.status'), dataIndex: 'status', render: (s: string) => label(t, 'milestone', s) },
              { title: t('evc.acceptedAt'), dataIndex: 'acceptedAt', render: formatDateTime },
            ]}
          />
        )}
      </Card>

      <Card title={t('evc.payments')} size="small" style={{ marginTop: 16 }} data-testid="chain-payments">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={chain.payments}
          scroll={{ x: true }}
          locale={{ emptyText: t('evc.none') }}
          columns={[
            { title: t('evc.paidOn'), dataIndex: 'paidOn', render: (v: string) => v },
            {
              title: t('evc.voucher'),
              render: (_, p) => (
                <Space size={4} wrap>
                  {p.voucherNumber}
                  <FindingTags findings={findings} id={p.id} />
                </Space>
              ),
            },
            {
              title: t('evc.milestone'),
              dataIndex: 'milestoneId',
              render: (id: string) => chain.milestones.find((m) => m.id === id)?.title ?? '—',
            },
            { title: t('evc.amount'), dataIndex: 'amountFen', align: 'right', render: (v: number) => yuan(v) },
          ]}
        />
      </Card>

      <Card title={t('evc.reports')} size="small" style={{ marginTop: 16 }} data-testid="chain-reports">
        <Table
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={chain.reports}
          scroll={{ x: true }}
          locale={{ emptyText: t('evc.none') }}
          columns={[
            {
              title: t('evc.milestone'),
              dataIndex: 'milestoneId',
              render: (id: string) => chain.milestones.find((m) => m.id === id)?.title ?? '—',
            },
            {
              title: t('evc.status'),
              render: (_, r) => (
                <Space size={4} wrap>
                  {label(t, 'report', r.status)}
                  <FindingTags findings={findings} id={r.id} />
                </Space>
              ),
            },
            { title: t('evc.activitiesHeld'), dataIndex: 'activitiesHeld', align: 'right' },
            { title: t('evc.beneficiaries'), dataIndex: 'beneficiariesServed', align: 'right' },
            { title: t('evc.reportedHours'), dataIndex: 'volunteerMinutes', align: 'right', render: (v: number) => hours(v) },
            { title: t('evc.submittedAt'), dataIndex: 'submittedAt', render: formatDate },
            {
              title: t('evc.files'),
              render: (_, r) =>
                r.files.length ? (
                  <Space direction="vertical" size={0}>
                    {r.files.map((f) => (
                      <a key={f.id} href={`/files/${f.pk}`} download>
                        {f.filename} ({formatBytes(f.size)})
                      </a>
                    ))}
                  </Space>
                ) : (
                  '—'
                ),
            },
          ]}
        />
      </Card>

      <Card title={t('evc.hours')} size="small" style={{ marginTop: 16 }} data-testid="chain-hours">
        {chain.activities.length ? (
          <Table
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={chain.activities}
            scroll={{ x: true }}
            expandable={{
              rowExpandable: (a) => a.volunteers.length > 0,
              expandedRowRender: (a) => (
                <Space wrap size={[8, 4]}>
                  {a.volunteers.map((v, i) => (
                    <Tag key={i}>
                      {v.nameMasked} · {t('ovs.hoursValue', { hours: hours(v.minutes) })} · {t('evc.recordsCount', { n: v.records })}
                    </Tag>
                  ))}
                </Space>
              ),
            }}
            columns={[
              { title: t('evc.activity'), dataIndex: 'title' },
              { title: t('evc.records'), dataIndex: 'approvedRecords', align: 'right' },
              { title: t('evc.volunteers'), align: 'right', render: (_, a) => a.volunteers.length },
              { title: t('evc.approvedHours'), dataIndex: 'approvedMinutes', align: 'right', render: (v: number) => hours(v) },
            ]}
            summary={() => (
              <Table.Summary.Row>
                <Table.Summary.Cell index={0} />
                <Table.Summary.Cell index={1}>{t('evc.total')}</Table.Summary.Cell>
                <Table.Summary.Cell index={2} align="right">
                  {tot.approvedRecords}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={3} align="right">
                  {tot.volunteers}
                </Table.Summary.Cell>
                <Table.Summary.Cell index={4} align="right">
                  {hours(tot.approvedMinutes)}
                </Table.Summary.Cell>
              </Table.Summary.Row>
            )}
          />
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('evc.noActivities')} />
        )}
      </Card>
    </>
  );
}
