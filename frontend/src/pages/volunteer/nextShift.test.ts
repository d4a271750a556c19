import { describe, expect, it } from 'vitest';
import { nextShift } from './nextShift';

const NOW = Date.parse('2026-12-04T06:00:00Z');
const shift = (startsAt: string, placesLeft: number, isCancelled = false) => ({ startsAt, placesLeft, isCancelled });

describe('the shift an activity card shows', () => {
  it('skips a shift a month in the past and shows the first upcoming one with its own places left', () => {
    const past = shift('2026-11-04T01:00:00Z', 77);
    const later = shift('2026-12-20T01:00:00Z', 3);
    const soon = shift('2026-12-05T01:00:00Z', 8);
    expect(nextShift([past, later, soon], NOW)).toBe(soon);
    expect(nextShift([past, later, soon], NOW)?.placesLeft).toBe(8);
  });

  it('counts a shift starting exactly now as upcoming', () => {
    const now = shift('2026-12-04T06:00:00Z', 5);
    expect(nextShift([now], NOW)).toBe(now);
  });

  it('skips cancelled shifts', () => {
    const cancelled = shift('2026-12-05T01:00:00Z', 10, true);
    const open = shift('2026-12-06T01:00:00Z', 2);
    expect(nextShift([cancelled, open], NOW)).toBe(open);
  });

  it('is null when every shift has started or is cancelled (the card says 已结束)', () => {
    expect(nextShift([shift('2026-11-04T01:00:00Z', 77), shift('2026-12-05T01:00:00Z', 10, true)], NOW)).toBeNull();
    expect(nextShift([], NOW)).toBeNull();
  });
});
