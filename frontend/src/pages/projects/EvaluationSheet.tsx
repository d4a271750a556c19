import { useState } from 'react';
import {
  Alert,
  Button,
  Card,
  Descriptions,
  Form,
  Input,
  InputNumber,
  Modal,
  Popconfirm,
  Space,
  Table,
  Tag,
  Typography,
  App as AntApp,
} from 'antd';
import {
  AssignEvaluatorDocument,
  ConfirmAwardDocument,
  ProjectBidsDocument,
  RemoveEvaluatorDocument,
  SubmitScoresDocument,
  type BidFieldsFragment,
  type Role,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatFen } from '../../components/format';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { EvaluatorPicker } from './EvaluatorPicker';

const EVALUATORS: Role[] = ['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'EXPERT'];

/**
 * After the opening: who sits on the panel, every bid with its price, the scores per criterion
 * (editable by evaluators), the computed price score, technical and total scores, and the
 * ranking.
 */
export function EvaluationSheet({ projectId, onChanged }: { projectId: string; onChanged: () => void }) {
  const { t, locale } = useI18n();
  const { me, activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const { data, loading, error, refetch } = useQuery(ProjectBidsDocument, { id: projectId });
  const [submitScores, scoresState] = useMutation(SubmitScoresDocument);
  const [confirmAward, awardState] = useMutation(ConfirmAwardDocument);
  const [assign, assignState] = useMutation(AssignEvaluatorDocument);
  const [remove, removeState] = useMutation(RemoveEvaluatorDocument);
  // The panel member the officer is taking off, and why (the reason is audited).
  const [removing, setRemoving] = useState<{ id: string; name: string } | null>(null);
  const [removeReason, setRemoveReason] = useState('');
  const [scores, setScores] = useState<Record<string, number | null>>({});
  const [evaluatorId, setEvaluatorId] = useState('');
  const [expertId, setExpertId] = useState<string | undefined>(undefined);
  // Bumped after each assignment so the picker drops whoever just joined the panel.
  const [assignedCount, setAssignedCount] = useState(0);
  const [general, setGeneral] = useState<string | null>(null);
  const project = data?.node?.__typename === 'Project' ? data.node : null;
  const role = activeGrant?.role;
  const canScore = Boolean(project && project.status === 'BIDS_OPENED' && role && EVALUATORS.includes(role));
  const isBureau = role === 'BUREAU_OFFICER';
  // Who sits on the panel: shown to the roles the server lets see it (it sends others none).
  const panel = project?.evaluators ?? [];
  // The formula's ranking (price score, mean technical score, total) as the scores come in;
  // the bid's own fields once the award is final.
  const ranking = new Map((project?.ranking ?? []).map((r) => [r.bidId, r]));
  const bids = [...(project?.bids ?? [])]
    .filter((b) => b.status !== 'WITHDRAWN')
    .map((b) => {
      const r = ranking.get(b.id);
      return r
        ? {
            ...b,
            rank: b.rank ?? r.rank,
            priceScore: b.priceScore ?? r.priceScore,
            technicalScore: b.technicalScore ?? r.technicalScore,
            totalScore: b.totalScore ?? r.totalScore,
          }
        : b;
    })
    .sort((a, b) => (a.rank ?? 999) - (b.rank ?? 999));
  const key = (bidId: string, criterionId: string) => `${bidId}|${criterionId}`;

  const report = (errors: { code: string; message: string }[], ok: string) => {
    if (errors.length) setGeneral(errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
    else {
      setGeneral(null);
      void message.success(ok);
    }
  };

  const save = async () => {
    if (!project) return;
    const list = Object.entries(scores)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => {
        const [bidId, criterionId] = k.split('|');
        return { bidId, criterionId, score: (v as number).toFixed(2) };
      });
    try {
      const r = (await submitScores({ input: { projectId, scores: list } })).submitScores;
      report(r.errors, t('eval.saved', { n: r.saved }));
    } catch (exc) {
      setGeneral(describeError(exc, locale));
    }
    await refetch();
  };

  const award = async () => {
    try {
      const r = (await confirmAward({ input: { projectId } })).confirmAward;
      report(r.errors, t('project.awarded'));
    } catch (exc) {
      setGeneral(describeError(exc, locale));
    }
    await refetch();
    onChanged();
  };

  const assignEvaluator = async (accountId: string) => {
    try {
      const r = (await assign({ input: { projectId, accountId } })).assignEvaluator;
      report(r.errors, t('eval.assigned'));
      if (!r.errors.length) {
        setEvaluatorId('');
        setExpertId(undefined);
        setAssignedCount((n) => n + 1);
        await refetch();
      }
    } catch (exc) {
      setGeneral(describeError(exc, locale));
    }
  };

  const removeEvaluator = async () => {
    if (!removing) return;
    try {
      const r = (await remove({ input: { evaluatorId: removing.id, reason: removeReason.trim() } })).removeEvaluator;
      report(r.errors, t('eval.removed'));
      if (!r.errors.length) {
        setRemoving(null);
        setRemoveReason('');
        setAssignedCount((n) => n + 1);
        await refetch();
      }
    } catch (exc) {
      setGeneral(describeError(exc, locale));
    }
  };

  return (
    <Card title={t('eval.sheet')} style={{ marginTop: 16 }} data-testid="evaluation-sheet">
      {general && <Alert type="error" role="alert" showIcon message={general} style={{ marginBottom: 12 }} />}
      {(panel.length > 0 || isBureau) && (
        <Descriptions size="small" column={1} style={{ marginBottom: 12 }} data-testid="evaluation-panel">
          <Descriptions.Item label={t('eval.panel')}>
            {panel.length ? (
              <Space wrap size={[4, 4]}>
                {panel.map((e) => (
                  <Tag
                    key={e.id}
                    closable={isBureau && project?.status === 'BIDS_OPENED'}
                    closeIcon={<span aria-label={t('eval.remove')}>×</span>}
                    onClose={(event) => {
                      event.preventDefault();
                      setRemoving({ id: e.id, name: e.displayName ?? '—' });
                    }}
                  >
                    {/* The name in its own element: the close icon's × is not part of it. */}
                    <span>{e.displayName ?? '—'}</span>
                  </Tag>
                ))}
              </Space>
            ) : (
              t('eval.panelEmpty')
            )}
          </Descriptions.Item>
        </Descriptions>
      )}
      <Modal
        open={removing !== null}
        title={t('eval.removeTitle', { name: removing?.name ?? '' })}
        onCancel={() => setRemoving(null)}
        onOk={() => void removeEvaluator()}
        okButtonProps={{ danger: true, disabled: removeReason.trim().length < 2 }}
        confirmLoading={removeState.loading}
        okText={t('eval.remove')}
        cancelText={t('common.cancel')}
        destroyOnHidden
      >
        <Typography.Paragraph type="secondary">{t('eval.removeHint')}</Typography.Paragraph>
        <Form layout="vertical" name="removeEvaluator">
          <Form.Item label={t('eval.removeReason')} htmlFor="remove-evaluator-reason" required>
            <Input.TextArea
              id="remove-evaluator-reason"
              rows={2}
              maxLength={500}
              value={removeReason}
              onChange={(e) => setRemoveReason(e.target.value)}
            />
          </Form.Item>
        </Form>
      </Modal>
      {isBureau && project?.status === 'BIDS_OPENED' && (
        <Form layout="inline" style={{ marginBottom: 12 }} name="assignExpert" onFinish={() => expertId && void assignEvaluator(expertId)}>
          <Form.Item label={t('eval.expert')} htmlFor="evaluator-expert">
            <EvaluatorPicker
              id="evaluator-expert"
              projectId={projectId}
              value={expertId}
              onChange={setExpertId}
              refreshKey={assignedCount}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit" loading={assignState.loading} disabled={!expertId}>
            {t('eval.assignExpert')}
          </Button>
        </Form>
      )}
      {isBureau && project?.status === 'BIDS_OPENED' && (
        <Form layout="inline" style={{ marginBottom: 16 }} name="assignEvaluator" onFinish={() => void assignEvaluator(evaluatorId.trim())}>
          <Form.Item label={t('eval.accountId')} htmlFor="evaluator-account">
            <Input id="evaluator-account" value={evaluatorId} onChange={(e) => setEvaluatorId(e.target.value)} style={{ width: 240 }} />
          </Form.Item>
          <Space>
            <Button htmlType="submit" loading={assignState.loading} disabled={!evaluatorId.trim()}>
              {t('eval.assign')}
            </Button>
            {me && (
              <Button onClick={() => void assignEvaluator(me.id)} loading={assignState.loading}>
                {t('eval.assign')}（{me.displayName}）
              </Button>
            )}
          </Space>
        </Form>
      )}
      <ListState loading={loading} error={error} empty={bids.length === 0} onRetry={() => void refetch()}>
        {project && (
          <Table<BidFieldsFragment>
            rowKey="id"
            size="small"
            pagination={false}
            dataSource={bids}
            scroll={{ x: true }}
            columns={[
              { title: t('bid.rank'), dataIndex: 'rank', render: (r: number | null) => r ?? '—' },
              { title: t('bid.organization'), render: (_, b) => b.organizationName ?? '—' },
              {
                title: t('bid.price'),
                align: 'right',
                render: (_, b) => (b.sealed ? <Tag>{t('bid.sealed')}</Tag> : formatFen(b.priceFen)),
              },
              ...project.criteria.map((c) => ({
                title: `${c.name}（${t('eval.scoreOutOf', { max: c.weight })}）`,
                key: c.id,
                render: (_: unknown, b: BidFieldsFragment) =>
                  canScore ? (
                    <InputNumber
                      aria-label={`${b.organizationName ?? ''} ${c.name}`}
                      min={0}
                      max={c.weight}
                      step={0.5}
                      value={scores[key(b.id, c.id)] ?? null}
                      onChange={(v) => setScores((s) => ({ ...s, [key(b.id, c.id)]: v }))}
                    />
                  ) : (
                    '—'
                  ),
              })),
              {
                title: `${t('bid.priceScore')}（${project.priceWeight}）`,
                dataIndex: 'priceScore',
                align: 'right',
                render: (v: string | null) => v ?? '—',
              },
              { title: t('bid.technicalScore'), dataIndex: 'technicalScore', align: 'right', render: (v: string | null) => v ?? '—' },
              {
                title: t('bid.totalScore'),
                dataIndex: 'totalScore',
                align: 'right',
                render: (v: string | null) => <Typography.Text strong>{v ?? '—'}</Typography.Text>,
              },
              { title: t('project.status'), render: (_, b) => <Tag>{t(`bidStatus.${b.status}` as const)}</Tag> },
            ]}
          />
        )}
        <Space style={{ marginTop: 12 }} wrap>
          {canScore && (
            <Button type="primary" onClick={() => void save()} loading={scoresState.loading}>
              {t('eval.saveScores')}
            </Button>
          )}
          {isBureau && project?.status === 'BIDS_OPENED' && (
            <Popconfirm
              title={t('project.confirmAward')}
              onConfirm={() => void award()}
              okText={t('common.confirm')}
              cancelText={t('common.cancel')}
            >
              <Button type="primary" danger loading={awardState.loading}>
                {t('project.confirmAward')}
              </Button>
            </Popconfirm>
          )}
        </Space>
      </ListState>
    </Card>
  );
}
