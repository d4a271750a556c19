import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { App as AntApp } from 'antd';
import { I18nProvider } from '../../i18n';
import { SocialWorkerProfilePage } from './SocialWorkerProfilePage';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

const ME = {
  id: 'U29jaWFsV29ya2VyOjE=',
  name: '陈社工',
  level: 'SOCIAL_WORKER',
  certificateNumber: 'SW2024370102001',
  registrationExpiresOn: '2028-02-28',
  registrationValid: true,
  specialties: ['ELDERLY'],
  isActive: true,
  version: 2,
  organizations: [{ id: 'T3JnYW5pemF0aW9uOjE=', name: '历下区阳光社会工作服务中心' }],
};
const INVITATION = {
  id: 'U3RhZmZJbnZpdGF0aW9uOjk=',
  organizationId: 'T3JnYW5pemF0aW9uOjI=',
  organizationName: '泉城和美社会工作服务社',
  socialWorkerId: ME.id,
  socialWorkerName: ME.name,
  status: 'PENDING',
  invitedAt: '2026-12-04T02:00:00+00:00',
};

/** Answers each operation by name; records what was sent. */
function serve() {
  let answered = false;
  const sent: { query: string; variables: Record<string, unknown> }[] = [];
  const fetchMock = vi.fn((_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as { query: string; variables: Record<string, unknown> };
    sent.push(body);
    if (body.query.includes('acceptStaffInvitation')) {
      answered = true;
      return respond({ data: { acceptStaffInvitation: { invitation: { ...INVITATION, status: 'ACTIVE' }, errors: [] } } });
    }
    if (body.query.includes('myStaffInvitations')) return respond({ data: { myStaffInvitations: answered ? [] : [INVITATION] } });
    return respond({ data: { socialWorkers: { nodes: [ME], pageInfo: { hasNextPage: false, endCursor: null } } } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return sent;
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('social worker profile page', () => {
  it('shows the bureau-recorded qualification read-only and accepts an organization’s invitation', async () => {
    const sent = serve();
    render(
      <I18nProvider>
        <AntApp>
          <MemoryRouter>
            <SocialWorkerProfilePage />
          </MemoryRouter>
        </AntApp>
      </I18nProvider>,
    );
    expect(await screen.findByText('泉城和美社会工作服务社')).toBeTruthy();
    expect(await screen.findByText('SW2024370102001')).toBeTruthy();
    expect(screen.queryByRole('textbox')).toBeNull(); // nothing to edit: the bureau records it
    // antd spaces out two-character labels: 接 受
    fireEvent.click(screen.getByRole('button', { name: /接\s*受/ }));
    await waitFor(() => expect(screen.getByText('暂无待处理的邀请')).toBeTruthy());
    const accept = sent.find((b) => b.query.includes('acceptStaffInvitation'));
    expect(accept?.variables).toEqual({ input: { invitationId: INVITATION.id } });
  }, 20_000);
});
