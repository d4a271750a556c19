import { describe, expect, it } from 'vitest';
import { evidenceEntries, globalId, hhiState, hours, noteProblem, percent, subjectLinks, yuan, yuanShort } from './figures';

describe('money from fen', () => {
  it('shows exact yuan with two decimals and thousands separators', () => {
    expect(yuan(1234560)).toBe('¥12,345.60');
    expect(yuan(5)).toBe('¥0.05');
    expect(yuan(0)).toBe('¥0.00');
  });
  it('keeps the sign of an overpayment (outstanding below zero), even under one yuan', () => {
    expect(yuan(-50)).toBe('-¥0.50');
    expect(yuan(-1234560)).toBe('-¥12,345.60');
  });
  it('shows a dash for an unknown amount (no beneficiaries yet)', () => {
    expect(yuan(null)).toBe('—');
    expect(yuanShort(undefined, 'zh-CN')).toBe('—');
  });
  it('shortens headline amounts to 万 and 亿 in Chinese, K/M/B in English', () => {
    // 1,234,567.89 yuan
    expect(yuanShort(123456789, 'zh-CN')).toBe('¥123.46万');
    expect(yuanShort(123456789, 'en-US')).toBe('¥1.23M');
    // 250,000,000 yuan
    expect(yuanShort(25_000_000_000, 'zh-CN')).toBe('¥2.50亿');
    // 9,999.99 yuan stays exact
    expect(yuanShort(999999, 'zh-CN')).toBe('¥9,999.99');
    expect(yuanShort(-2_000_000, 'zh-CN')).toBe('-¥2.00万');
  });
});

describe('hours and shares', () => {
  it('turns approved minutes into hours with one decimal', () => {
    expect(hours(90)).toBe(1.5);
    expect(hours(125)).toBe(2.1);
  });
  it('shows a share as a percentage, or a dash without tenders', () => {
    expect(percent(0.3333)).toBe('33.3%');
    expect(percent(null)).toBe('—');
  });
});

describe('HHI flag', () => {
  it('flags awarded value concentrated above 2,500', () => {
    // one organization with 60 %, two with 20 %: 3600 + 400 + 400 = 4400
    expect(hhiState(4400)).toBe('flagged');
    expect(hhiState(2501)).toBe('flagged');
  });
  it('does not flag exactly 2,500 or less', () => {
    // four equal shares: 4 × 25² = 2500
    expect(hhiState(2500)).toBe('ok');
    expect(hhiState(1200)).toBe('ok');
  });
  it("follows the server's flag when it has one (its threshold is configurable)", () => {
    expect(hhiState(2000, true)).toBe('flagged');
    expect(hhiState(4400, false)).toBe('ok');
  });
  it('says nothing about concentration without awards', () => {
    expect(hhiState(null, false)).toBe('none');
  });
});

describe('decision note', () => {
  it('is required: empty or only spaces is refused', () => {
    expect(noteProblem('')).toBe('find.noteRequired');
    expect(noteProblem('   \n ')).toBe('find.noteRequired');
    expect(noteProblem(undefined)).toBe('find.noteRequired');
  });
  it('takes 1 to 1000 characters', () => {
    expect(noteProblem('核对了付款凭证')).toBeNull();
    expect(noteProblem('审'.repeat(1000))).toBeNull();
    expect(noteProblem('审'.repeat(1001))).toBe('find.noteTooLong');
  });
});

describe('links from a finding', () => {
  it('encodes a global id as the server does', () => {
    expect(globalId('Project', 12)).toBe('UHJvamVjdDoxMg==');
  });
  it('links a project subject and the projects named in the evidence, once each', () => {
    const links = subjectLinks({ type: 'Project', id: 'UHJvamVjdDoxMg==', label: '助老' }, { projectIds: [12, 13] });
    expect(links.map((l) => l.to)).toEqual(['/projects/UHJvamVjdDoxMg==', `/projects/${globalId('Project', 13)}`]);
  });
  it('links the project of a contract finding, but nothing for a service record', () => {
    expect(subjectLinks({ type: 'Contract', id: 'x', label: 'HT-1' }, { projectId: 7, projectTitle: '助老' })).toEqual([
      { to: `/projects/${globalId('Project', 7)}`, type: 'Project', label: '助老' },
    ]);
    expect(subjectLinks({ type: 'ServiceRecord', id: 'y', label: '赵**' }, { minutes: 600 })).toEqual([]);
  });
  it('shows evidence amounts in yuan and lists joined', () => {
    expect(evidenceEntries({ amountFen: 150000, dates: ['2026-01-02', '2026-03-04'] })).toEqual([
      ['amountFen', '¥1,500.00'],
      ['dates', '2026-01-02, 2026-03-04'],
    ]);
  });
  it('shows pairs of bidders one per line, amounts inside them in yuan', () => {
    expect(
      evidenceEntries({
        pairs: [
          { bidIds: [57, 58], similarity: 0.967 },
          { bidIds: [59, 60], priceFen: 8000000 },
        ],
      }),
    ).toEqual([['pairs', 'bidIds 57, 58 · similarity 0.967\nbidIds 59, 60 · priceFen ¥80,000.00']]);
  });
});
