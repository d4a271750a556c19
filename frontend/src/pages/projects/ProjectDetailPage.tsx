import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import {
  Alert,
  Button,
  Card,
  DatePicker,
  Descriptions,
  Form,
  Input,
  List,
  Modal,
  Popconfirm,
  Space,
  Tag,
  Typography,
  App as AntApp,
} from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import {
  ApproveProjectDocument,
  ContractsDocument,
  OpenBidsDocument,
  ProjectDetailDocument,
  PublishProjectDocument,
  ReturnProjectDocument,
  SubmitProjectDocument,
} from '../../api/generated';
import { useMutation, useQuery } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { ListState } from '../../components/ListState';
import { formatDateTime, formatFen } from '../../components/format';
import { Countdown } from '../../components/Countdown';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { ProjectStatusTag } from './ProjectStatusTag';
import { BidPanel } from './BidPanel';
import { EvaluationSheet } from './EvaluationSheet';
import { CreateContractForm } from './CreateContractForm';
import { ContractView } from './ContractView';
import { PerformancePanel } from './PerformancePanel';
import { RecommendedOrganizations } from './RecommendedOrganizations';

/** One project: its notice, and what the active role can do with it in its current state. */
export function ProjectDetailPage() {
  const { id = '' } = useParams();
  const { t, locale } = useI18n();
  const { activeGrant } = useSession();
  const { message } = AntApp.useApp();
  const { data, loading, error, refetch } = useQuery(ProjectDetailDocument, { id });
  const project = data?.node?.__typename === 'Project' ? data.node : null;
  const role = activeGrant?.role;
  const showContract = Boolean(
    project &&
    ['IN_PROGRESS', 'COMPLETED', 'EVALUATED'].includes(project.status) &&
    role &&
    ['BUREAU_OFFICER', 'COMMUNITY_STAFF', 'ORG_ADMIN', 'SOCIAL_WORKER', 'AUDITOR', 'PLATFORM_ADMIN'].includes(role),
  );
  const contracts = useQuery(ContractsDocument, { first: 5, projectId: id }, { skip: !showContract });
  const [submitProject, s1] = useMutation(SubmitProjectDocument);
  const [approve, s2] = useMutation(ApproveProjectDocument);
  const [returnProject, s3] = useMutation(ReturnProjectDocument);
  const [publish, s4] = useMutation(PublishProjectDocument);
  const [openBids, s5] = useMutation(OpenBidsDocument);
  const [publishing, setPublishing] = useState(false);
  const [returning, setReturning] = useState(false);
  const [deadline, setDeadline] = useState<Dayjs | null>(null);
  const [reason, setReason] = useState('');
  const [general, setGeneral] = useState<string | null>(null);
  const busy = s1.loading || s2.loading || s3.loading || s4.loading || s5.loading;

  const act = async (run: () => Promise<{ errors: { code: string; message: string }[] }>, ok: string) => {
    setGeneral(null);
    try {
      const r = await run();
      if (r.errors.length) {
        setGeneral(r.errors.map((e) => errorMessage(e.code, locale, e.message)).join('；'));
        return false;
      }
      void message.success(ok);
      await refetch();
      return true;
    } catch (exc) {
      setGeneral(describeError(exc, locale));
      return false;
    }
  };

  const refreshAll = () => {
    void refetch();
    void contracts.refetch();
  };

  return (
    <ListState loading={loading} error={error} empty={!project} onRetry={() => void refetch()}>
      {project && (
        <div data-testid="project-detail">
          <Space wrap align="center" style={{ marginBottom: 8 }}>
            <Typography.Title level={2} style={{ margin: 0 }}>
              {project.title}
            </Typography.Title>
            <ProjectStatusTag status={project.status} />
            {(role === 'AUDITOR' || role === 'BUREAU_OFFICER' || role === 'COMMUNITY_STAFF') && (
              <Link to={`/app/evidence/${project.id}`} data-testid="project-evidence-chain">
                {t('evc.open')}
              </Link>
            )}
          </Space>
          {project.status === 'OPEN_FOR_BIDS' && project.bidDeadline && (
            <div style={{ marginBottom: 12 }}>
              <Countdown deadline={project.bidDeadline} /> · {t('project.sealedCount', { n: project.bidCount })}
            </div>
          )}
          {project.returnReason && project.status === 'DRAFT' && (
            <Alert
              type="warning"
              showIcon
              message={t('project.returnedBecause', { reason: project.returnReason })}
              style={{ marginBottom: 12 }}
            />
          )}
          {general && <Alert type="error" role="alert" showIcon message={general} style={{ marginBottom: 12 }} />}
          <Space wrap style={{ marginBottom: 16 }}>
            {role === 'COMMUNITY_STAFF' && project.status === 'DRAFT' && (
              <Button
                type="primary"
                loading={busy}
                onClick={() =>
                  void act(async () => (await submitProject({ input: { projectId: project.id } })).submitProject, t('project.submitted'))
                }
              >
                {t('project.submit')}
              </Button>
            )}
            {role === 'COMMUNITY_STAFF' &&
              ((project.status === 'PENDING_APPROVAL' && project.approvedAt) || project.status === 'FAILED') && (
                <Button type="primary" onClick={() => setPublishing(true)}>
                  {t('project.publish')}
                </Button>
              )}
            {role === 'BUREAU_OFFICER' && project.status === 'PENDING_APPROVAL' && !project.approvedAt && (
              <>
                <Button
                  type="primary"
                  loading={busy}
                  onClick={() =>
                    void act(async () => (await approve({ input: { projectId: project.id } })).approveProject, t('project.approved'))
                  }
                >
                  {t('project.approve')}
                </Button>
                <Button onClick={() => setReturning(true)}>{t('project.return')}</Button>
              </>
            )}
            {role === 'BUREAU_OFFICER' && project.status === 'OPEN_FOR_BIDS' && (
              <Popconfirm
                title={t('project.openBids')}
                onConfirm={() => void act(async () => (await openBids({ input: { projectId: project.id } })).openBids, t('project.opened'))}
                okText={t('common.confirm')}
                cancelText={t('common.cancel')}
              >
                <Button loading={busy}>{t('project.openBids')}</Button>
              </Popconfirm>
            )}
          </Space>
          <Card>
            <Descriptions column={{ xs: 1, sm: 2, lg: 3 }} size="small">
              <Descriptions.Item label={t('project.community')}>{project.region?.name}</Descriptions.Item>
              <Descriptions.Item label={t('project.category')}>{t(`category.${project.category}` as const)}</Descriptions.Item>
              <Descriptions.Item label={t('project.targetGroups')}>{project.targetGroups.join('、') || '—'}</Descriptions.Item>
              <Descriptions.Item label={t('project.funding')}>{t(`funding.${project.fundingSource}` as const)}</Descriptions.Item>
              <Descriptions.Item label={t('project.method')}>{t(`method.${project.procurementMethod}` as const)}</Descriptions.Item>
              <Descriptions.Item label={t('project.budgetShort')}>{formatFen(project.budgetCeilingFen)}</Descriptions.Item>
              <Descriptions.Item label={t('project.period')}>
                {project.serviceStart} ~ {project.serviceEnd}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.deadline')}>{formatDateTime(project.bidDeadline)}</Descriptions.Item>
              <Descriptions.Item label={t('project.beneficiaryTarget')}>{project.beneficiaryTarget}</Descriptions.Item>
              <Descriptions.Item label={t('project.minGrade')}>
                {project.minGrade ? `${project.minGrade}A` : t('project.gradeNone')}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.workerRequirements')}>
                {project.workerRequirements.map((w) => `${t(`workerLevel.${w.level}` as const)} × ${w.count}`).join('、') || '—'}
              </Descriptions.Item>
              <Descriptions.Item label={t('project.criteria')}>
                {t('project.priceWeight')} {project.priceWeight}%；{project.criteria.map((c) => `${c.name} ${c.weight}%`).join('；')}
              </Descriptions.Item>
            </Descriptions>
            {project.description && (
              <Typography.Paragraph style={{ whiteSpace: 'pre-wrap', marginTop: 12 }}>{project.description}</Typography.Paragraph>
            )}
            {project.volunteerPlan && (
              <Typography.Paragraph>
                <Typography.Text strong>{t('project.volunteerPlan')}：</Typography.Text>
                {project.volunteerPlan}
              </Typography.Paragraph>
            )}
            {project.needs.length > 0 && (
              <List
                size="small"
                header={<Typography.Text strong>{t('project.needs')}</Typography.Text>}
                dataSource={project.needs}
                renderItem={(n) => (
                  <List.Item>
                    <Tag>{t(`category.${n.category}` as const)}</Tag> {n.targetGroup}：{n.description}
                  </List.Item>
                )}
              />
            )}
          </Card>
          {project.award && (
            <Card title={t('project.award')} style={{ marginTop: 16 }} data-testid="award">
              <Descriptions size="small" column={{ xs: 1, sm: 3 }}>
                <Descriptions.Item label={t('project.winner')}>{project.award.organizationName}</Descriptions.Item>
                <Descriptions.Item label={t('project.winningPrice')}>{formatFen(project.award.priceFen)}</Descriptions.Item>
                <Descriptions.Item label={t('project.awardedOn')}>{project.award.awardedOn}</Descriptions.Item>
              </Descriptions>
            </Card>
          )}
          {(role === 'COMMUNITY_STAFF' || role === 'BUREAU_OFFICER') &&
            ['DRAFT', 'PENDING_APPROVAL', 'OPEN_FOR_BIDS', 'FAILED'].includes(project.status) && (
              <RecommendedOrganizations projectId={project.id} canInvite={project.status === 'OPEN_FOR_BIDS'} />
            )}
          {role === 'ORG_ADMIN' &&
            activeGrant?.organizationId &&
            ['OPEN_FOR_BIDS', 'BIDS_OPENED', 'AWARDED', 'FAILED'].includes(project.status) && (
              <BidPanel project={project} organizationId={activeGrant.organizationId} />
            )}
          {['BIDS_OPENED', 'AWARDED', 'IN_PROGRESS', 'COMPLETED', 'EVALUATED'].includes(project.status) &&
            role &&
            role !== 'VOLUNTEER' &&
            role !== 'ORG_ADMIN' && <EvaluationSheet projectId={project.id} onChanged={() => void refetch()} />}
          {role === 'BUREAU_OFFICER' && project.status === 'AWARDED' && <CreateContractForm project={project} onDone={refreshAll} />}
          {showContract &&
            (contracts.data?.contracts.nodes ?? []).map((c) => <ContractView key={c.id} contract={c} onChanged={refreshAll} />)}
          {['IN_PROGRESS', 'COMPLETED', 'EVALUATED'].includes(project.status) && (
            <PerformancePanel project={project} onChanged={refreshAll} />
          )}
          <Modal
            open={publishing}
            title={t('project.publish')}
            onCancel={() => setPublishing(false)}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            confirmLoading={s4.loading}
            okButtonProps={{ disabled: !deadline }}
            onOk={async () => {
              if (!deadline) return;
              const ok = await act(
                async () => (await publish({ input: { projectId: project.id, bidDeadline: deadline.toISOString() } })).publishProject,
                t('project.published'),
              );
              if (ok) setPublishing(false);
            }}
          >
            <Form layout="vertical" name="publish">
              <Form.Item label={t('project.deadline')} htmlFor="bid-deadline">
                <DatePicker
                  id="bid-deadline"
                  showTime={{ format: 'HH:mm' }}
                  format="YYYY-MM-DD HH:mm"
                  value={deadline}
                  onChange={setDeadline}
                  disabledDate={(d) => d.isBefore(dayjs(), 'day')}
                />
              </Form.Item>
            </Form>
            {general && <Alert type="error" role="alert" showIcon message={general} />}
          </Modal>
          <Modal
            open={returning}
            title={t('project.return')}
            onCancel={() => setReturning(false)}
            okText={t('common.confirm')}
            cancelText={t('common.cancel')}
            confirmLoading={s3.loading}
            okButtonProps={{ disabled: !reason.trim() }}
            onOk={async () => {
              const ok = await act(
                async () => (await returnProject({ input: { projectId: project.id, reason: reason.trim() } })).returnProject,
                t('project.returned'),
              );
              if (ok) setReturning(false);
            }}
          >
            <Form layout="vertical" name="returnProject">
              <Form.Item label={t('project.returnReason')} htmlFor="return-reason">
                <Input.TextArea id="return-reason" rows={3} value={reason} onChange={(e) => setReason(e.target.value)} />
              </Form.Item>
            </Form>
          </Modal>
        </div>
      )}
    </ListState>
  );
}
