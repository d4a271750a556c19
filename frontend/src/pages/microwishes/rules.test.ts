import { describe, expect, it } from 'vitest';
import {
  LIMITS,
  claimable,
  endsInFuture,
  claimantActions,
  deadlineInFuture,
  minutesProblem,
  namesBeneficiary,
  staffActions,
  takesMinutes,
  textProblem,
} from './rules';

describe('micro-wish form rules mirror the API', () => {
  it('counts text after trimming, as the server does: blank is required, over the limit is too long', () => {
    expect(textProblem('   ', LIMITS.title)).toBe('required');
    expect(textProblem(undefined, LIMITS.title)).toBe('required');
    expect(textProblem(` ${'字'.repeat(200)} `, LIMITS.title)).toBeNull();
    expect(textProblem('字'.repeat(201), LIMITS.title)).toBe('tooLong');
  });

  it('refuses a public description that contains the beneficiary name or address', () => {
    expect(namesBeneficiary('王秀兰奶奶家厨房灯坏了', '王秀兰', '朝山街12号')).toBe(true);
    expect(namesBeneficiary('住在朝山街12号的老人', '王秀兰', ' 朝山街12号 ')).toBe(true);
    expect(namesBeneficiary('一位独居老人家中厨房灯坏了', '王秀兰', '朝山街12号')).toBe(false);
    // Nothing typed yet in the name or address: nothing to compare against.
    expect(namesBeneficiary('一位独居老人', '', '  ')).toBe(false);
  });

  it('wants a deadline strictly after now', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(deadlineInFuture(new Date('2026-12-04T10:00:01Z'), now)).toBe(true);
    expect(deadlineInFuture(new Date('2026-12-04T10:00:00Z'), now)).toBe(false);
    expect(deadlineInFuture(null, now)).toBe(false);
  });

  it('takes 1 to 720 whole minutes', () => {
    expect(minutesProblem(null)).toBe('required');
    expect(minutesProblem(0)).toBe('range');
    expect(minutesProblem(1)).toBeNull();
    expect(minutesProblem(720)).toBeNull();
    expect(minutesProblem(721)).toBe('range');
    expect(minutesProblem(90.5)).toBe('range');
  });

  it('refuses time given that would end after now (a start plus the minutes)', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(endsInFuture(new Date('2026-12-04T08:30:00Z'), 90, now)).toBe(false);
    expect(endsInFuture(new Date('2026-12-04T08:31:00Z'), 90, now)).toBe(true);
    // No start given: the server counts back from the report, which never ends in the future.
    expect(endsInFuture(null, 90, now)).toBe(false);
  });

  it('asks for minutes only from a volunteer on a wish that needs time', () => {
    expect(takesMinutes({ needs: 'TIME', claimant: { type: 'VOLUNTEER' } })).toBe(true);
    expect(takesMinutes({ needs: 'GOODS', claimant: { type: 'VOLUNTEER' } })).toBe(false);
    expect(takesMinutes({ needs: 'TIME', claimant: { type: 'TEAM' } })).toBe(false);
    expect(takesMinutes({ needs: 'TIME', claimant: { type: 'ORGANIZATION' } })).toBe(false);
    expect(takesMinutes({ needs: 'TIME', claimant: null })).toBe(false);
  });
});

describe('which actions each state offers', () => {
  it('gives staff withdraw and escalate on an open wish, confirm and return on a reported one, nothing otherwise', () => {
    expect(staffActions('OPEN')).toEqual(['withdraw', 'escalate']);
    expect(staffActions('FULFILLED')).toEqual(['confirm', 'return']);
    for (const s of ['CLAIMED', 'CONFIRMED', 'EXPIRED', 'WITHDRAWN', 'ESCALATED'] as const) expect(staffActions(s)).toEqual([]);
  });

  it('lets the claimant report or give back a claimed wish only', () => {
    expect(claimantActions('CLAIMED')).toEqual(['report', 'release']);
    for (const s of ['OPEN', 'FULFILLED', 'CONFIRMED', 'EXPIRED', 'WITHDRAWN', 'ESCALATED'] as const)
      expect(claimantActions(s)).toEqual([]);
  });

  it('offers a claim on an open wish before its deadline only', () => {
    const now = new Date('2026-12-04T10:00:00Z');
    expect(claimable({ status: 'OPEN', deadline: '2026-12-05T00:00:00Z' }, now)).toBe(true);
    expect(claimable({ status: 'OPEN', deadline: '2026-12-04T09:59:00Z' }, now)).toBe(false);
    expect(claimable({ status: 'CLAIMED', deadline: '2026-12-05T00:00:00Z' }, now)).toBe(false);
  });
});
