import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { I18nProvider } from '../../i18n';
import { MyTeamsPage } from './MyTeamsPage';

const INVITATION = {
  __typename: 'VolunteerTeamMembership',
  id: 'bWVtYmVyc2hpcDox',
  status: 'INVITED',
  volunteerNumber: 'V0000000001',
  teamId: 'VGVhbTox',
  teamName: '朝山街志愿服务队',
  teamDescription: '',
  teamIsActive: true,
  invitedAt: '2026-11-20T01:00:00+00:00',
  respondedAt: null,
  teamRegion: { id: 'UmVnaW9uOjE=', name: '朝山街社区' },
};

type Sent = { query: string; variables: Record<string, unknown> };

function serve() {
  const fetchMock = vi.fn((_url: string, init: RequestInit) => {
    const body = JSON.parse(String(init.body)) as Sent;
    let data: unknown;
    if (body.query.includes('myTeamMemberships')) data = { myTeamMemberships: [INVITATION] };
    else if (body.query.includes('respondToTeamInvitation'))
      data = { respondToTeamInvitation: { membership: { ...INVITATION, status: 'ACTIVE' }, errors: [] } };
    else data = { joinVolunteerTeam: { membership: { ...INVITATION, status: 'ACTIVE' }, errors: [] } };
    return Promise.resolve(new Response(JSON.stringify({ data }), { status: 200, headers: { 'Content-Type': 'application/json' } }));
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function sent(fetchMock: ReturnType<typeof serve>): Sent[] {
  return fetchMock.mock.calls.map(([, init]) => JSON.parse(String(init.body)) as Sent);
}

function renderPage() {
  render(
    <I18nProvider>
      <AntApp>
        <MyTeamsPage />
      </AntApp>
    </I18nProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

// antd renders slowly on a loaded CI machine: the first render alone can take several seconds.
describe('MyTeamsPage', { timeout: 30_000 }, () => {
  it('accepts an invitation with the membership id and accept: true', async () => {
    const fetchMock = serve();
    renderPage();
    await screen.findByText('朝山街志愿服务队');
    fireEvent.click(screen.getByRole('button', { name: '接 受' }));
    await waitFor(() => expect(sent(fetchMock).some((s) => s.query.includes('respondToTeamInvitation'))).toBe(true));
    const answer = sent(fetchMock).find((s) => s.query.includes('respondToTeamInvitation'));
    expect(answer?.variables).toEqual({ input: { membershipId: INVITATION.id, accept: true } });
  });

  it('sends a join code normalised, and refuses an impossible one without asking the server', async () => {
    const fetchMock = serve();
    renderPage();
    await screen.findByText('朝山街志愿服务队');
    const input = screen.getByPlaceholderText('ABCDE-23456');
    const join = () => fireEvent.click(screen.getByRole('button', { name: '用加入码加入' }));

    fireEvent.change(input, { target: { value: 'abc' } });
    join();
    await screen.findByText('加入码应为 10 位字母数字');
    expect(sent(fetchMock).some((s) => s.query.includes('joinVolunteerTeam'))).toBe(false);

    fireEvent.change(input, { target: { value: ' abcde-23456 ' } });
    join();
    await waitFor(() => expect(sent(fetchMock).some((s) => s.query.includes('joinVolunteerTeam'))).toBe(true));
    const joined = sent(fetchMock).find((s) => s.query.includes('joinVolunteerTeam'));
    expect(joined?.variables).toEqual({ input: { code: 'ABCDE23456' } });
  });
});
