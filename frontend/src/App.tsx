import { lazy, Suspense } from 'react';
import { BrowserRouter, Route, Routes } from 'react-router-dom';
import { App as AntApp, ConfigProvider } from 'antd';
import zhCN from 'antd/locale/zh_CN';
import enUS from 'antd/locale/en_US';
import { I18nProvider, useI18n } from './i18n';
import type { Role } from './api/generated';
import { SessionProvider } from './auth/session';
import { AppLayout } from './shell/AppLayout';
import { ErrorBoundary } from './components/ErrorBoundary';
import { LoginPage } from './pages/common/LoginPage';
import { RequireLogin } from './pages/common/RequireLogin';
import { NotFoundPage } from './pages/common/NotFoundPage';
import { WorkbenchPage } from './pages/common/WorkbenchPage';
import { AccountPage } from './pages/common/AccountPage';
import { PublicHomePage } from './pages/public/PublicHomePage';
import { AccountsPage } from './pages/admin/AccountsPage';
import { RegionsPage } from './pages/admin/RegionsPage';
import { JobsPage } from './pages/admin/JobsPage';
import { AuditLogPage } from './pages/auditor/AuditLogPage';
import { NotificationsPage } from './pages/common/NotificationsPage';
import { VerifyPage } from './pages/public/VerifyPage';
import { RegisterPage } from './pages/volunteer/RegisterPage';
import { ActivitiesPage } from './pages/volunteer/ActivitiesPage';
import { ActivityDetailPage } from './pages/volunteer/ActivityDetailPage';
import { MySignupsPage } from './pages/volunteer/MySignupsPage';
import { MyTeamsPage } from './pages/volunteer/MyTeamsPage';
import { TeamsManagePage } from './pages/teams/TeamsManagePage';
import { CheckinPage } from './pages/volunteer/CheckinPage';
import { MyHoursPage } from './pages/volunteer/MyHoursPage';
import { CertificatesPage } from './pages/volunteer/CertificatesPage';
import { ProfilePage } from './pages/volunteer/ProfilePage';
import { OrganizeActivitiesPage } from './pages/organizer/OrganizeActivitiesPage';
import { CreateActivityPage } from './pages/organizer/CreateActivityPage';
import { ShiftScreenPage } from './pages/organizer/ShiftScreenPage';
import { HoursApprovalPage } from './pages/organizer/HoursApprovalPage';
import { DisputesPage } from './pages/organizer/DisputesPage';

import { PublishedProjectsPage } from './pages/projects/PublishedProjectsPage';
import { AwardsPage } from './pages/projects/AwardsPage';
import { ProjectDetailPage } from './pages/projects/ProjectDetailPage';
import { PipelinePage } from './pages/projects/PipelinePage';
import { ProjectWizardPage } from './pages/projects/ProjectWizardPage';
import { NeedsPage } from './pages/projects/NeedsPage';
import { ContractsPage } from './pages/projects/ContractsPage';
import { OrganizationPage } from './pages/org/OrganizationPage';
import { SocialWorkerProfilePage } from './pages/socialworker/SocialWorkerProfilePage';
import { QualificationsPage } from './pages/socialworker/QualificationsPage';
import { OpenProjectsPage } from './pages/org/OpenProjectsPage';
import { MyBidsPage } from './pages/org/MyBidsPage';
import { MyEvaluationsPage } from './pages/projects/MyEvaluationsPage';
import { MyInvitationsPage } from './pages/volunteer/MyInvitationsPage';
import { PageSkeleton } from './components/RecommendationList';

// The matching models page draws charts: it (and ECharts) load only when a platform admin opens it.
const MatchingModelsPage = lazy(() => import('./pages/admin/MatchingModelsPage').then((m) => ({ default: m.MatchingModelsPage })));
// The spending overview draws charts: it (and ECharts) load only when an auditor or officer opens it.
const SpendingOverviewPage = lazy(() => import('./pages/oversight/SpendingOverviewPage').then((m) => ({ default: m.SpendingOverviewPage })));
const FindingsPage = lazy(() => import('./pages/oversight/FindingsPage').then((m) => ({ default: m.FindingsPage })));
const OVERSEERS: Role[] = ['AUDITOR', 'BUREAU_OFFICER'];

const ORGANIZERS: Role[] = ['COMMUNITY_STAFF', 'SOCIAL_WORKER'];

