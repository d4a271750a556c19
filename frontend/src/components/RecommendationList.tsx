// The one way every matching screen shows a ranked list: rank, score as a bar with its
// percentage, the reasons as tags, a "冷启动" badge when the list was ranked without a trained
// model, and optional multi-select for batch actions (docs/matching.md).
import type { ReactNode } from 'react';
import { Checkbox, Flex, Progress, Skeleton, Space, Tag, Tooltip, Typography } from 'antd';
import { PlainList } from './PlainList';
import { useI18n } from '../i18n';
import type { ApiError } from '../api/client';
import { ListState } from './ListState';
import { reasonLabel, scorePercent, type ReasonLike } from './RecommendationReasons';

export type { ReasonLike } from './RecommendationReasons';

export interface RecommendedLike {
  rank: number;
  score: number;
  reasons: readonly ReasonLike[];
}

/** Each reason as a tag; in English the server's Chinese text is the tag's tooltip. */
export function ReasonTags({ reasons }: { reasons: readonly ReasonLike[] }) {
  const { t, locale } = useI18n();
  if (reasons.length === 0) return null;
  return (
    <Space size={[4, 4]} wrap data-testid="reason-tags" aria-label={t('match.reasons')}>
      {reasons.map((r, i) => (
        <Tag
          key={`${r.code}-${i}`}
          color={r.code === 'COLD_START' ? 'purple' : r.code === 'SMALL_ORGANIZATION' || r.code === 'EXPOSURE' ? 'cyan' : 'geekblue'}
          title={locale === 'zh-CN' ? undefined : r.text}
          style={{ marginInlineEnd: 0, whiteSpace: 'normal' }}
          data-code={r.code}
        >
          {reasonLabel(r, locale)}
        </Tag>
      ))}
    </Space>
  );
}

/** Shown when a list was ranked by the cold-start prior weights (no trained model yet). */
export function ColdStartBadge() {
  const { t } = useI18n();
  return (
    <Tooltip title={t('match.coldStartHint')}>
      <Tag color="purple" data-testid="cold-start-badge" aria-label={`${t('match.coldStart')}：${t('match.coldStartHint')}`}>
        {t('match.coldStart')}
      </Tag>
    </Tooltip>
  );
}

/** The score as a thin bar with its percentage. */
export function ScoreBar({ score }: { score: number }) {
  const { t } = useI18n();
  const percent = scorePercent(score);
  return (
    <Flex align="center" gap={8} style={{ maxWidth: 260 }} data-testid="score">
      <Typography.Text type="secondary" style={{ whiteSpace: 'nowrap', fontSize: 12 }}>
        {t('match.score')}
      </Typography.Text>
      <Progress
        percent={percent}
        size="small"
        strokeColor="#c41d1d"
        format={(p) => `${p}%`}
        aria-label={t('match.scoreValue', { percent })}
        style={{ margin: 0, flex: 1, minWidth: 90 }}
      />
    </Flex>
  );
}

const RANK_STYLE = {
  display: 'inline-flex',
  alignItems: 'center',
  justifyContent: 'center',
  flex: 'none',
  width: 26,
  height: 26,
  borderRadius: 13,
  background: '#fff1f0',
  color: '#c41d1d',
  fontWeight: 600,
  fontSize: 13,
} as const;

export function RankBadge({ rank }: { rank: number }) {
  const { t } = useI18n();
  return (
    <span style={RANK_STYLE} aria-label={t('match.rank', { n: rank })} title={t('match.rank', { n: rank })}>
      {rank}
    </span>
  );
}

export interface Selection<T> {
  selected: readonly string[];
  onChange: (keys: string[]) => void;
  /** The name read out for the item's checkbox ("选择 张三"). */
  name: (item: T) => string;
  disabled?: (item: T) => boolean;
}

