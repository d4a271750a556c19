import { useEffect, useState } from 'react';
import { Select, Spin, Typography } from 'antd';
import { EvaluatorCandidatesDocument, type EvaluatorCandidatesQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { useI18n } from '../../i18n';

type Candidate = EvaluatorCandidatesQuery['evaluatorCandidates'][number];

/** The server refuses longer search text (INVALID_INPUT on `text`). */
export const MAX_SEARCH_TEXT = 50;

/** "王建华（138****5678）": the name, with the masked phone to tell namesakes apart. */
export function candidateLabel(c: Pick<Candidate, 'displayName' | 'maskedPhone'>): string {
  return c.maskedPhone ? `${c.displayName}（${c.maskedPhone}）` : c.displayName;
}

/**
 * A searchable select of the experts the bureau officer may put on the project's panel. The
 * server decides who is offered (region, conflicts of interest, already on the panel); typing
 * narrows by name. Changing `refreshKey` reloads the list (after an assignment).
 */
export function EvaluatorPicker({
  projectId,
  value,
  onChange,
  id,
  refreshKey = 0,
}: {
  projectId: string;
  value?: string;
  onChange?: (accountId: string | undefined) => void;
  id?: string;
  refreshKey?: number;
}) {
  const { t, locale } = useI18n();
  const [text, setText] = useState('');
  const [picked, setPicked] = useState<{ value: string; label: string } | null>(null);
  const { data, loading, error, refetch } = useQuery(EvaluatorCandidatesDocument, { projectId, text: text.trim() || null, first: 20 });
  useEffect(() => {
    if (refreshKey) void refetch();
    // Only a new refreshKey reloads; refetch changes with the search text, which reloads itself.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [refreshKey]);
  const options = (data?.evaluatorCandidates ?? []).map((c) => ({ value: c.accountId, label: candidateLabel(c) }));
  // Keep the chosen expert's name showing while a new search no longer lists them.
  if (value && picked?.value === value && !options.some((o) => o.value === value)) options.unshift(picked);
  const empty = error ? (
    <Typography.Text type="danger" role="alert">
      {describeError(error, locale)}
    </Typography.Text>
  ) : loading ? (
    <Spin size="small" />
  ) : (
    t('eval.noCandidates')
  );
  return (
    <Select
      id={id}
      showSearch
      allowClear
      value={value}
      onChange={(v: string | undefined) => {
        setPicked(v ? (options.find((o) => o.value === v) ?? null) : null);
        onChange?.(v);
      }}
      filterOption={false}
      onSearch={(v) => setText(v.slice(0, MAX_SEARCH_TEXT))}
      loading={loading}
      placeholder={t('eval.expertPlaceholder')}
      notFoundContent={empty}
      options={options}
      style={{ minWidth: 320 }}
    />
  );
}
