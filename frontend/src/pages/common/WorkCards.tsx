import type { ReactNode } from 'react';
import { Link } from 'react-router-dom';
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { WorkbenchDocument, type Role, type WorkbenchQuery } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { formatDateTime } from '../../components/format';
import { useI18n, type MessageKey, type Translate } from '../../i18n';

type Work = WorkbenchQuery['workbench'];

/** One card: what waits, how many, and the list it opens. */
export interface WorkCard {
  key: string;
  label: MessageKey;
  value: ReactNode;
  to: string;
  /** Shown under the figure (e.g. the fill rate's places). */
  note?: ReactNode;
  /** Something is waiting (highlights the figure). */
  waiting: boolean;
}

/** The cards of the role acted as, from the `workbench` query (docs/workbench.md). */
export function cardsFor(role: Role, work: Work, t: Translate): WorkCard[] {
  const count = (key: string, label: MessageKey, value: number, to: string): WorkCard => ({
    key,
    label,
    value,
    to,
    waiting: value > 0,
  });
  if (role === 'COMMUNITY_STAFF' && work.communityStaff) {
    const w = work.communityStaff;
    return [
      count('needs', 'work.needsWithoutProject', w.needsWithoutProject, '/app/needs'),
      count('drafts', 'work.projectsAwaitingAction', w.projectsAwaitingAction, '/app/pipeline'),
      count('reports', 'work.reportsToReview', w.reportsToReview, '/app/contracts'),
      count('hours', 'work.hoursToApprove', w.hoursToApprove, '/app/hours'),
      count('shifts', 'work.shiftsToday', w.shiftsToday, '/app/activities'),
      count('wishes', 'work.microWishesToConfirm', w.microWishesToConfirm, '/app/wishes'),
    ];
  }
  if (role === 'SOCIAL_WORKER' && work.socialWorker) {
    const w = work.socialWorker;
    return [
      count('shifts', 'work.shiftsToday', w.shiftsToday, '/app/activities'),
      {
        key: 'fill',
        label: 'work.fillRate',
        value: w.fillRate === null ? '—' : `${Math.round(w.fillRate * 100)}%`,
        note: t('work.fillRateValue', { filled: w.placesFilledToday, places: w.placesToday }),
        to: '/app/activities',
        waiting: false,
      },
      count('hours', 'work.hoursToApprove', w.hoursToApprove, '/app/hours'),
      count('reports', 'work.reportsDue', w.reportsDue, '/app/contracts'),
    ];
  }
  if (role === 'ORG_ADMIN' && work.orgAdmin) {
    const w = work.orgAdmin;
    return [
      count('open', 'work.openProjectsQualified', w.openProjectsQualified, '/app/open-projects'),
      count('bids', 'work.bidsBeforeDeadline', w.bidsBeforeDeadline, '/app/bids'),
      count('milestones', 'work.milestonesDue', w.milestonesDue, '/app/contracts'),
    ];
  }
  if (role === 'BUREAU_OFFICER' && work.bureauOfficer) {
    const w = work.bureauOfficer;
    return [
      count('approvals', 'work.approvals', w.approvals, '/app/approvals'),
      count('evaluations', 'work.evaluations', w.evaluations, '/app/pipeline'),
      count('payments', 'work.paymentsDue', w.paymentsDue, '/app/contracts'),
    ];
  }
  if (role === 'PLATFORM_ADMIN' && work.platformAdmin) {
    const w = work.platformAdmin;
    const check = w.lastChainCheck;
    return [
      count('jobs', 'work.failedJobs', w.failedJobs, '/app/admin/jobs'),
      {
        key: 'chain',
        label: 'work.chainCheck',
        value: check ? t(check.ok ? 'work.chainOk' : 'work.chainBroken') : t('work.chainNever'),
        note: check ? (check.reason ?? t('work.chainAt', { time: formatDateTime(check.at) })) : undefined,
        to: '/app/admin/jobs',
        waiting: check !== null && !check.ok,
      },
    ];
  }
  return [];
}

/** The role's work waiting now, as cards with counts linking to the lists behind them. */
export function WorkCards({ role }: { role: Role }) {
  const { t } = useI18n();
  const work = useQuery(WorkbenchDocument, {});
  const cards = work.data ? cardsFor(role, work.data.workbench, t) : [];
  if (work.data && cards.length === 0) return null;
  return (
    <section data-testid="work-cards" style={{ marginBottom: 16 }}>
      <Typography.Title level={4}>{t('work.title')}</Typography.Title>
      <ListState loading={work.loading} error={work.error} empty={false} onRetry={() => void work.refetch()}>
        <Row gutter={[12, 12]}>
          {cards.map((card) => (
            <Col key={card.key} xs={12} sm={8} lg={6}>
              <Link to={card.to} data-testid={`work-${card.key}`}>
                <Card hoverable size="small" style={{ height: '100%' }}>
                  <Statistic
                    title={t(card.label)}
                    value={typeof card.value === 'number' ? card.value : undefined}
                    formatter={typeof card.value === 'number' ? undefined : () => card.value}
                    valueStyle={card.waiting ? { color: '#cf1322' } : undefined}
                  />
                  {card.note && (
                    <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                      {card.note}
                    </Typography.Text>
                  )}
                </Card>
              </Link>
            </Col>
          ))}
        </Row>
      </ListState>
    </section>
  );
}
