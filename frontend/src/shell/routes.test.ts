import { describe, expect, it } from 'vitest';
import { ALL_ROLES, ROUTES, type Access, type Audience } from './routes';
import { NAV, PUBLIC_NAV } from './nav';

function admits(access: Access, audience: Audience): boolean {
  if (access === 'public') return true;
  if (audience === 'PUBLIC') return false;
  return access === 'signedIn' || access.includes(audience);
}

describe('route table', () => {
  it('declares each path once', () => {
    const paths = ROUTES.map((r) => r.path);
    expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
  });

  it('gives no menu the same screen twice', () => {
    for (const items of [...Object.values(NAV), PUBLIC_NAV]) {
      const paths = items.map((i) => i.path);
      expect(paths.filter((p, i) => paths.indexOf(p) !== i)).toEqual([]);
    }
  });

  it('lists in a menu only screens that audience may open', () => {
    for (const route of ROUTES) {
      for (const entry of route.menu ?? []) {
        for (const audience of entry.for)
          expect([route.path, audience, admits(route.access, audience)]).toEqual([route.path, audience, true]);
      }
    }
  });

  it('starts every role menu at the workbench and ends it with notifications', () => {
    for (const role of ALL_ROLES) {
      expect(NAV[role][0].path).toBe('/app');
      expect(NAV[role].at(-1)?.path).toBe('/app/notifications');
    }
  });

  it('lists hours approval once for a social worker', () => {
    expect(NAV.SOCIAL_WORKER.filter((i) => i.path === '/app/hours')).toHaveLength(1);
  });
});
