// Micro-wish rules the screens share (docs/micro_wishes.md): the form checks that mirror the
// API's (so a user hears of a mistake before sending), and which actions each state offers to
// whom. The server decides; these only keep the screens from offering what it would refuse.
import type { ClaimantType, MicroWishNeed, MicroWishStatus } from '../../api/generated';

/** The API's limits (services/micro_wishes.py). */
export const LIMITS = {
  title: 200,
  text: 2000,
  beneficiaryName: 100,
  beneficiaryAddress: 300,
  reason: 500,
  /** A volunteer's time for one wish: at most 12 hours, as a manual service record. */
  minutes: 12 * 60,
} as const;

export type TextProblem = 'required' | 'tooLong' | null;

/** Text is trimmed by the server, then must be 1 to `max` characters. */
export function textProblem(value: string | null | undefined, max: number): TextProblem {
  const text = (value ?? '').trim();
  if (text.length === 0) return 'required';
  if (text.length > max) return 'tooLong';
  return null;
}

/** The public description may not contain the beneficiary's name or address. */
export function namesBeneficiary(
  publicDescription: string | null | undefined,
  name: string | null | undefined,
  address: string | null | undefined,
): boolean {
  const text = publicDescription ?? '';
  return [name, address].some((v) => {
    const needle = (v ?? '').trim();
    return needle.length > 0 && text.includes(needle);
  });
}

/** The deadline must lie in the future. */
export function deadlineInFuture(deadline: Date | null | undefined, now: Date): boolean {
  return !!deadline && deadline.getTime() > now.getTime();
}

/** Minutes are a whole number from 1 to 720. */
export function minutesProblem(minutes: number | null | undefined): 'required' | 'range' | null {
  if (minutes === null || minutes === undefined || Number.isNaN(minutes)) return 'required';
  if (!Number.isInteger(minutes) || minutes < 1 || minutes > LIMITS.minutes) return 'range';
  return null;
}

/** The time given (a start plus minutes) may not end after now. */
export function endsInFuture(startedAt: Date | null | undefined, minutes: number | null | undefined, now: Date): boolean {
  if (!startedAt || minutes === null || minutes === undefined) return false;
  return startedAt.getTime() + minutes * 60_000 > now.getTime();
}

/** Only a volunteer who gave time reports minutes (a team or an organization does not). */
export function takesMinutes(wish: { needs: MicroWishNeed; claimant: { type: ClaimantType } | null }): boolean {
  return wish.needs === 'TIME' && wish.claimant?.type === 'VOLUNTEER';
}

/** An open wish before its deadline can be claimed. */
export function claimable(wish: { status: MicroWishStatus; deadline: string }, now: Date): boolean {
  return wish.status === 'OPEN' && new Date(wish.deadline).getTime() > now.getTime();
}

export type StaffAction = 'withdraw' | 'escalate' | 'confirm' | 'return';
export type ClaimantAction = 'report' | 'release';

/** What the community's staff may do with a wish in each state. */
export function staffActions(status: MicroWishStatus): StaffAction[] {
  switch (status) {
    case 'OPEN':
      return ['withdraw', 'escalate'];
    case 'FULFILLED':
      return ['confirm', 'return'];
    default:
      return [];
  }
}

/** What the claimant may do: report or give back a claimed wish; afterwards, wait. */
export function claimantActions(status: MicroWishStatus): ClaimantAction[] {
  return status === 'CLAIMED' ? ['report', 'release'] : [];
}

export const STATUS_COLORS: Record<MicroWishStatus, string> = {
  OPEN: 'green',
  CLAIMED: 'blue',
  FULFILLED: 'gold',
  CONFIRMED: 'purple',
  EXPIRED: 'default',
  WITHDRAWN: 'default',
  ESCALATED: 'magenta',
};

/** The states staff look through, in the order of a wish's life. */
export const STATUSES: MicroWishStatus[] = ['OPEN', 'CLAIMED', 'FULFILLED', 'CONFIRMED', 'EXPIRED', 'WITHDRAWN', 'ESCALATED'];
