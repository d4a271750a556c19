// The one table of screens: each row is a route (its path, who may open it, the page) and, if the
// screen belongs in a menu, the menu entry for the roles that see it. `App` renders the routes and
// `nav.ts` derives every role's menu from this table, so a screen and its menu entry cannot drift.
//
// To add a screen: add one row below (pages load lazily: `page(() => import('…'), 'NamePage')`),
// give it `menu` entries if a role should find it in the menu, and add the label to both
// catalogues in `i18n/`. Menus list entries in table order.
import { lazy, type ComponentType, type LazyExoticComponent, type ReactNode } from 'react';
import type { Role } from '../api/generated';
import type { MessageKey } from '../i18n';

/** Who may open a screen: anyone, anyone signed in, or the active grant's role in the list. */
export type Access = 'public' | 'signedIn' | readonly Role[];

/** A menu is either a role's (after login) or the public one. */
export type Audience = Role | 'PUBLIC';

export interface MenuEntry {
  label: MessageKey;
  for: readonly Audience[];
}

export interface AppRoute {
  path: string;
  access: Access;
  element: ReactNode;
  menu?: readonly MenuEntry[];
}

/** A lazily loaded page: its module (and what only it imports) is fetched when first opened. */
// `any`: pages take differing props, and React.lazy itself is typed over ComponentType<any>.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function page<M extends Record<K, ComponentType<any>>, K extends keyof M & string>(
  load: () => Promise<M>,
  name: K,
): LazyExoticComponent<M[K]> {
  return lazy(() => load().then((m) => ({ default: m[name] })));
}

const PublicHomePage = page(() => import('../pages/public/PublicHomePage'), 'PublicHomePage');
const LoginPage = page(() => import('../pages/common/LoginPage'), 'LoginPage');
const WorkbenchPage = page(() => import('../pages/common/WorkbenchPage'), 'WorkbenchPage');
const AccountPage = page(() => import('../pages/common/AccountPage'), 'AccountPage');
const NotificationsPage = page(() => import('../pages/common/NotificationsPage'), 'NotificationsPage');
const NotFoundPage = page(() => import('../pages/common/NotFoundPage'), 'NotFoundPage');
const AccountsPage = page(() => import('../pages/admin/AccountsPage'), 'AccountsPage');
const RegionsPage = page(() => import('../pages/admin/RegionsPage'), 'RegionsPage');
const JobsPage = page(() => import('../pages/admin/JobsPage'), 'JobsPage');
const MatchingModelsPage = page(() => import('../pages/admin/MatchingModelsPage'), 'MatchingModelsPage');
const AuditLogPage = page(() => import('../pages/auditor/AuditLogPage'), 'AuditLogPage');
const SpendingOverviewPage = page(() => import('../pages/oversight/SpendingOverviewPage'), 'SpendingOverviewPage');
const FindingsPage = page(() => import('../pages/oversight/FindingsPage'), 'FindingsPage');
const EvidenceChainPage = page(() => import('../pages/oversight/EvidenceChainPage'), 'EvidenceChainPage');
const VerifyPage = page(() => import('../pages/public/VerifyPage'), 'VerifyPage');
const RegisterPage = page(() => import('../pages/volunteer/RegisterPage'), 'RegisterPage');
const ActivitiesPage = page(() => import('../pages/volunteer/ActivitiesPage'), 'ActivitiesPage');
const ActivityDetailPage = page(() => import('../pages/volunteer/ActivityDetailPage'), 'ActivityDetailPage');
const CheckinPage = page(() => import('../pages/volunteer/CheckinPage'), 'CheckinPage');
const MySignupsPage = page(() => import('../pages/volunteer/MySignupsPage'), 'MySignupsPage');
const MyTeamsPage = page(() => import('../pages/volunteer/MyTeamsPage'), 'MyTeamsPage');
const MyInvitationsPage = page(() => import('../pages/volunteer/MyInvitationsPage'), 'MyInvitationsPage');
const MyHoursPage = page(() => import('../pages/volunteer/MyHoursPage'), 'MyHoursPage');
const CertificatesPage = page(() => import('../pages/volunteer/CertificatesPage'), 'CertificatesPage');
const ProfilePage = page(() => import('../pages/volunteer/ProfilePage'), 'ProfilePage');
const TeamsManagePage = page(() => import('../pages/teams/TeamsManagePage'), 'TeamsManagePage');
const OrganizeActivitiesPage = page(() => import('../pages/organizer/OrganizeActivitiesPage'), 'OrganizeActivitiesPage');
const CreateActivityPage = page(() => import('../pages/organizer/CreateActivityPage'), 'CreateActivityPage');
const ShiftScreenPage = page(() => import('../pages/organizer/ShiftScreenPage'), 'ShiftScreenPage');
const HoursApprovalPage = page(() => import('../pages/organizer/HoursApprovalPage'), 'HoursApprovalPage');
const DisputesPage = page(() => import('../pages/organizer/DisputesPage'), 'DisputesPage');
const PublishedProjectsPage = page(() => import('../pages/projects/PublishedProjectsPage'), 'PublishedProjectsPage');
const AwardsPage = page(() => import('../pages/projects/AwardsPage'), 'AwardsPage');
const ProjectDetailPage = page(() => import('../pages/projects/ProjectDetailPage'), 'ProjectDetailPage');
const PipelinePage = page(() => import('../pages/projects/PipelinePage'), 'PipelinePage');
const ProjectWizardPage = page(() => import('../pages/projects/ProjectWizardPage'), 'ProjectWizardPage');
const NeedsPage = page(() => import('../pages/projects/NeedsPage'), 'NeedsPage');
const ContractsPage = page(() => import('../pages/projects/ContractsPage'), 'ContractsPage');
const MyEvaluationsPage = page(() => import('../pages/projects/MyEvaluationsPage'), 'MyEvaluationsPage');
const OrganizationPage = page(() => import('../pages/org/OrganizationPage'), 'OrganizationPage');
const OpenProjectsPage = page(() => import('../pages/org/OpenProjectsPage'), 'OpenProjectsPage');
const MyBidsPage = page(() => import('../pages/org/MyBidsPage'), 'MyBidsPage');
const SocialWorkerProfilePage = page(() => import('../pages/socialworker/SocialWorkerProfilePage'), 'SocialWorkerProfilePage');
const QualificationsPage = page(() => import('../pages/socialworker/QualificationsPage'), 'QualificationsPage');
const WishWallPage = page(() => import('../pages/microwishes/WishWallPage'), 'WishWallPage');
const MyWishClaimsPage = page(() => import('../pages/microwishes/MyWishClaimsPage'), 'MyWishClaimsPage');
const ManageWishesPage = page(() => import('../pages/microwishes/ManageWishesPage'), 'ManageWishesPage');