function Routed() {
  return (
    <AppLayout>
      <Routes>
        <Route path="/" element={<PublicHomePage />} />
        <Route path="/login" element={<LoginPage />} />
        <Route path="/app" element={<RequireLogin><WorkbenchPage /></RequireLogin>} />
        <Route path="/app/account" element={<RequireLogin><AccountPage /></RequireLogin>} />
        <Route path="/app/admin/accounts" element={<RequireLogin roles={['PLATFORM_ADMIN']}><AccountsPage /></RequireLogin>} />
        <Route path="/app/admin/regions" element={<RequireLogin roles={['PLATFORM_ADMIN']}><RegionsPage /></RequireLogin>} />
        <Route path="/app/admin/jobs" element={<RequireLogin roles={['PLATFORM_ADMIN']}><JobsPage /></RequireLogin>} />
        <Route
          path="/app/admin/matching"
          element={
            <RequireLogin roles={['PLATFORM_ADMIN']}>
              <Suspense fallback={<PageSkeleton />}>
                <MatchingModelsPage />
              </Suspense>
            </RequireLogin>
          }
        />
        <Route
          path="/app/spending"
          element={
            <RequireLogin roles={OVERSEERS}>
              <Suspense fallback={<PageSkeleton />}>
                <SpendingOverviewPage />
              </Suspense>
            </RequireLogin>
          }
        />
        <Route
          path="/app/findings"
          element={
            <RequireLogin roles={OVERSEERS}>
              <Suspense fallback={<PageSkeleton />}>
                <FindingsPage />
              </Suspense>
            </RequireLogin>
          }
        />
        <Route path="/app/audit" element={<RequireLogin roles={['AUDITOR', 'PLATFORM_ADMIN']}><AuditLogPage /></RequireLogin>} />
        <Route path="/verify" element={<VerifyPage />} />
        <Route path="/register" element={<RegisterPage />} />
        <Route path="/activities" element={<ActivitiesPage />} />
        <Route path="/activities/:id" element={<ActivityDetailPage />} />
        <Route path="/checkin" element={<RequireLogin><CheckinPage /></RequireLogin>} />
        <Route path="/app/notifications" element={<RequireLogin><NotificationsPage /></RequireLogin>} />
        <Route path="/app/volunteer/signups" element={<RequireLogin><MySignupsPage /></RequireLogin>} />
        <Route path="/app/volunteer/teams" element={<RequireLogin roles={['VOLUNTEER']}><MyTeamsPage /></RequireLogin>} />
        <Route path="/app/teams" element={<RequireLogin roles={['COMMUNITY_STAFF', 'ORG_ADMIN', 'PLATFORM_ADMIN']}><TeamsManagePage /></RequireLogin>} />
        <Route path="/app/volunteer/hours" element={<RequireLogin><MyHoursPage /></RequireLogin>} />
        <Route path="/app/volunteer/certificates" element={<RequireLogin><CertificatesPage /></RequireLogin>} />
        <Route path="/app/volunteer/profile" element={<RequireLogin><ProfilePage /></RequireLogin>} />
        <Route path="/app/volunteer/invitations" element={<RequireLogin><MyInvitationsPage /></RequireLogin>} />
        <Route path="/app/activities" element={<RequireLogin roles={ORGANIZERS}><OrganizeActivitiesPage /></RequireLogin>} />
        <Route path="/app/activities/new" element={<RequireLogin roles={ORGANIZERS}><CreateActivityPage /></RequireLogin>} />
        <Route path="/app/shifts/:id" element={<RequireLogin roles={ORGANIZERS}><ShiftScreenPage /></RequireLogin>} />
        <Route path="/app/hours" element={<RequireLogin roles={ORGANIZERS}><HoursApprovalPage /></RequireLogin>} />
        <Route path="/app/disputes" element={<RequireLogin roles={[...ORGANIZERS, 'AUDITOR']}><DisputesPage /></RequireLogin>} />
        <Route path="/projects" element={<PublishedProjectsPage />} />
        <Route path="/projects/awards" element={<AwardsPage />} />
        <Route path="/projects/:id" element={<ProjectDetailPage />} />
        <Route path="/app/pipeline" element={<RequireLogin roles={['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'AUDITOR', 'PLATFORM_ADMIN']}><PipelinePage /></RequireLogin>} />
        <Route path="/app/approvals" element={<RequireLogin roles={['BUREAU_OFFICER']}><PipelinePage pendingApproval /></RequireLogin>} />
        <Route path="/app/projects/new" element={<RequireLogin roles={['COMMUNITY_STAFF']}><ProjectWizardPage /></RequireLogin>} />
        <Route path="/app/needs" element={<RequireLogin roles={['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'AUDITOR']}><NeedsPage /></RequireLogin>} />
        <Route path="/app/contracts" element={<RequireLogin roles={['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'AUDITOR', 'ORG_ADMIN', 'SOCIAL_WORKER', 'PLATFORM_ADMIN']}><ContractsPage /></RequireLogin>} />
        <Route path="/app/organization" element={<RequireLogin roles={['ORG_ADMIN']}><OrganizationPage /></RequireLogin>} />
        <Route path="/app/social-worker" element={<RequireLogin roles={['SOCIAL_WORKER']}><SocialWorkerProfilePage /></RequireLogin>} />
        <Route path="/app/qualifications" element={<RequireLogin roles={['BUREAU_OFFICER', 'PLATFORM_ADMIN']}><QualificationsPage /></RequireLogin>} />
        <Route path="/app/open-projects" element={<RequireLogin roles={['ORG_ADMIN']}><OpenProjectsPage /></RequireLogin>} />
        <Route path="/app/evaluations" element={<RequireLogin roles={['EXPERT', 'COMMUNITY_STAFF', 'BUREAU_OFFICER']}><MyEvaluationsPage /></RequireLogin>} />
        <Route path="/app/bids" element={<RequireLogin roles={['ORG_ADMIN']}><MyBidsPage /></RequireLogin>} />
        <Route path="*" element={<NotFoundPage />} />
      </Routes>
    </AppLayout>
  );
}

function Themed() {
  const { locale } = useI18n();
  return (
    <ConfigProvider locale={locale === 'zh-CN' ? zhCN : enUS} theme={{ token: { colorPrimary: '#c41d1d', borderRadius: 6 } }}>
      <AntApp>
        <ErrorBoundary>
          <SessionProvider>
            <BrowserRouter>
              <Routed />
            </BrowserRouter>
          </SessionProvider>
        </ErrorBoundary>
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <I18nProvider>
      <Themed />
    </I18nProvider>
  );
}
