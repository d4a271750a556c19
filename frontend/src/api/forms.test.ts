import { describe, expect, it } from 'vitest';
import { applyUserErrors, formFieldFor } from './forms';
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
