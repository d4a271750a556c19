import type { Role } from '../api/generated';
import type { MessageKey } from '../i18n';
import { ALL_ROLES, ROUTES, type Audience } from './routes';

export interface NavItem {
  path: string;
  label: MessageKey;
}

/** The menu an audience sees: the route table's entries for it, in table order (`routes.tsx`). */
export function menuFor(audience: Audience): NavItem[] {
  const items: NavItem[] = [];
  for (const route of ROUTES) {
    for (const entry of route.menu ?? []) {
      if (entry.for.includes(audience)) items.push({ path: route.path, label: entry.label });
    }
  }
  return items;
}

/** The menu each role sees after login. */
export const NAV: Record<Role, NavItem[]> = Object.fromEntries(ALL_ROLES.map((role) => [role, menuFor(role)])) as Record<Role, NavItem[]>;

/** The menu before login. */
export const PUBLIC_NAV: NavItem[] = menuFor('PUBLIC');
