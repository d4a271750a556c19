import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, render, screen } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../../i18n';
import { MyEvaluationsPage } from './MyEvaluationsPage';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

const PROJECT = {
  id: 'UHJvamVjdDo3',
  title: '解放路社区居家养老服务项目',
  category: 'ELDERLY',
  status: 'BIDS_OPENED',
  fundingSource: 'GOVERNMENT_PURCHASE',
  procurementMethod: 'COMPETITIVE_CONSULTATION',
  budgetCeilingFen: 30_000_000,
  bidDeadline: '2026-12-01T02:00:00+00:00',
  serviceStart: '2027-01-01',
  serviceEnd: '2027-12-31',
  bidCount: 2,
  publishedAt: '2026-11-01T02:00:00+00:00',
  region: { id: 'UmVnaW9uOjE=', name: '解放路社区' },
};

function serve(nodes: unknown[]) {
  const fetchMock = vi.fn(() => respond({ data: { myEvaluations: { nodes, pageInfo: { hasNextPage: false, endCursor: null } } } }));
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderPage() {
  render(
    <I18nProvider>
      <MemoryRouter>
        <MyEvaluationsPage />
      </MemoryRouter>
    </I18nProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('my evaluations page', () => {
  it('lists the caller’s panels from myEvaluations, each linking to the project’s evaluation sheet', async () => {
    const fetchMock = serve([PROJECT]);
    renderPage();
    const open = await screen.findByRole('link', { name: `进入评标：${PROJECT.title}` });
    expect(open.getAttribute('href')).toBe(`/projects/${encodeURIComponent(PROJECT.id)}`);
    expect(screen.getByRole('link', { name: PROJECT.title }).getAttribute('href')).toBe(`/projects/${encodeURIComponent(PROJECT.id)}`);
    expect(screen.getByText('已开标')).toBeTruthy();
    const body = JSON.parse(String((fetchMock.mock.calls[0] as unknown as [string, RequestInit])[1].body)) as { query: string };
    expect(body.query).toContain('myEvaluations');
  });

  it('says so when the caller sits on no panel', async () => {
    serve([]);
    renderPage();
    expect(await screen.findByText('暂无需要您评审的项目')).toBeTruthy();
  });
});
