import { describe, expect, it } from 'vitest';
import { ageOn, idNumberProblem } from './idNumber';
import { creditCodeProblem } from './creditCode';
import { isMobilePhone } from './phone';
import { formatFen, yuanToFen } from '../components/format';

// The valid examples were computed with the server's rule (matchmaker.services.validation).
describe('resident ID number', () => {
  it.each(['11010519491231002X', '11010519491231002x', '440308200001011234', '370102201506010015'])('accepts %s', (value) =>
    expect(idNumberProblem(value)).toBeNull(),
  );

  it('rejects a wrong check digit', () => {
    expect(idNumberProblem('110105194912310021')).toBe('checkDigit');
  });

  it('rejects a wrong length or letters', () => {
    expect(idNumberProblem('11010519491231002')).toBe('format');
    expect(idNumberProblem('1101051949123100AX')).toBe('format');
  });

  it('rejects an impossible birth date (30 February)', () => {
    expect(idNumberProblem('110105194902301234')).toBe('birthDate');
  });

  it('computes age from the birth date in the number', () => {
    expect(ageOn('370102201506010015', '2026-05-31')).toBe(10);
    expect(ageOn('370102201506010015', '2026-06-01')).toBe(11);
  });
});

describe('unified social credit code', () => {
  it.each(['91350100M000100Y43', '51370100MJD1234568', '12100000400000624D'])('accepts %s', (value) =>
    expect(creditCodeProblem(value)).toBeNull(),
  );

  it('rejects a wrong check character', () => {
    expect(creditCodeProblem('91350100M000100Y44')).toBe('checkChar');
  });

  it('rejects letters outside the alphabet and wrong lengths', () => {
    expect(creditCodeProblem('91350100M000100I43')).toBe('format');
    expect(creditCodeProblem('91350100M000100Y4')).toBe('format');
  });
});

describe('phone and money', () => {
  it('accepts mainland mobile numbers only', () => {
    expect(isMobilePhone('13800138000')).toBe(true);
    expect(isMobilePhone('12800138000')).toBe(false);
    expect(isMobilePhone('1380013800')).toBe(false);
  });

  it('turns yuan text into integer fen without floating point', () => {
    expect(yuanToFen('12,345.6')).toBe(1234560);
    expect(yuanToFen('0.29')).toBe(29);
    expect(yuanToFen('1.234')).toBeNull();
    expect(yuanToFen('abc')).toBeNull();
  });

  it('shows fen as yuan with two decimals', () => {
    expect(formatFen(1234560)).toBe('¥12,345.60');
    expect(formatFen(5)).toBe('¥0.05');
  });
});
