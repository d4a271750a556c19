import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../i18n';
import { errorMessage } from '../../errors/catalogue';
import { EvaluatorPicker, MAX_SEARCH_TEXT, candidateLabel } from './EvaluatorPicker';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

const EXPERTS = [
  { accountId: 'QWNjb3VudDox', displayName: '王建华', maskedPhone: '138****5678' },
  { accountId: 'QWNjb3VudDoy', displayName: '李建国', maskedPhone: null },
];

type Sent = { query: string; variables: { projectId: string; text: string | null; first: number } };

function serve(candidates: (text: string | null) => unknown[] | { error: string }) {
  const fetchMock = vi.fn((_url: string, init: RequestInit) => {
    const { variables } = JSON.parse(String(init.body)) as Sent;
    const result = candidates(variables.text);
    if ('error' in result) return respond({ data: null, errors: [{ message: 'nope', extensions: { code: result.error } }] });
    return respond({ data: { evaluatorCandidates: result } });
  });
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function sent(fetchMock: ReturnType<typeof serve>): Sent[] {
  return fetchMock.mock.calls.map(([, init]) => JSON.parse(String(init.body)) as Sent);
}

function openPicker() {
  fireEvent.mouseDown(screen.getByRole('combobox'));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('evaluator picker', () => {
  it('labels each expert with the masked phone when there is one', () => {
    expect(candidateLabel(EXPERTS[0])).toBe('王建华（138****5678）');
    expect(candidateLabel(EXPERTS[1])).toBe('李建国');
  });

  it('lists the experts the server offers for this project and returns the chosen account id', async () => {
    const fetchMock = serve(() => EXPERTS);
    const onChange = vi.fn();
    render(
      <I18nProvider>
        <EvaluatorPicker projectId="UHJvamVjdDo3" onChange={onChange} />
      </I18nProvider>,
    );
    openPicker();
    fireEvent.click(await screen.findByText('王建华（138****5678）'));
    expect(onChange).toHaveBeenCalledWith('QWNjb3VudDox');
    expect(sent(fetchMock)[0].query).toContain('evaluatorCandidates');
    expect(sent(fetchMock)[0].variables).toEqual({ projectId: 'UHJvamVjdDo3', text: null, first: 20 });
  });

  it('searches on the server as the officer types, within the server’s length limit', async () => {
    const fetchMock = serve((text) => EXPERTS.filter((e) => !text || e.displayName.includes(text)));
    render(
      <I18nProvider>
        <EvaluatorPicker projectId="UHJvamVjdDo3" />
      </I18nProvider>,
    );
    openPicker();
    await screen.findByText('李建国');
    fireEvent.change(screen.getByRole('combobox'), { target: { value: '王' } });
    await waitFor(() => expect(screen.queryByText('李建国')).toBeNull());
    expect(screen.getByText('王建华（138****5678）')).toBeTruthy();
    expect(sent(fetchMock).some((b) => b.variables.text === '王')).toBe(true);

    fireEvent.change(screen.getByRole('combobox'), { target: { value: '专'.repeat(80) } });
    await waitFor(() => expect(sent(fetchMock).some((b) => b.variables.text?.length === MAX_SEARCH_TEXT)).toBe(true));
    expect(sent(fetchMock).every((b) => (b.variables.text ?? '').length <= MAX_SEARCH_TEXT)).toBe(true);
  });

  it('says why the list is empty, and shows a refusal in Chinese', async () => {
    serve(() => []);
    render(
      <I18nProvider>
        <EvaluatorPicker projectId="UHJvamVjdDo3" />
      </I18nProvider>,
    );
    openPicker();
    await screen.findByText(/没有可指定的评审专家/);
    cleanup();

    serve(() => ({ error: 'NOT_FOUND' }));
    render(
      <I18nProvider>
        <EvaluatorPicker projectId="UHJvamVjdDo3" />
      </I18nProvider>,
    );
    openPicker();
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe(errorMessage('NOT_FOUND', 'zh-CN'));
    expect(alert.textContent).toMatch(/[\u4e00-\u9fff]/);
  });
});
