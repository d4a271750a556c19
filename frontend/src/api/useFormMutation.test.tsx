import type { ReactNode } from 'react';
import { act, renderHook } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FormInstance } from 'antd';
import { ChangePasswordDocument } from './generated';
import { useFormMutation } from './useFormMutation';
import { I18nProvider } from '../i18n';

function respond(body: unknown) {
  return vi.fn(async () => new Response(JSON.stringify(body), { headers: { 'Content-Type': 'application/json' } }));
}

function setup(onSuccess: () => void) {
  const fields: unknown[] = [];
  const form = { setFields: (f: unknown[]) => fields.push(...f) } as unknown as FormInstance;
  const wrapper = ({ children }: { children: ReactNode }) => <I18nProvider>{children}</I18nProvider>;
  const hook = renderHook(
    () => useFormMutation(ChangePasswordDocument, { form, fields: ['oldPassword'], payload: (d) => d.changePassword, onSuccess }),
    { wrapper },
  );
  return { hook, fields };
}

const VARS = { input: { oldPassword: 'a', newPassword: 'b' } };

afterEach(() => vi.unstubAllGlobals());

describe('useFormMutation', () => {
  it('puts a field error on its field, keeps the rest general and does not call onSuccess', async () => {
    vi.stubGlobal(
      'fetch',
      respond({
        data: {
          changePassword: {
            account: null,
            errors: [
              { code: 'INVALID_CREDENTIALS', field: 'input.oldPassword', message: 'wrong' },
              { code: 'RATE_LIMITED', field: null, message: 'slow down' },
            ],
          },
        },
      }),
    );
    const onSuccess = vi.fn();
    const { hook, fields } = setup(onSuccess);
    let result: unknown;
    await act(async () => {
      result = await hook.result.current.submit(VARS);
    });
    expect(result).toBeNull();
    expect(fields).toEqual([{ name: 'oldPassword', errors: ['账号或密码错误'] }]);
    expect(hook.result.current.general).toEqual(['尝试次数过多，请稍后再试']);
    expect(onSuccess).not.toHaveBeenCalled();
  });

  it('calls onSuccess with the response when the payload has no errors', async () => {
    vi.stubGlobal('fetch', respond({ data: { changePassword: { account: { id: 'QWNjb3VudDox' }, errors: [] } } }));
    const onSuccess = vi.fn();
    const { hook } = setup(onSuccess);
    await act(async () => {
      await hook.result.current.submit(VARS);
    });
    expect(onSuccess).toHaveBeenCalledWith({ changePassword: { account: { id: 'QWNjb3VudDox' }, errors: [] } });
    expect(hook.result.current.general).toEqual([]);
  });

  it('turns a thrown server fault into a general message with its request id', async () => {
    vi.stubGlobal(
      'fetch',
      respond({ data: null, errors: [{ message: 'Unexpected error.', extensions: { code: 'INTERNAL', requestId: 'r-42' } }] }),
    );
    const { hook } = setup(vi.fn());
    await act(async () => {
      await hook.result.current.submit(VARS);
    });
    expect(hook.result.current.general).toEqual(['服务器内部错误，请稍后重试（请求编号：r-42）']);
  });
});
