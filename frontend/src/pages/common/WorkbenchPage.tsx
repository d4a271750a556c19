import { lazy, Suspense } from 'react';
import { Card, Col, Row, Skeleton, Typography } from 'antd';
import { Link } from 'react-router-dom';
import { useI18n } from '../../i18n';
import { useSession } from '../../auth/session';
import { NAV } from '../../shell/nav';
import { grantLabel } from '../../shell/RoleSwitch';

// Each role's own part of the workbench is its own chunk: a volunteer on a phone downloads neither
// the oversight figures nor the organization's recommendations (docs/benchmarks.md, first load).
const VolunteerHome = lazy(() => import('../volunteer/VolunteerHome').then((m) => ({ default: m.VolunteerHome })));
const RecommendedProjects = lazy(() => import('../org/RecommendedProjects').then((m) => ({ default: m.RecommendedProjects })));
const WorkCards = lazy(() => import('./WorkCards').then((m) => ({ default: m.WorkCards })));
const OversightWorkbench = lazy(() => import('../oversight/OversightWorkbench').then((m) => ({ default: m.OversightWorkbench })));

/** The main page of the active role: who you act as, your scope, and where to go next. */
export function WorkbenchPage() {
  const { t } = useI18n();
  const { me, activeGrant } = useSession();
  if (!me) return null;
  if (!activeGrant) {
    return <Typography.Paragraph>{t('login.noGrant')}</Typography.Paragraph>;
  }
  if (activeGrant.role === 'VOLUNTEER') {
    return (
      <Suspense fallback={<Skeleton active />}>
        <VolunteerHome name={me.displayName} />
      </Suspense>
    );
  }
  const links = NAV[activeGrant.role].filter((i) => i.path !== '/app');
  const scope = activeGrant.region
    ? activeGrant.region.name
    : activeGrant.role === 'PLATFORM_ADMIN'
      ? t('home.scopeAll')
      : activeGrant.organizationId
        ? t('home.scopeOrganization')
        : t('home.scopeSelf');
  return (
    <div data-testid={`workbench-${activeGrant.role}`}>
      <Typography.Title level={2} style={{ marginTop: 0 }}>
        {t('home.welcome', { name: me.displayName })}
      </Typography.Title>
      <Card style={{ marginBottom: 16 }}>
        <Typography.Title level={4} style={{ marginTop: 0 }}>
          {grantLabel(activeGrant, t)}
        </Typography.Title>
        <Typography.Paragraph>{t(`home.roleIntro.${activeGrant.role}` as const)}</Typography.Paragraph>
        <Typography.Text type="secondary">{t('home.scope', { scope })}</Typography.Text>
      </Card>
      <Suspense fallback={null}>
        <WorkCards role={activeGrant.role} />
        {activeGrant.role === 'ORG_ADMIN' && activeGrant.organizationId && (
          <RecommendedProjects organizationId={activeGrant.organizationId} />
        )}
        {(activeGrant.role === 'AUDITOR' || activeGrant.role === 'BUREAU_OFFICER') && <OversightWorkbench />}
      </Suspense>
      {links.length > 0 && (
        <>
          <Typography.Title level={4}>{t('home.quickLinks')}</Typography.Title>
          <Row gutter={[16, 16]}>
            {links.map((link) => (
              <Col key={link.path} xs={24} sm={12} lg={8}>
                <Link to={link.path}>
                  <Card hoverable>{t(link.label)}</Card>
                </Link>
              </Col>
            ))}
          </Row>
        </>
      )}
    </div>
  );
}