// A record, so that the compiler insists every role is listed.
const ROLE_SET: Record<Role, true> = {
  PLATFORM_ADMIN: true,
  AUDITOR: true,
  BUREAU_OFFICER: true,
  COMMUNITY_STAFF: true,
  ORG_ADMIN: true,
  SOCIAL_WORKER: true,
  EXPERT: true,
  VOLUNTEER: true,
};
export const ALL_ROLES = Object.keys(ROLE_SET) as readonly Role[];
const ORGANIZERS: readonly Role[] = ['COMMUNITY_STAFF', 'SOCIAL_WORKER'];
const OVERSEERS: readonly Role[] = ['AUDITOR', 'BUREAU_OFFICER'];
const PROCUREMENT_READERS: readonly Role[] = ['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'AUDITOR', 'PLATFORM_ADMIN'];
const CONTRACT_READERS: readonly Role[] = [...PROCUREMENT_READERS, 'ORG_ADMIN', 'SOCIAL_WORKER'];

export const ROUTES: readonly AppRoute[] = [
  { path: '/', access: 'public', element: <PublicHomePage />, menu: [{ label: 'shell.publicHome', for: ['PUBLIC'] }] },
  { path: '/login', access: 'public', element: <LoginPage /> },
  { path: '/app', access: 'signedIn', element: <WorkbenchPage />, menu: [{ label: 'shell.workbench', for: ALL_ROLES }] },
  { path: '/app/account', access: 'signedIn', element: <AccountPage /> },

  // Platform administration
  {
    path: '/app/admin/accounts',
    access: ['PLATFORM_ADMIN'],
    element: <AccountsPage />,
    menu: [{ label: 'admin.accounts', for: ['PLATFORM_ADMIN'] }],
  },
  {
    path: '/app/admin/regions',
    access: ['PLATFORM_ADMIN'],
    element: <RegionsPage />,
    menu: [{ label: 'admin.regions', for: ['PLATFORM_ADMIN'] }],
  },
  { path: '/app/admin/jobs', access: ['PLATFORM_ADMIN'], element: <JobsPage />, menu: [{ label: 'admin.jobs', for: ['PLATFORM_ADMIN'] }] },
  {
    path: '/app/admin/matching',
    access: ['PLATFORM_ADMIN'],
    element: <MatchingModelsPage />,
    menu: [{ label: 'nav.matchingModels', for: ['PLATFORM_ADMIN'] }],
  },

  // Oversight and procurement
  { path: '/app/spending', access: OVERSEERS, element: <SpendingOverviewPage />, menu: [{ label: 'nav.spending', for: OVERSEERS }] },
  { path: '/app/findings', access: OVERSEERS, element: <FindingsPage />, menu: [{ label: 'nav.findings', for: OVERSEERS }] },
  { path: '/app/evidence/:projectId', access: [...OVERSEERS, 'COMMUNITY_STAFF'], element: <EvidenceChainPage /> },
  {
    path: '/app/approvals',
    access: ['BUREAU_OFFICER'],
    element: <PipelinePage pendingApproval />,
    menu: [{ label: 'nav.approvals', for: ['BUREAU_OFFICER'] }],
  },
  {
    path: '/app/pipeline',
    access: PROCUREMENT_READERS,
    element: <PipelinePage />,
    menu: [{ label: 'nav.pipeline', for: ['AUDITOR', 'BUREAU_OFFICER', 'COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/projects/new',
    access: ['COMMUNITY_STAFF'],
    element: <ProjectWizardPage />,
    menu: [{ label: 'nav.newProject', for: ['COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/needs',
    access: ['COMMUNITY_STAFF', 'BUREAU_OFFICER', 'AUDITOR'],
    element: <NeedsPage />,
    menu: [{ label: 'nav.needs', for: ['COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/organization',
    access: ['ORG_ADMIN'],
    element: <OrganizationPage />,
    menu: [{ label: 'nav.organization', for: ['ORG_ADMIN'] }],
  },
  {
    path: '/app/open-projects',
    access: ['ORG_ADMIN'],
    element: <OpenProjectsPage />,
    menu: [{ label: 'nav.openProjects', for: ['ORG_ADMIN'] }],
  },
  { path: '/app/bids', access: ['ORG_ADMIN'], element: <MyBidsPage />, menu: [{ label: 'nav.myBids', for: ['ORG_ADMIN'] }] },
  { path: '/projects', access: 'public', element: <PublishedProjectsPage />, menu: [{ label: 'nav.projects', for: ['PUBLIC'] }] },
  {
    path: '/app/contracts',
    access: CONTRACT_READERS,
    element: <ContractsPage />,
    menu: [{ label: 'nav.contracts', for: ['AUDITOR', 'BUREAU_OFFICER', 'COMMUNITY_STAFF', 'ORG_ADMIN', 'SOCIAL_WORKER'] }],
  },
  {
    path: '/projects/awards',
    access: 'public',
    element: <AwardsPage />,
    menu: [{ label: 'nav.awards', for: ['PUBLIC', 'BUREAU_OFFICER', 'ORG_ADMIN'] }],
  },
  { path: '/projects/:id', access: 'public', element: <ProjectDetailPage /> },
  {
    path: '/app/qualifications',
    access: ['BUREAU_OFFICER', 'PLATFORM_ADMIN'],
    element: <QualificationsPage />,
    menu: [{ label: 'nav.qualifications', for: ['BUREAU_OFFICER'] }],
  },

  // Organizing volunteer activities
  {
    path: '/app/activities',
    access: ORGANIZERS,
    element: <OrganizeActivitiesPage />,
    menu: [{ label: 'nav.organize', for: ORGANIZERS }],
  },
  { path: '/app/activities/new', access: ORGANIZERS, element: <CreateActivityPage /> },
  { path: '/app/shifts/:id', access: ORGANIZERS, element: <ShiftScreenPage /> },
  { path: '/app/hours', access: ORGANIZERS, element: <HoursApprovalPage />, menu: [{ label: 'nav.hoursApproval', for: ORGANIZERS }] },
  {
    path: '/app/disputes',
    access: [...ORGANIZERS, 'AUDITOR'],
    element: <DisputesPage />,
    menu: [{ label: 'nav.disputes', for: ['COMMUNITY_STAFF', 'SOCIAL_WORKER'] }],
  },
  {
    path: '/app/audit',
    access: ['AUDITOR', 'PLATFORM_ADMIN'],
    element: <AuditLogPage />,
    menu: [{ label: 'audit.title', for: ['PLATFORM_ADMIN', 'AUDITOR'] }],
  },
  {
    path: '/app/teams',
    access: ['COMMUNITY_STAFF', 'ORG_ADMIN', 'PLATFORM_ADMIN'],
    element: <TeamsManagePage />,
    menu: [{ label: 'nav.teams', for: ['COMMUNITY_STAFF', 'ORG_ADMIN'] }],
  },
  {
    path: '/app/social-worker',
    access: ['SOCIAL_WORKER'],
    element: <SocialWorkerProfilePage />,
    menu: [{ label: 'nav.socialWorkerProfile', for: ['SOCIAL_WORKER'] }],
  },
  {
    path: '/app/evaluations',
    access: ['EXPERT', 'COMMUNITY_STAFF', 'BUREAU_OFFICER'],
    element: <MyEvaluationsPage />,
    menu: [{ label: 'nav.myEvaluations', for: ['EXPERT'] }],
  },

  // Volunteers (and the public pages they start from)
  {
    path: '/activities',
    access: 'public',
    element: <ActivitiesPage />,
    menu: [
      { label: 'nav.activities', for: ['VOLUNTEER'] },
      { label: 'public.activities', for: ['PUBLIC'] },
    ],
  },
  { path: '/activities/:id', access: 'public', element: <ActivityDetailPage /> },
  // Micro-wishes (docs/micro_wishes.md): the public wall, what a claimant holds, staff management.
  {
    path: '/wishes',
    access: 'public',
    element: <WishWallPage />,
    menu: [{ label: 'nav.wishWall', for: ['PUBLIC', 'VOLUNTEER', 'ORG_ADMIN', 'COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/wishes/mine',
    access: ['VOLUNTEER', 'ORG_ADMIN', 'COMMUNITY_STAFF'],
    element: <MyWishClaimsPage />,
    menu: [{ label: 'nav.myWishClaims', for: ['VOLUNTEER', 'ORG_ADMIN', 'COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/wishes',
    access: ['COMMUNITY_STAFF'],
    element: <ManageWishesPage />,
    menu: [{ label: 'nav.manageWishes', for: ['COMMUNITY_STAFF'] }],
  },
  {
    path: '/app/volunteer/signups',
    access: 'signedIn',
    element: <MySignupsPage />,
    menu: [{ label: 'nav.mySignups', for: ['VOLUNTEER'] }],
  },
  { path: '/app/volunteer/teams', access: ['VOLUNTEER'], element: <MyTeamsPage />, menu: [{ label: 'nav.myTeams', for: ['VOLUNTEER'] }] },
  {
    path: '/app/volunteer/invitations',
    access: 'signedIn',
    element: <MyInvitationsPage />,
    menu: [{ label: 'nav.invitations', for: ['VOLUNTEER'] }],
  },
  { path: '/checkin', access: 'signedIn', element: <CheckinPage />, menu: [{ label: 'nav.checkin', for: ['VOLUNTEER'] }] },
  { path: '/app/volunteer/hours', access: 'signedIn', element: <MyHoursPage />, menu: [{ label: 'nav.myHours', for: ['VOLUNTEER'] }] },
  {
    path: '/app/volunteer/certificates',
    access: 'signedIn',
    element: <CertificatesPage />,
    menu: [{ label: 'nav.certificates', for: ['VOLUNTEER'] }],
  },
  { path: '/app/volunteer/profile', access: 'signedIn', element: <ProfilePage />, menu: [{ label: 'nav.profile', for: ['VOLUNTEER'] }] },
  { path: '/verify', access: 'public', element: <VerifyPage />, menu: [{ label: 'public.verify', for: ['PUBLIC'] }] },
  { path: '/register', access: 'public', element: <RegisterPage />, menu: [{ label: 'public.register', for: ['PUBLIC'] }] },

  {
    path: '/app/notifications',
    access: 'signedIn',
    element: <NotificationsPage />,
    menu: [{ label: 'nav.notifications', for: ALL_ROLES }],
  },
  { path: '*', access: 'public', element: <NotFoundPage /> },
];
