import { useMemo, useState } from 'react';
import { Alert, Button, Card, Empty, Popconfirm, Space, Table, Tabs, Tag, Typography, App as AntApp } from 'antd';
import {
  MatchingModelsDocument,
  PromoteMatchingModelDocument,
  RollbackMatchingModelDocument,
  TrainMatchingModelsDocument,
  type MatchingDirection,
  type MatchingModelFieldsFragment,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { LazyChart } from '../../components/LazyChart';
import { formatDate, formatDateTime } from '../../components/format';
import { useI18n, type MessageKey } from '../../i18n';

type Model = MatchingModelFieldsFragment;

export const DIRECTIONS: MatchingDirection[] = [
  'SHIFTS_FOR_VOLUNTEER',
  'VOLUNTEERS_FOR_SHIFT',
  'PROJECTS_FOR_ORGANIZATION',
  'ORGANIZATIONS_FOR_PROJECT',
  'SOCIAL_WORKERS_FOR_PROJECT',
  'CLAIMERS_FOR_WISH',
  'WISHES_FOR_VOLUNTEER',
];
const STATUS_COLORS: Record<Model['status'], string> = { ACTIVE: 'green', CANDIDATE: 'blue', RETIRED: 'default', REJECTED: 'red' };
// The metric rows, model first, then the baselines (docs/matching.md).
const METRIC_ORDER = ['model', 'random', 'nearest', 'popular', 'overlap'];
const KINDS = ['logistic', 'hist_gradient_boosting'];

function metricName(name: string, t: (k: MessageKey) => string): string {
  if (METRIC_ORDER.includes(name)) return t(`match.metric.${name}` as MessageKey);
  // The candidates the training compared (logistic regression, gradient boosting) by kind.
  return KINDS.includes(name) ? t(`match.kind.${name}` as MessageKey) : name;
}

function sortedMetrics(model: Model) {
  return [...model.metrics].sort((a, b) => {
    const ia = METRIC_ORDER.indexOf(a.name);
    const ib = METRIC_ORDER.indexOf(b.name);
    return (ia < 0 ? 99 : ia) - (ib < 0 ? 99 : ib);
  });
}

function fmt(x: number | null | undefined): string {
  return x === undefined || x === null || Number.isNaN(x) ? '—' : x.toFixed(3);
}

/** One direction's model against its baselines, NDCG@10 and Recall@10 side by side. */
function MetricsChart({ model }: { model: Model }) {
  const { t } = useI18n();
  const rows = sortedMetrics(model);
  const option = useMemo(
    () => ({
      grid: { left: 8, right: 8, top: 36, bottom: 8, containLabel: true },
      legend: { top: 0 },
      tooltip: { trigger: 'axis' },
      xAxis: { type: 'category', data: rows.map((r) => metricName(r.name, t)), axisLabel: { interval: 0, hideOverlap: false } },
      yAxis: { type: 'value', min: 0, max: 1 },
      series: [
        {
          name: 'NDCG@10',
          type: 'bar',
          barMaxWidth: 28,
          itemStyle: { color: '#c41d1d' },
          data: rows.map((r) => (r.ndcgAt10 === null ? null : Number(r.ndcgAt10.toFixed(3)))),
        },
        {
          name: 'Recall@10',
          type: 'bar',
          barMaxWidth: 28,
          itemStyle: { color: '#8c8c8c' },
          data: rows.map((r) => (r.recallAt10 === null ? null : Number(r.recallAt10.toFixed(3)))),
        },
      ],
    }),
    [rows, t],
  );
  return (
    <div data-testid="metrics-chart">
      <Typography.Text strong>{t('match.models.chart', { version: model.version })}</Typography.Text>
      <LazyChart label={t('match.models.chartLabel', { version: model.version })} height={240} option={option} />
    </div>
  );
}

function DirectionPanel({
  direction,
  models,
  onChanged,
}: {
  direction: MatchingDirection;
  models: Model[];
  onChanged: () => Promise<void>;
}) {
  const { t, locale } = useI18n();
  const { message } = AntApp.useApp();
  const [train, trainState] = useMutation(TrainMatchingModelsDocument);
  const [promote, promoteState] = useMutation(PromoteMatchingModelDocument);
  const [rollback, rollbackState] = useMutation(RollbackMatchingModelDocument);
  const active = models.find((m) => m.status === 'ACTIVE') ?? null;
  const [shownId, setShownId] = useState<string | null>(null);
  const shown = models.find((m) => m.id === shownId) ?? active ?? models[0] ?? null;
  const canRollback = Boolean(active) && models.some((m) => m.status === 'RETIRED');

  const run = async (action: () => Promise<{ errors: { code: string; message: string }[] }>, ok: string) => {
    try {
      const r = await action();
      if (r.errors.length) void message.error(errorMessage(r.errors[0].code, locale, r.errors[0].message));
      else void message.success(ok);
    } catch (exc) {
      void message.error(describeError(exc, locale));
    }
    await onChanged();
  };

  return (
    <Space direction="vertical" size={16} style={{ width: '100%' }} data-testid={`models-${direction}`}>
      <Space wrap>
        <Button
          type="primary"
          loading={trainState.loading}
          onClick={() => void run(async () => (await train({ input: { direction } })).trainMatchingModels, t('match.models.trainQueued'))}
        >
          {t('match.models.train')}
        </Button>
        {canRollback && (
          <Popconfirm
            title={t('match.models.rollback')}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            onConfirm={() =>
              void run(async () => (await rollback({ input: { direction } })).rollbackMatchingModel, t('match.models.rolledBack'))
            }
          >
            <Button loading={rollbackState.loading}>{t('match.models.rollback')}</Button>
          </Popconfirm>
        )}
        {active ? (
          <Typography.Text type="secondary">
            {t('match.modelVersion', { version: active.version })} · {t('match.modelStatus.ACTIVE')}
          </Typography.Text>
        ) : (
          <Tag color="purple">{t('match.coldStart')}</Tag>
        )}
      </Space>
      {models.length === 0 ? (
        <Empty description={t('match.models.none')} />
      ) : (
        <>
          {!active && <Alert type="info" showIcon message={t('match.models.none')} />}
          {shown && shown.metrics.length > 0 && (
            <Card size="small">
              <MetricsChart model={shown} />
            </Card>
          )}
          <Table<Model>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={models}
            scroll={{ x: 'max-content' }}
            onRow={(m) => ({ onClick: () => setShownId(m.id), style: { cursor: 'pointer' } })}
            rowClassName={(m) => (shown && m.id === shown.id ? 'ant-table-row-selected' : '')}
            columns={[
              {
                title: t('match.models.version'),
                dataIndex: 'version',
                render: (v: string) => (
                  <Typography.Text code style={{ whiteSpace: 'nowrap' }}>
                    {v}
                  </Typography.Text>
                ),
              },
              {
                title: t('match.models.kind'),
                dataIndex: 'kind',
                render: (k: string) => (
                  <span style={{ whiteSpace: 'nowrap' }}>{KINDS.includes(k) ? t(`match.kind.${k}` as MessageKey) : k}</span>
                ),
              },
              {
                title: t('match.models.status'),
                dataIndex: 'status',
                render: (s: Model['status']) => <Tag color={STATUS_COLORS[s]}>{t(`match.modelStatus.${s}` as const)}</Tag>,
              },
              {
                title: t('match.models.trainedAt'),
                dataIndex: 'trainedAt',
                render: (v: string) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span>,
              },
              {
                title: t('match.models.window'),
                render: (_, m) => (
                  <span style={{ whiteSpace: 'nowrap' }}>
                    {formatDate(m.trainFrom)} ~ {formatDate(m.trainTo)} / {formatDate(m.validFrom)} ~ {formatDate(m.validTo)}
                  </span>
                ),
              },
              { title: t('match.models.rows'), dataIndex: 'nRows' },
              { title: t('match.models.ndcg'), render: (_, m) => fmt(m.metrics.find((x) => x.name === 'model')?.ndcgAt10) },
              { title: t('match.models.recall'), render: (_, m) => fmt(m.metrics.find((x) => x.name === 'model')?.recallAt10) },
              {
                title: t('match.models.promotedAt'),
                dataIndex: 'promotedAt',
                render: (v: string | null) => <span style={{ whiteSpace: 'nowrap' }}>{formatDateTime(v)}</span>,
              },
              {
                title: t('common.actions'),
                render: (_, m) =>
                  m.status === 'CANDIDATE' || m.status === 'RETIRED' ? (
                    <Popconfirm
                      title={t('match.models.promote')}
                      okText={t('common.confirm')}
                      cancelText={t('common.cancel')}
                      onConfirm={() =>
                        void run(
                          async () => (await promote({ input: { modelId: m.id } })).promoteMatchingModel,
                          t('match.models.promoted', { version: m.version }),
                        )
                      }
                    >
                      <Button size="small" loading={promoteState.loading} onClick={(e) => e.stopPropagation()}>
                        {t('match.models.promote')}
                      </Button>
                    </Popconfirm>
                  ) : null,
              },
            ]}
          />
        </>
      )}
    </Space>
  );
}

/** "匹配模型" (platform admins): versions per direction, metrics against baselines, promote / roll back / train now. */
export function MatchingModelsPage() {
  const { t } = useI18n();
  const list = useQuery(MatchingModelsDocument, { direction: null, first: 100 });
  const models = list.data?.matchingModels.nodes ?? [];
  return (
    <div data-testid="matching-models">
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('match.models.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">{t('match.models.intro')}</Typography.Paragraph>
      <ListState loading={list.loading} error={list.error} empty={false} onRetry={() => void list.refetch()}>
        <Tabs
          items={DIRECTIONS.map((d) => {
            const mine = models.filter((m) => m.direction === d).sort((a, b) => b.trainedAt.localeCompare(a.trainedAt));
            return {
              key: d,
              label: t(`match.direction.${d}` as const),
              children: <DirectionPanel direction={d} models={mine} onChanged={list.refetch} />,
            };
          })}
        />
      </ListState>
    </div>
  );
}
