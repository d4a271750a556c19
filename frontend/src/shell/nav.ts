import type { Role } from '../api/generated';
import type { MessageKey } from '../i18n';

export interface NavItem {
  path: string;
  label: MessageKey;
}

const NOTIFICATIONS: NavItem = { path: '/app/notifications', label: 'nav.notifications' };
const HOME: NavItem = { path: '/app', label: 'shell.workbench' };

const PROJECTS: NavItem = { path: '/projects', label: 'nav.projects' };
const CONTRACTS: NavItem = { path: '/app/contracts', label: 'nav.contracts' };

const SOCIAL_WORKER: NavItem[] = [
  HOME,
  { path: '/app/activities', label: 'nav.organize' },
  { path: '/app/hours', label: 'nav.hoursApproval' },
  { path: '/app/hours', label: 'nav.hoursApproval' },
  { path: '/app/disputes', label: 'nav.disputes' },
  CONTRACTS,
  { path: '/app/social-worker', label: 'nav.socialWorkerProfile' },
  NOTIFICATIONS,
];

/** The menu each role sees. Only screens whose API exists are listed. */
export const NAV: Record<Role, NavItem[]> = {
  PLATFORM_ADMIN: [
    HOME,
    { path: '/app/admin/accounts', label: 'admin.accounts' },
    { path: '/app/admin/regions', label: 'admin.regions' },
    { path: '/app/admin/jobs', label: 'admin.jobs' },
    { path: '/app/admin/matching', label: 'nav.matchingModels' },
    { path: '/app/audit', label: 'audit.title' },
    NOTIFICATIONS,
  ],
  AUDITOR: [
    HOME,
    { path: '/app/spending', label: 'nav.spending' },
    { path: '/app/findings', label: 'nav.findings' },
    { path: '/app/pipeline', label: 'nav.pipeline' },
    CONTRACTS,
    { path: '/app/audit', label: 'audit.title' },
    { path: '/app/disputes', label: 'nav.disputes' },
    NOTIFICATIONS,
  ],
  BUREAU_OFFICER: [
    HOME,
    { path: '/app/spending', label: 'nav.spending' },
    { path: '/app/findings', label: 'nav.findings' },
    { path: '/app/approvals', label: 'nav.approvals' },
    { path: '/app/pipeline', label: 'nav.pipeline' },
    CONTRACTS,
    { path: '/projects/awards', label: 'nav.awards' },
    { path: '/app/qualifications', label: 'nav.qualifications' },
    NOTIFICATIONS,
  ],
  COMMUNITY_STAFF: [
    HOME,
    { path: '/app/pipeline', label: 'nav.pipeline' },
    { path: '/app/projects/new', label: 'nav.newProject' },
    { path: '/app/needs', label: 'nav.needs' },
    CONTRACTS,
    { path: '/app/activities', label: 'nav.organize' },
    { path: '/app/hours', label: 'nav.hoursApproval' },
    { path: '/app/disputes', label: 'nav.disputes' },
    { path: '/app/teams', label: 'nav.teams' },
    NOTIFICATIONS,
  ],
  ORG_ADMIN: [
    HOME,
    { path: '/app/organization', label: 'nav.organization' },
    { path: '/app/teams', label: 'nav.teams' },
    { path: '/app/open-projects', label: 'nav.openProjects' },
    { path: '/app/bids', label: 'nav.myBids' },
    CONTRACTS,
    { path: '/projects/awards', label: 'nav.awards' },
    NOTIFICATIONS,
  ],
  SOCIAL_WORKER,
  EXPERT: [HOME, { path: '/app/evaluations', label: 'nav.myEvaluations' }, NOTIFICATIONS],
  VOLUNTEER: [
    HOME,
    { path: '/activities', label: 'nav.activities' },
    { path: '/app/volunteer/signups', label: 'nav.mySignups' },
    { path: '/app/volunteer/teams', label: 'nav.myTeams' },
    { path: '/app/volunteer/invitations', label: 'nav.invitations' },
    { path: '/checkin', label: 'nav.checkin' },
    { path: '/app/volunteer/hours', label: 'nav.myHours' },
    { path: '/app/volunteer/certificates', label: 'nav.certificates' },
    { path: '/app/volunteer/profile', label: 'nav.profile' },
    NOTIFICATIONS,
  ],
};

export const PUBLIC_NAV: NavItem[] = [
  { path: '/', label: 'shell.publicHome' },
  PROJECTS,
  { path: '/projects/awards', label: 'nav.awards' },
  { path: '/activities', label: 'public.activities' },
  { path: '/verify', label: 'public.verify' },
  { path: '/register', label: 'public.register' },
];
