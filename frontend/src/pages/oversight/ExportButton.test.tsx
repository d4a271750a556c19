import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { I18nProvider } from '../../i18n';
import { ExportButton } from './ExportButton';

type Sent = { variables: { input: Record<string, unknown> } };

function serve(payload: {
  url: string | null;
  jobId: string | null;
  rows: number | null;
  errors: { code: string; field: string | null; message: string }[];
}) {
  const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
    Promise.resolve(
      new Response(JSON.stringify({ data: { requestOversightExport: payload } }), {
        status: 200,
        headers: { 'Content-Type': 'application/json' },
      }),
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderButton() {
  render(
    <I18nProvider>
      <AntApp>
        <ExportButton input={{ kind: 'FINDINGS', status: 'OPEN' }} testId="export" />
      </AntApp>
    </I18nProvider>,
  );
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('ExportButton', () => {
  it('sends the screen filters and downloads a small export from the returned URL', async () => {
    const fetchMock = serve({ url: '/oversight/exports/findings.xlsx?status=OPEN', jobId: null, rows: 3, errors: [] });
    const clicked: string[] = [];
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      clicked.push(this.getAttribute('href') ?? '');
    });
    renderButton();
    fireEvent.click(screen.getByTestId('export'));
    await waitFor(() => expect(clicked).toEqual(['/oversight/exports/findings.xlsx?status=OPEN']));
    const sent = JSON.parse(String(fetchMock.mock.calls[0][1].body)) as Sent;
    expect(sent.variables.input).toEqual({ kind: 'FINDINGS', status: 'OPEN' });
    click.mockRestore();
  });

  it('says a large export is being written instead of downloading', async () => {
    serve({ url: null, jobId: 'Sm9iOjk=', rows: 12000, errors: [] });
    const click = vi.spyOn(HTMLAnchorElement.prototype, 'click');
    renderButton();
    fireEvent.click(screen.getByTestId('export'));
    await screen.findByText(/12000/);
    expect(click).not.toHaveBeenCalled();
    click.mockRestore();
  });
});
