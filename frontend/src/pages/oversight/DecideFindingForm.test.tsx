import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../i18n';
import { errorMessage } from '../../errors/catalogue';
import { DecideFindingForm } from './DecideFindingForm';

const FINDING_ID = 'RmluZGluZzox';

const decidedFinding = {
  id: FINDING_ID,
  rule: 'PAYMENT_BEFORE_ACCEPTANCE',
  ruleTitle: 'Payment before the milestone was accepted',
  severity: 'HIGH',
  status: 'CONFIRMED',
  subject: { type: 'Payment', id: 'UGF5bWVudDox', label: 'PZ-001' },
  regionPath: '济南市/历下区',
  evidence: {},
  moneyFen: 150000,
  priority: 10.1,
  holds: true,
  firstSeenAt: '2026-11-20T01:00:00+00:00',
  lastSeenAt: '2026-11-20T01:00:00+00:00',
  note: '核对了付款凭证',
  decidedAt: '2026-11-21T01:00:00+00:00',
};

type Sent = { variables: { input: { findingId: string; decision: string; note: string } } };

function serve(payload: { finding: unknown; errors: { code: string; field: string | null; message: string }[] }) {
  const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
    Promise.resolve(
      new Response(JSON.stringify({ data: { decideFinding: payload } }), { status: 200, headers: { 'Content-Type': 'application/json' } }),
    ),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function renderForm() {
  const onDecided = vi.fn();
  render(
    <I18nProvider>
      <DecideFindingForm finding={{ id: FINDING_ID }} onDecided={onDecided} />
    </I18nProvider>,
  );
  return onDecided;
}

const note = () => screen.getByLabelText('核查说明') as HTMLTextAreaElement;

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('deciding a finding', () => {
  it('sends nothing without a note and says a note is needed', async () => {
    const fetchMock = serve({ finding: decidedFinding, errors: [] });
    const onDecided = renderForm();
    fireEvent.click(screen.getByRole('button', { name: /确认问题/ }));
    expect(await screen.findByText('请填写核查说明')).toBeTruthy();
    fireEvent.change(note(), { target: { value: '   ' } });
    fireEvent.click(screen.getByRole('button', { name: /排\s*除/ }));
    await waitFor(() => expect(screen.getAllByText('请填写核查说明').length).toBeGreaterThan(0));
    expect(fetchMock).not.toHaveBeenCalled();
    expect(onDecided).not.toHaveBeenCalled();
  }, 20_000);

  it('confirms with the note trimmed and hands back the decided finding', async () => {
    const fetchMock = serve({ finding: decidedFinding, errors: [] });
    const onDecided = renderForm();
    fireEvent.change(note(), { target: { value: '  核对了付款凭证 ' } });
    fireEvent.click(screen.getByRole('button', { name: /确认问题/ }));
    await waitFor(() => expect(onDecided).toHaveBeenCalledTimes(1));
    const sent = JSON.parse(String(fetchMock.mock.calls[0][1].body)) as Sent;
    expect(sent.variables.input).toEqual({ findingId: FINDING_ID, decision: 'CONFIRM', note: '核对了付款凭证' });
    expect(onDecided.mock.calls[0][0].status).toBe('CONFIRMED');
  }, 20_000);

  it("shows the server's refusal from the error catalogue and keeps the form", async () => {
    serve({ finding: null, errors: [{ code: 'NOT_FOUND', field: null, message: 'Not found' }] });
    const onDecided = renderForm();
    fireEvent.change(note(), { target: { value: '已核查' } });
    fireEvent.click(screen.getByRole('button', { name: /排\s*除/ }));
    expect(await screen.findByText(errorMessage('NOT_FOUND', 'zh-CN'))).toBeTruthy();
    expect(onDecided).not.toHaveBeenCalled();
    expect(note().value).toBe('已核查');
  }, 20_000);
});
