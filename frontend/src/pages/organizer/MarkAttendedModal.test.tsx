import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { I18nProvider } from '../../i18n';
import { errorMessage } from '../../errors/catalogue';
import { MarkAttendedModal } from './MarkAttendedModal';

// 09:00–12:00 Beijing time on 2026-11-20.
const SHIFT = { startsAt: '2026-11-20T01:00:00+00:00', endsAt: '2026-11-20T04:00:00+00:00' };
const SIGNUP = 'U2lnbnVwOjE=';

type Sent = { query: string; variables: { input: { signupId: string; checkInAt: string; checkOutAt: string } } };

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

function serve(payload: { record?: { minutes: number } | null; errors?: { code: string; field: string | null; message: string }[] }) {
  const fetchMock = vi.fn((_url: string, _init: RequestInit) =>
    respond({
      data: {
        markAttended: {
          attendance: payload.errors?.length ? null : { id: 'QXR0ZW5kYW5jZTox' },
          record: payload.record ? { id: 'U2VydmljZVJlY29yZDox', minutes: payload.record.minutes, status: 'PENDING' } : null,
          errors: payload.errors ?? [],
        },
      },
    }),
  );
  vi.stubGlobal('fetch', fetchMock);
  return fetchMock;
}

function sent(fetchMock: ReturnType<typeof serve>): Sent[] {
  return fetchMock.mock.calls.map(([, init]) => JSON.parse(String(init.body)) as Sent);
}

function renderModal() {
  const onDone = vi.fn();
  const onClose = vi.fn();
  render(
    <I18nProvider>
      <MarkAttendedModal shift={SHIFT} signupId={SIGNUP} volunteerName="赵*明" onClose={onClose} onDone={onDone} />
    </I18nProvider>,
  );
  return { onDone, onClose };
}

const checkIn = () => screen.getByTestId('attended-check-in') as HTMLInputElement;
const checkOut = () => screen.getByTestId('attended-check-out') as HTMLInputElement;
const submitButton = () => screen.getByTestId('mark-attended-submit') as HTMLButtonElement;

/** Type a time into a picker the way an organizer would, and leave the field. */
function typeTime(input: HTMLInputElement, text: string) {
  fireEvent.mouseDown(input);
  fireEvent.focus(input);
  fireEvent.change(input, { target: { value: text } });
  fireEvent.keyDown(input, { key: 'Enter', code: 'Enter' });
  fireEvent.blur(input);
}

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date'] });
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('mark attended modal', () => {
  it('opens with the shift’s start and end once the shift is over, and sends those times', async () => {
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    const fetchMock = serve({ record: { minutes: 180 } });
    const { onDone } = renderModal();
    expect(checkIn().value).toBe('2026-11-20 09:00');
    expect(checkOut().value).toBe('2026-11-20 12:00');
    expect(screen.getByTestId('attended-minutes').textContent).toContain('180');
    fireEvent.click(submitButton());
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(180));
    expect(sent(fetchMock)[0].query).toContain('markAttended');
    expect(sent(fetchMock)[0].variables.input).toEqual({
      signupId: SIGNUP,
      checkInAt: '2026-11-20T01:00:00.000Z',
      checkOutAt: '2026-11-20T04:00:00.000Z',
    });
  });

  it('caps the pre-filled check-out at now while the shift is running', () => {
    vi.setSystemTime(new Date('2026-11-20T02:30:40Z'));
    serve({ record: { minutes: 90 } });
    renderModal();
    expect(checkIn().value).toBe('2026-11-20 09:00');
    expect(checkOut().value).toBe('2026-11-20 10:30');
  });

  it('sends the check-in time the organizer picked', async () => {
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    const fetchMock = serve({ record: { minutes: 165 } });
    const { onDone } = renderModal();
    typeTime(checkIn(), '2026-11-20 09:15');
    await waitFor(() => expect(screen.getByTestId('attended-minutes').textContent).toContain('165'));
    fireEvent.click(submitButton());
    await waitFor(() => expect(onDone).toHaveBeenCalledWith(165));
    expect(sent(fetchMock)[0].variables.input.checkInAt).toBe('2026-11-20T01:15:00.000Z');
  });

  it('explains a check-in outside the shift and sends nothing', async () => {
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    const fetchMock = serve({ record: { minutes: 1 } });
    renderModal();
    typeTime(checkIn(), '2026-11-20 08:30');
    await screen.findByText('签到时间须在班次时间内（2026-11-20 09:00 – 2026-11-20 12:00）');
    expect(submitButton().disabled).toBe(true);
    fireEvent.click(submitButton());
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('explains a check-out before the check-in and sends nothing', async () => {
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    const fetchMock = serve({ record: { minutes: 1 } });
    renderModal();
    typeTime(checkIn(), '2026-11-20 11:00');
    typeTime(checkOut(), '2026-11-20 10:00');
    await screen.findByText('签退时间须晚于签到时间');
    expect(submitButton().disabled).toBe(true);
    expect(fetchMock).not.toHaveBeenCalled();
  });

  it('explains a check-out in the future while the shift is running', async () => {
    vi.setSystemTime(new Date('2026-11-20T02:30:00Z'));
    serve({ record: { minutes: 1 } });
    renderModal();
    typeTime(checkOut(), '2026-11-20 11:00');
    await screen.findByText('签退时间不能晚于现在');
    expect(submitButton().disabled).toBe(true);
  });

  it('says the shift has not started yet instead of offering to send', () => {
    vi.setSystemTime(new Date('2026-11-20T00:30:00Z'));
    serve({ record: { minutes: 1 } });
    renderModal();
    expect(screen.getByText('班次尚未开始，开始后才能确认签到')).toBeTruthy();
    expect(submitButton().disabled).toBe(true);
  });

  it('shows the server’s refusal through the error catalogue and stays open', async () => {
    vi.setSystemTime(new Date('2026-11-20T06:00:00Z'));
    serve({ errors: [{ code: 'RECORD_OVERLAP', field: null, message: 'Overlaps another service record' }] });
    const { onDone } = renderModal();
    fireEvent.click(submitButton());
    const alert = await screen.findByTestId('mark-attended-error');
    expect(alert.textContent).toContain(errorMessage('RECORD_OVERLAP', 'zh-CN'));
    expect(onDone).not.toHaveBeenCalled();
    expect(screen.getByTestId('mark-attended-modal')).toBeTruthy();
  });
});
