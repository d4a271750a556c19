import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { MemoryRouter } from 'react-router-dom';
import { I18nProvider } from '../../i18n';
import { SessionProvider } from '../../auth/session';
import { LoginPage } from './LoginPage';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
});

describe('login form', () => {
  it('shows the server’s typed error next to the password, in Chinese', async () => {
    const fetchMock = vi.fn((_url: string, init: RequestInit) => {
      const { query } = JSON.parse(String(init.body)) as { query: string };
      if (query.includes('mutation Login')) {
        return respond({
          data: {
            login: { account: null, errors: [{ code: 'INVALID_CREDENTIALS', field: 'password', message: 'Wrong login or password' }] },
          },
        });
      }
      return respond({ data: { me: null } });
    });
    vi.stubGlobal('fetch', fetchMock);
    render(
      <I18nProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={['/login']}>
            <LoginPage />
          </MemoryRouter>
        </SessionProvider>
      </I18nProvider>,
    );
    fireEvent.change(screen.getByLabelText('手机号或用户名'), { target: { value: 'someone' } });
    fireEvent.change(screen.getByLabelText('密码'), { target: { value: 'wrong-password' } });
    fireEvent.submit(screen.getByLabelText('密码').closest('form')!);
    await waitFor(() => expect(document.querySelector('#login_password_help')?.textContent).toBe('账号或密码错误'));
    const sent = fetchMock.mock.calls.map(([, init]) => JSON.parse(String(init.body)) as { variables: unknown });
    expect(
      sent.some((b) => JSON.stringify(b.variables) === JSON.stringify({ input: { login: 'someone', password: 'wrong-password' } })),
    ).toBe(true);
  });

  it('refuses to send an empty form', async () => {
    const fetchMock = vi.fn((_url: string, _init: RequestInit) => respond({ data: { me: null } }));
    vi.stubGlobal('fetch', fetchMock);
    render(
      <I18nProvider>
        <SessionProvider>
          <MemoryRouter initialEntries={['/login']}>
            <LoginPage />
          </MemoryRouter>
        </SessionProvider>
      </I18nProvider>,
    );
    fireEvent.submit(screen.getByLabelText('密码').closest('form')!);
    await waitFor(() => expect(screen.getAllByText('请填写此项').length).toBe(2));
    expect(fetchMock.mock.calls.every(([, init]) => !String(init.body).includes('mutation Login'))).toBe(true);
  });
});
