import { Card, Col, Row, Statistic, Tag, Typography } from 'antd';
import type { OversightSummaryQuery } from '../../api/generated';
import { useI18n } from '../../i18n';
import { HHI_FLAG, hhiState, hours, percent, yuan, yuanShort } from './figures';

type Summary = OversightSummaryQuery['spendingSummary'];

function Money({ title, fen, testId }: { title: string; fen: number | null; testId: string }) {
  const { locale } = useI18n();
  const short = yuanShort(fen, locale);
  const exact = yuan(fen);
  return (
    <Card size="small" style={{ height: '100%' }}>
      <Statistic title={title} value={short} />
      {/* The exact amount under a shortened one (¥63.27万 → ¥632,700.00). */}
      <Typography.Text type="secondary" data-testid={testId} style={{ fontSize: 12, display: short === exact ? 'none' : undefined }}>
        {exact}
      </Typography.Text>
    </Card>
  );
}

/** The headline figures of a spending summary: money, output, unit costs and the HHI. */
export function HeadlineFigures({ summary, compact = false }: { summary: Summary; compact?: boolean }) {
  const { t } = useI18n();
  const state = hhiState(summary.concentration.hhi, summary.concentration.hhiFlagged);
  const span = compact ? { xs: 12, md: 6 } : { xs: 12, md: 8, xl: 6 };
  const conc = summary.concentration;
  return (
    <Row gutter={[12, 12]} data-testid="headline-figures">
      <Col {...span}>
        <Money title={t('ovs.budgeted')} fen={summary.budgetedFen} testId="fig-budgeted" />
      </Col>
      <Col {...span}>
        <Money title={t('ovs.contracted')} fen={summary.contractedFen} testId="fig-contracted" />
      </Col>
      <Col {...span}>
        <Money title={t('ovs.paid')} fen={summary.paidFen} testId="fig-paid" />
      </Col>
      <Col {...span}>
        <Money title={t('ovs.outstanding')} fen={summary.outstandingFen} testId="fig-outstanding" />
      </Col>
      {!compact && (
        <>
          <Col {...span}>
            <Card size="small" style={{ height: '100%' }}>
              <Statistic title={t('ovs.serviceHours')} value={t('ovs.hoursValue', { hours: hours(summary.approvedServiceMinutes) })} />
              <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                {t('ovs.beneficiaries')} {summary.beneficiaries}
              </Typography.Text>
            </Card>
          </Col>
          <Col {...span}>
            <Money title={t('ovs.costPerBeneficiary')} fen={summary.costPerBeneficiaryFen ?? null} testId="fig-cost-beneficiary" />
          </Col>
          <Col {...span}>
            <Money title={t('ovs.costPerHour')} fen={summary.costPerServiceHourFen ?? null} testId="fig-cost-hour" />
          </Col>
          <Col {...span}>
            <Card size="small" style={{ height: '100%' }} data-testid="fig-hhi">
              <Statistic title={t('ovs.hhi')} value={conc.hhi ?? '—'} valueStyle={state === 'flagged' ? { color: '#c41d1d' } : undefined} />
              {state === 'flagged' && <Tag color="red">{t('ovs.hhiFlagged', { limit: HHI_FLAG.toLocaleString('en-US') })}</Tag>}
              {state === 'ok' && <Tag color="green">{t('ovs.hhiOk', { limit: HHI_FLAG.toLocaleString('en-US') })}</Tag>}
              {state === 'none' && <Typography.Text type="secondary">{t('ovs.hhiNone')}</Typography.Text>}
              {conc.topOrganizationName && (
                <div>
                  <Typography.Text type="secondary" style={{ fontSize: 12 }}>
                    {t('ovs.topOrganization', { name: conc.topOrganizationName, share: percent(conc.topOrganizationShare) })}
                  </Typography.Text>
                </div>
              )}
            </Card>
          </Col>
        </>
      )}
    </Row>
  );
}
