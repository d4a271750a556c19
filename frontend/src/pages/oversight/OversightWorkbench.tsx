import { Link } from 'react-router-dom';
import { Card, Col, Row, Statistic, Typography } from 'antd';
import { OpenFindingsCountDocument, OversightSummaryDocument } from '../../api/generated';
import { useQuery } from '../../api/client';
import { ListState } from '../../components/ListState';
import { useI18n } from '../../i18n';
import { HeadlineFigures } from './HeadlineFigures';

/**
 * The auditor's and bureau officer's workbench: the headline figures of their regions and the
 * open findings waiting for a decision, each linking to its screen. No chart (no ECharts here).
 */
export function OversightWorkbench() {
  const { t } = useI18n();
  const summary = useQuery(OversightSummaryDocument, { regionId: null, year: null });
  const findings = useQuery(OpenFindingsCountDocument, {});
  const open = findings.data?.findings.nodes ?? [];
  const more = findings.data?.findings.pageInfo.hasNextPage ?? false;
  const high = open.filter((f) => f.severity === 'HIGH').length;
  return (
    <Row gutter={[16, 16]} style={{ marginBottom: 16 }} data-testid="oversight-workbench">
      <Col xs={24} lg={18}>
        <Card size="small" title={t('wb.figures')} extra={<Link to="/app/spending">{t('wb.moreFigures')}</Link>} style={{ height: '100%' }}>
          <ListState loading={summary.loading} error={summary.error} empty={false} onRetry={() => void summary.refetch()}>
            {summary.data && <HeadlineFigures summary={summary.data.spendingSummary} compact />}
          </ListState>
        </Card>
      </Col>
      <Col xs={24} lg={6}>
        <Card size="small" title={t('wb.findings')} style={{ height: '100%' }} data-testid="open-findings-card">
          <ListState loading={findings.loading} error={findings.error} empty={false} onRetry={() => void findings.refetch()}>
            <Link to="/app/findings?status=OPEN&holds=yes">
              <Statistic
                title={t('find.openCount')}
                value={more ? t('find.openCountMore', { count: open.length }) : t('find.openCountValue', { count: open.length })}
                valueStyle={open.length ? { color: '#c41d1d' } : undefined}
              />
            </Link>
            {high > 0 && <Typography.Text type="danger">{t('find.highCount', { count: high })}</Typography.Text>}
            <div style={{ marginTop: 8 }}>
              <Link to="/app/findings">{t('wb.goFindings')}</Link>
            </div>
          </ListState>
        </Card>
      </Col>
    </Row>
  );
}
