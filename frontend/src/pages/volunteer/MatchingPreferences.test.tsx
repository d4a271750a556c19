import { afterEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { App as AntApp } from 'antd';
import { I18nProvider } from '../../i18n';
import { MatchingPreferences } from './MatchingPreferences';

function respond(body: unknown) {
  return Promise.resolve(new Response(JSON.stringify(body), { status: 200, headers: { 'Content-Type': 'application/json' } }));
}

interface Sent {
  query: string;
  variables: Record<string, unknown>;
}

/** A fake API: the volunteer's preferences at `version`, and updateVolunteerProfile applying the input. */
function serve(initial: { personalizedFeed: boolean; recommendable: boolean }) {
  const state = { id: 'Vm9sdW50ZWVyOjE=', version: 4, ...initial };
  const sent: Sent[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn((_url: string, init: RequestInit) => {
      const body = JSON.parse(String(init.body)) as Sent;
      sent.push(body);
      if (body.query.includes('updateVolunteerProfile')) {
        const input = body.variables.input as Record<string, unknown>;
        Object.assign(
          state,
          'personalizedFeed' in input ? { personalizedFeed: input.personalizedFeed } : {},
          'recommendable' in input ? { recommendable: input.recommendable } : {},
        );
        state.version += 1;
        return respond({ data: { updateVolunteerProfile: { volunteer: { ...state }, errors: [] } } });
      }
      return respond({ data: { myVolunteerProfile: { ...state } } });
    }),
  );
  return sent;
}

function renderIn(locale: 'zh-CN' | 'en-US', onChanged = vi.fn()) {
  window.localStorage.setItem('mm.locale', locale);
  render(
    <I18nProvider>
      <AntApp>
        <MatchingPreferences onChanged={onChanged} />
      </AntApp>
    </I18nProvider>,
  );
  return onChanged;
}

function updates(sent: Sent[]) {
  return sent.filter((s) => s.query.includes('updateVolunteerProfile')).map((s) => s.variables.input);
}

afterEach(() => {
  cleanup();
  vi.unstubAllGlobals();
  window.localStorage.clear();
});

describe('the volunteer’s matching preferences', { timeout: 20_000 }, () => {
  it('turning personalization off sends personalizedFeed=false with the current version', async () => {
    const sent = serve({ personalizedFeed: true, recommendable: true });
    const onChanged = renderIn('zh-CN');
    const toggle = await screen.findByRole('switch', { name: '个性化推荐' });
    expect(toggle.getAttribute('aria-checked')).toBe('true');
    fireEvent.click(toggle);
    await waitFor(() => expect(updates(sent)).toEqual([{ volunteerId: 'Vm9sdW50ZWVyOjE=', version: 4, personalizedFeed: false }]));
    await waitFor(() => expect(screen.getByRole('switch', { name: '个性化推荐' }).getAttribute('aria-checked')).toBe('false'));
    expect(onChanged).toHaveBeenCalledTimes(1);
  });

  it('the 不接受推荐/邀请 switch turning on sends recommendable=false', async () => {
    const sent = serve({ personalizedFeed: true, recommendable: true });
    renderIn('zh-CN');
    const optOut = await screen.findByRole('switch', { name: '不接受推荐/邀请' });
    expect(optOut.getAttribute('aria-checked')).toBe('false');
    fireEvent.click(optOut);
    await waitFor(() => expect(updates(sent)).toEqual([{ volunteerId: 'Vm9sdW50ZWVyOjE=', version: 4, recommendable: false }]));
    await waitFor(() => expect(screen.getByRole('switch', { name: '不接受推荐/邀请' }).getAttribute('aria-checked')).toBe('true'));
  });

  it('turning the opt-out off again (in English) sends recommendable=true with the version the server has now', async () => {
    const sent = serve({ personalizedFeed: false, recommendable: false });
    renderIn('en-US');
    const optOut = await screen.findByRole('switch', { name: 'No recommendations or invitations' });
    expect(optOut.getAttribute('aria-checked')).toBe('true');
    expect(screen.getByRole('switch', { name: 'Personalized recommendations' }).getAttribute('aria-checked')).toBe('false');
    fireEvent.click(optOut);
    await waitFor(() => expect(updates(sent)).toEqual([{ volunteerId: 'Vm9sdW50ZWVyOjE=', version: 4, recommendable: true }]));
    await waitFor(() =>
      expect(screen.getByRole('switch', { name: 'No recommendations or invitations' }).getAttribute('aria-checked')).toBe('false'),
    );
    fireEvent.click(await screen.findByRole('switch', { name: 'Personalized recommendations' }));
    await waitFor(() => expect(updates(sent)[1]).toEqual({ volunteerId: 'Vm9sdW50ZWVyOjE=', version: 5, personalizedFeed: true }));
  });
});
