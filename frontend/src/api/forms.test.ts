import { describe, expect, it } from 'vitest';
import { applyUserErrors, describeError, formFieldFor } from './forms';
import { ApiError } from './client';
import type { FormInstance } from 'antd';

describe('server errors on form fields', () => {
  it('maps API field paths to form fields', () => {
    expect(formFieldFor('phone', ['phone'])).toBe('phone');
    expect(formFieldFor('input.phone', ['phone'])).toBe('phone');
    expect(formFieldFor('criteria.1.weight', ['criteria.1.weight'])).toEqual(['criteria', 1, 'weight']);
    expect(formFieldFor('criteria.1.weight', ['weight'])).toBe('weight');
    expect(formFieldFor('somethingElse', ['phone'])).toBeNull();
  });

  it('puts field errors on the form and returns the rest translated', () => {
    const set: unknown[] = [];
    const form = { setFields: (fields: unknown[]) => set.push(...fields) } as unknown as FormInstance;
    const general = applyUserErrors(
      form,
      [
        { code: 'PHONE_TAKEN', field: 'phone', message: 'phone taken' },
        { code: 'RATE_LIMITED', field: null, message: 'slow down' },
      ],
      'zh-CN',
      ['phone'],
    );
    expect(set).toEqual([{ name: 'phone', errors: ['手机号已被注册'] }]);
    expect(general).toEqual(['尝试次数过多，请稍后再试']);
  });
});

describe('thrown errors', () => {
  it('shows the request id with a server error so that a user can quote it', () => {
    const error = new ApiError('Unexpected error.', 'INTERNAL', null, 'a1b2c3');
    expect(describeError(error, 'zh-CN')).toBe('服务器内部错误，请稍后重试（请求编号：a1b2c3）');
    expect(describeError(error, 'en-US')).toBe('Server error, please try again later (request id: a1b2c3)');
  });

  it('shows no request id with an error the user can act on', () => {
    expect(describeError(new ApiError('no', 'FORBIDDEN', null, 'a1b2c3'), 'en-US')).toBe('You are not allowed to do this');
  });

  it('shows no request id when the error has none', () => {
    expect(describeError(new ApiError('offline', 'NETWORK'), 'en-US')).toBe('Network error: check your connection and try again');
  });
});
