import type { Role } from '../api/generated';
import type { MessageKey } from '../i18n';

export interface NavItem {
  path: string;
  label: MessageKey;
}

/** The menu each role sees. Only screens whose API exists are listed. */
export const NAV: Record<Role, NavItem[]> = {
  PLATFORM_ADMIN: [
    { path: '/app', label: 'shell.workbench' },
    { path: '/app/admin/accounts', label: 'admin.accounts' },
    { path: '/app/admin/regions', label: 'admin.regions' },
    { path: '/app/admin/jobs', label: 'admin.jobs' },
    { path: '/app/audit', label: 'audit.title' },
  ],
  AUDITOR: [
    { path: '/app', label: 'shell.workbench' },
    { path: '/app/audit', label: 'audit.title' },
  ],
  BUREAU_OFFICER: [{ path: '/app', label: 'shell.workbench' }],
  COMMUNITY_STAFF: [{ path: '/app', label: 'shell.workbench' }],
  ORG_ADMIN: [{ path: '/app', label: 'shell.workbench' }],
  SOCIAL_WORKER: [{ path: '/app', label: 'shell.workbench' }],
  EXPERT: [{ path: '/app', label: 'shell.workbench' }],
  VOLUNTEER: [{ path: '/app', label: 'shell.workbench' }],
};

export const PUBLIC_NAV: NavItem[] = [{ path: '/', label: 'shell.publicHome' }];
