import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildSchema, isEnumType } from 'graphql';
import { ERROR_CATALOGUE, errorMessage } from './catalogue';

const schema = buildSchema(readFileSync(join(__dirname, '..', '..', '..', 'schema.graphql'), 'utf8'));
const errorCode = schema.getType('ErrorCode');

describe('error catalogue', () => {
  it('has a Chinese and an English message for every ErrorCode in schema.graphql', () => {
    if (!isEnumType(errorCode)) throw new Error('schema.graphql has no ErrorCode enum');
    const missing = errorCode
      .getValues()
      .map((v) => v.name)
      .filter((code) => {
        const entry = (ERROR_CATALOGUE as Record<string, { zh: string; en: string } | undefined>)[code];
        return !entry || !entry.zh.trim() || !entry.en.trim();
      });
    expect(missing).toEqual([]);
  });

  it('writes the Chinese messages in Chinese', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      expect(entry.zh, code).toMatch(/[\u4e00-\u9fff]/);
      expect(entry.en, code).not.toMatch(/[\u4e00-\u9fff]/);
    }
  });

  it('translates a known code in the chosen language', () => {
    expect(errorMessage('INVALID_CREDENTIALS', 'zh-CN')).toBe('账号或密码错误');
    expect(errorMessage('INVALID_CREDENTIALS', 'en-US')).toBe('Wrong login or password');
  });

  it("falls back to the server's message for a code it does not know", () => {
    expect(errorMessage('SOMETHING_NEW', 'zh-CN', 'Something new happened')).toBe('Something new happened');
    expect(errorMessage('SOMETHING_NEW', 'zh-CN')).toBe('操作失败');
  });
});
