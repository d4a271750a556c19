import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Breadcrumb, Button, Card, Col, Descriptions, Row, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import {
  OversightSummaryDocument,
  SpendingProjectsDocument,
  type FundingSource,
  type ServiceCategory,
  type SpendingProjectsQuery,
  type SpendingSliceFragment,
} from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { LazyEChart } from '../../components/charts/LazyEChart';
import { groupedBarOption, lineOption, pieOption } from '../../components/charts/options';
import { useI18n, type MessageKey } from '../../i18n';
import { ExportButton } from './ExportButton';
import { HeadlineFigures } from './HeadlineFigures';
import { ProjectStatusTag } from '../projects/ProjectStatusTag';
import { fenToYuanNumber, hours, percent, yearOptions, yuan } from './figures';

interface Crumb {
  id: string;
  label: string;
}

/** 资金总览: money, output, competition and concentration of a region, drilled down by region. */
export function SpendingOverviewPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const regionId = params.get('region');
  const yearText = params.get('year');
  const year = yearText && /^\d{4}$/.test(yearText) ? Number(yearText) : null;
  // The regions clicked through, to name them in the breadcrumb (the API returns ids only).
  const [trail, setTrail] = useState<Crumb[]>([]);
  const { data, loading, error, refetch } = useQuery(OversightSummaryDocument, { regionId, year });
  const summary = data?.spendingSummary;

  const go = (next: { region?: string | null; year?: number | null }) => {
    const p = new URLSearchParams(params);
    const r = next.region === undefined ? regionId : next.region;
    const y = next.year === undefined ? year : next.year;
    if (r) p.set('region', r);
    else p.delete('region');
    if (y) p.set('year', String(y));
    else p.delete('year');
    setParams(p);
  };
  const drill = (slice: SpendingSliceFragment) => {
    setTrail((prev) => [...prev.filter((c) => c.id !== slice.key), { id: slice.key, label: slice.label }]);
    go({ region: slice.key });
  };
  const back = (index: number) => {
    if (index < 0) {
      setTrail([]);
      go({ region: null });
    } else {
      setTrail((prev) => prev.slice(0, index + 1));
      go({ region: trail[index].id });
    }
  };

  const crumbs = useMemo(() => {
    const items: { title: React.ReactNode }[] = [
      { title: regionId ? <a onClick={() => back(-1)}>{t('ovs.scopeAll')}</a> : t('ovs.scopeAll') },
    ];
    const known = trail.findIndex((c) => c.id === regionId);
    const shown = known >= 0 ? trail.slice(0, known + 1) : regionId ? [{ id: regionId, label: '…' }] : [];
    shown.forEach((c, i) => {
      const last = i === shown.length - 1;
      items.push({ title: last ? c.label : <a onClick={() => back(i)}>{c.label}</a> });
    });
    return items;
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [trail, regionId, t]);

  const sliceLabel = (kind: 'category' | 'funding', s: SpendingSliceFragment) => {
    const key = `${kind}.${s.key}` as MessageKey;
    const text = t(key);
    return text === key ? s.label : text;
  };

  const trendOption = useMemo(
    () =>
      lineOption(
        (summary?.byMonth ?? []).map((m) => ({ name: m.month, value: fenToYuanNumber(m.paidFen) })),
        t('ovs.chartYuan'),
      ),
    [summary, t],
  );
  const categoryOption = useMemo(() => {
    const slices = (summary?.byCategory ?? []).filter((s) => s.budgetedFen || s.contractedFen);
    return groupedBarOption(
      slices.map((s) => sliceLabel('category', s)),
      [
        { name: t('ovs.budgeted'), values: slices.map((s) => fenToYuanNumber(s.budgetedFen)), color: '#f0a39b' },
        { name: t('ovs.contracted'), values: slices.map((s) => fenToYuanNumber(s.contractedFen)), color: '#c41d1d' },
      ],
      t('ovs.chartYuan'),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [summary, t]);
  const fundingOption = useMemo(
    () =>
      pieOption(
        (summary?.byFundingSource ?? [])
          .filter((s) => s.contractedFen > 0)
          .map((s) => ({ name: sliceLabel('funding', s), value: fenToYuanNumber(s.contractedFen) })),
        t('ovs.chartYuan'),
      ),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [summary, t],
  );
  const regions = useMemo(
    () => [...(summary?.byRegion ?? [])].sort((a, b) => b.contractedFen - a.contractedFen || b.budgetedFen - a.budgetedFen),
    [summary],
  );

  return (
    <div data-testid="spending-overview">
      <Space style={{ width: '100%', justifyContent: 'space-between', marginBottom: 8 }} wrap>
        <Typography.Title level={2} style={{ margin: 0 }}>
          {t('ovs.title')}
        </Typography.Title>
        <Space wrap>
          <Select<number | 0>
            aria-label={t('ovs.year')}
            style={{ width: 140 }}
            value={year ?? 0}
            onChange={(v) => go({ year: v || null })}
            options={[{ value: 0, label: t('ovs.allYears') }, ...yearOptions().map((y) => ({ value: y, label: String(y) }))]}
          />
          <Tooltip title={t('ovs.downloadOcdsHint')}>
            <Button
              icon={<DownloadOutlined />}
              href="/ocds/release-package.json"
              download="release-package.json"
              data-testid="ocds-download"
            >
              {t('ovs.downloadOcds')}
            </Button>
          </Tooltip>
          <ExportButton input={{ kind: 'SPENDING', regionId, year }} testId="export-spending" />
          <Link to="/app/findings">{t('ovs.findingsLink')}</Link>
        </Space>
      </Space>
      <Breadcrumb aria-label={t('ovs.breadcrumb')} style={{ marginBottom: 16 }} items={crumbs} />
      <ListState loading={loading && !summary} error={error} empty={false} onRetry={() => void refetch()}>
        {summary && (
          <>
            <HeadlineFigures summary={summary} />
            <Row gutter={[16, 16]} style={{ marginTop: 16 }}>
              <Col xs={24} lg={14}>
                <Card title={t('ovs.trend')} size="small">
                  {summary.byMonth.length ? (
                    <LazyEChart option={trendOption} label={t('ovs.trendLabel')} height={260} testId="chart-trend" />
                  ) : (
                    <Typography.Text type="secondary">{t('ovs.noData')}</Typography.Text>
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={10}>
                <Card title={t('ovs.competition')} size="small">
                  <Descriptions column={1} size="small">
                    <Descriptions.Item label={t('ovs.projects')}>{summary.projects}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.activitiesHeld')}>{summary.activitiesHeld}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.tenders')}>{summary.competition.tenders}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.openTenderShare')}>{percent(summary.competition.openTenderShare)}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.singleBidShare')}>{percent(summary.competition.singleBidShare)}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.singleBidValueShare')}>
                      {percent(summary.competition.singleBidValueShare)}
                    </Descriptions.Item>
                    <Descriptions.Item label={t('ovs.medianValidBids')}>{summary.competition.medianValidBids ?? '—'}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.failedTenders')}>{summary.competition.failedTenders}</Descriptions.Item>
                    <Descriptions.Item label={t('ovs.smallOrNewShare')}>{percent(summary.concentration.smallOrNewShare)}</Descriptions.Item>
                  </Descriptions>
                  {summary.projectsByState.length > 0 && (
                    <Space wrap size={[4, 4]} style={{ marginTop: 8 }} aria-label={t('ovs.projectsByState')}>
                      {summary.projectsByState.map((s) => {
                        const key = `projectStatus.${s.status}` as MessageKey;
                        const label = t(key);
                        return (
                          <Tag key={s.status}>
                            {label === key ? s.status : label} {s.count}
                          </Tag>
                        );
                      })}
                    </Space>
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('ovs.byCategory')} size="small">
                  {summary.byCategory.some((s) => s.budgetedFen || s.contractedFen) ? (
                    <LazyEChart
                      option={categoryOption}
                      label={t('ovs.byCategoryLabel')}
                      height={Math.max(200, 48 + summary.byCategory.filter((s) => s.budgetedFen || s.contractedFen).length * 34)}
                      testId="chart-category"
                    />
                  ) : (
                    <Typography.Text type="secondary">{t('ovs.noData')}</Typography.Text>
                  )}
                </Card>
              </Col>
              <Col xs={24} lg={12}>
                <Card title={t('ovs.byFunding')} size="small">
                  {summary.byFundingSource.some((s) => s.contractedFen > 0) ? (
                    <LazyEChart option={fundingOption} label={t('ovs.byFundingLabel')} height={260} testId="chart-funding" />
                  ) : (
                    <Typography.Text type="secondary">{t('ovs.noData')}</Typography.Text>
                  )}
                </Card>
              </Col>
            </Row>
            <Card
              title={t('ovs.byRegion')}
              size="small"
              style={{ marginTop: 16 }}
              extra={<Typography.Text type="secondary">{t('ovs.byRegionHint')}</Typography.Text>}
            >
              <Table<SpendingSliceFragment>
                data-testid="region-ranking"
                rowKey="key"
                size="small"
                dataSource={regions}
                pagination={false}
                scroll={{ x: true }}
                locale={{ emptyText: t('ovs.noData') }}
                columns={[
                  { title: '#', width: 48, render: (_, __, i) => i + 1 },
                  {
                    title: t('ovs.region'),
                    dataIndex: 'label',
                    render: (label: string, s) => (
                      <Button type="link" style={{ padding: 0 }} onClick={() => drill(s)}>
                        {label}
                      </Button>
                    ),
                  },
                  { title: t('ovs.projects'), dataIndex: 'projects', align: 'right' },
                  { title: t('ovs.budgeted'), dataIndex: 'budgetedFen', align: 'right', render: (v: number) => yuan(v) },
                  { title: t('ovs.contracted'), dataIndex: 'contractedFen', align: 'right', render: (v: number) => yuan(v) },
                  { title: t('ovs.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => yuan(v) },
                  {
                    title: t('ovs.serviceHours'),
                    dataIndex: 'approvedServiceMinutes',
                    align: 'right',
                    render: (v: number) => t('ovs.hoursValue', { hours: hours(v) }),
                  },
                ]}
              />
            </Card>
            <ProjectsBehind
              regionId={regionId}
              year={year}
              categories={summary.byCategory.map((c) => c.key)}
              fundings={summary.byFundingSource.map((c) => c.key)}
            />
          </>
        )}
      </ListState>
    </div>
  );
}

type Row = SpendingProjectsQuery['spendingProjects']['projects'][number];

/** The projects behind the figures above (same region and year), each opening its 证据链. */
function ProjectsBehind({
  regionId,
  year,
  categories,
  fundings,
}: {
  regionId: string | null;
  year: number | null;
  categories: string[];
  fundings: string[];
}) {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const category = (params.get('category') || null) as ServiceCategory | null;
  const fundingSource = (params.get('funding') || null) as FundingSource | null;
  const { data, loading, error, refetch } = useQuery(SpendingProjectsDocument, { regionId, year, category, fundingSource, first: 100 });
  const list = data?.spendingProjects;
  const set = (name: string, value: string | null) => {
    const p = new URLSearchParams(params);
    if (value) p.set(name, value);
    else p.delete(name);
    setParams(p);
  };
  const label = (prefix: string, code: string) => {
    const key = `${prefix}.${code}` as MessageKey;
    const text = t(key);
    return text === key ? code : text;
  };
  return (
    <Card
      title={t('evc.projectsBehind')}
      size="small"
      style={{ marginTop: 16 }}
      data-testid="projects-behind"
      extra={<ExportButton input={{ kind: 'PROJECTS', regionId, year, category, fundingSource }} testId="export-projects" />}
    >
      <Space wrap style={{ marginBottom: 8 }}>
        <Select<string>
          aria-label={t('evc.filterCategory')}
          style={{ width: 180 }}
          value={category ?? ''}
          onChange={(v) => set('category', v || null)}
          options={[{ value: '', label: t('evc.allCategories') }, ...categories.map((c) => ({ value: c, label: label('category', c) }))]}
        />
        <Select<string>
          aria-label={t('evc.filterFunding')}
          style={{ width: 180 }}
          value={fundingSource ?? ''}
          onChange={(v) => set('funding', v || null)}
          options={[{ value: '', label: t('evc.allFunding') }, ...fundings.map((c) => ({ value: c, label: label('funding', c) }))]}
        />
        {list && (
          <Typography.Text type="secondary">{t('evc.projectsShown', { total: list.total, shown: list.projects.length })}</Typography.Text>
        )}
      </Space>
      <ListState loading={loading && !list} error={error} empty={false} onRetry={() => void refetch()}>
        <Table<Row>
          rowKey="id"
          size="small"
          dataSource={list?.projects ?? []}
          pagination={{ pageSize: 20, hideOnSinglePage: true, showSizeChanger: false }}
          scroll={{ x: true }}
          locale={{ emptyText: t('ovs.noData') }}
          columns={[
            {
              title: t('evc.projectTitle'),
              render: (_, p) => (
                <Link to={`/app/evidence/${p.id}`} aria-label={t('evc.openFor', { title: p.title })}>
                  {p.title}
                </Link>
              ),
            },
            { title: t('evc.status'), dataIndex: 'status', render: (s: Row['status']) => <ProjectStatusTag status={s} /> },
            { title: t('evc.region'), dataIndex: 'regionName' },
            { title: t('evc.organization'), dataIndex: 'organizationName', render: (v: string | null) => v ?? '—' },
            { title: t('ovs.budgeted'), dataIndex: 'budgetCeilingFen', align: 'right', render: (v: number) => yuan(v) },
            { title: t('ovs.contracted'), dataIndex: 'contractedFen', align: 'right', render: (v: number) => yuan(v) },
            { title: t('ovs.paid'), dataIndex: 'paidFen', align: 'right', render: (v: number) => yuan(v) },
            { title: t('ovs.serviceHours'), dataIndex: 'approvedServiceMinutes', align: 'right', render: (v: number) => hours(v) },
          ]}
        />
      </ListState>
    </Card>
  );
}
