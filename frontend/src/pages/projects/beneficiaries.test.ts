import { describe, expect, it } from 'vitest';
import { beneficiaryInput } from './beneficiaries';

describe('beneficiaryInput', () => {
  it('trims the rows, sends a missing ID number or phone as null and leaves out empty rows', () => {
    expect(
      beneficiaryInput([
        { name: ' 张三 ', idNumber: '370102199001011231 ', phone: '' },
        { name: '', idNumber: '', phone: '' },
        { name: '李四', phone: '13912345678' },
      ]),
    ).toEqual([
      { name: '张三', idNumber: '370102199001011231', phone: null },
      { name: '李四', idNumber: null, phone: '13912345678' },
    ]);
  });

  it('is empty without rows', () => {
    expect(beneficiaryInput(undefined)).toEqual([]);
  });
});