export interface RecommendationListProps<T extends RecommendedLike> {
  items: readonly T[];
  rowKey: (item: T) => string;
  title: (item: T) => ReactNode;
  description?: (item: T) => ReactNode;
  actions?: (item: T) => ReactNode;
  coldStart?: boolean;
  modelVersion?: string | null;
  selection?: Selection<T>;
  loading?: boolean;
  error?: ApiError;
  onRetry?: () => void;
  emptyText?: ReactNode;
  /** Extra controls in the header line (e.g. the batch action). */
  toolbar?: ReactNode;
  testId?: string;
}

/** A ranked recommendation list with loading, error and empty states. */
export function RecommendationList<T extends RecommendedLike>({
  items,
  rowKey,
  title,
  description,
  actions,
  coldStart = false,
  modelVersion,
  selection,
  loading = false,
  error,
  onRetry,
  emptyText,
  toolbar,
  testId = 'recommendations',
}: RecommendationListProps<T>) {
  const { t, locale } = useI18n();
  // A cold list says so once, in the header, with the server's words in Chinese; the rows keep
  // only the reasons that tell them apart.
  const coldText =
    (locale === 'zh-CN' ? items.flatMap((i) => i.reasons).find((r) => r.code === 'COLD_START')?.text : undefined) ??
    t('match.coldStartHint');
  const toggle = (key: string, on: boolean) => {
    if (!selection) return;
    const rest = selection.selected.filter((k) => k !== key);
    selection.onChange(on ? [...rest, key] : rest);
  };
  const header =
    coldStart || modelVersion || toolbar ? (
      <Flex wrap="wrap" gap={8} align="center" justify="space-between" style={{ marginBottom: 8 }}>
        <Space size={4} wrap>
          {coldStart && <ColdStartBadge />}
          {coldStart && (
            <Typography.Text type="secondary" style={{ fontSize: 12 }}>
              {coldText}
            </Typography.Text>
          )}
          {modelVersion && !coldStart && (
            <Typography.Text type="secondary">{t('match.modelVersion', { version: modelVersion })}</Typography.Text>
          )}
        </Space>
        {toolbar}
      </Flex>
    ) : null;
  return (
    <div data-testid={testId}>
      <ListState loading={loading} error={error} empty={items.length === 0} onRetry={onRetry} emptyText={emptyText ?? t('match.empty')}>
        {header}
        <PlainList
          items={items}
          rowKey={(item) => rowKey(item)}
          itemProps={() => ({ 'data-testid': 'recommendation' })}
          render={(item) => {
            const key = rowKey(item);
            const checked = selection?.selected.includes(key) ?? false;
            return (
              <Flex gap={12} align="flex-start">
                <RankBadge rank={item.rank} />
                {selection && (
                  <Checkbox
                    checked={checked}
                    disabled={selection.disabled?.(item) ?? false}
                    onChange={(e) => toggle(key, e.target.checked)}
                    aria-label={t('match.select', { name: selection.name(item) })}
                    style={{ marginTop: 2 }}
                  />
                )}
                <Flex vertical gap={4} style={{ flex: 1, minWidth: 0 }}>
                  <Flex wrap="wrap" gap={8} justify="space-between" align="center">
                    <div style={{ minWidth: 0, overflowWrap: 'anywhere' }}>{title(item)}</div>
                    {actions && <div>{actions(item)}</div>}
                  </Flex>
                  {description && <div style={{ overflowWrap: 'anywhere' }}>{description(item)}</div>}
                  <ScoreBar score={item.score} />
                  <ReasonTags reasons={coldStart ? item.reasons.filter((r) => r.code !== 'COLD_START') : item.reasons} />
                </Flex>
              </Flex>
            );
          }}
        />
      </ListState>
    </div>
  );
}

/** What a lazily loaded page shows while its code arrives. */
export function PageSkeleton() {
  const { t } = useI18n();
  return (
    <div role="status" aria-label={t('common.loading')}>
      <Skeleton active paragraph={{ rows: 6 }} />
    </div>
  );
}
