import { describe, expect, it } from 'vitest';
import dayjs from 'dayjs';
import {
  attendanceMinutes,
  defaultAttendanceTimes,
  fromPickerValue,
  shiftDates,
  toPickerValue,
  validateAttendanceTimes,
} from './attendanceTimes';

// 09:00–12:00 Beijing time on 2026-11-20.
const SHIFT = { startsAt: '2026-11-20T01:00:00+00:00', endsAt: '2026-11-20T04:00:00+00:00' };
const at = (iso: string) => new Date(iso);
const AFTER = at('2026-11-20T06:00:00Z'); // the shift is over
const DURING = at('2026-11-20T02:30:45Z'); // 10:30:45 Beijing time

describe('default attendance times', () => {
  it('are the shift’s start and end once the shift has ended', () => {
    expect(defaultAttendanceTimes(SHIFT, AFTER)).toEqual({ checkInAt: at('2026-11-20T01:00:00Z'), checkOutAt: at('2026-11-20T04:00:00Z') });
  });

  it('cap check-out at now, rounded down to the minute, while the shift is running', () => {
    expect(defaultAttendanceTimes(SHIFT, DURING)).toEqual({
      checkInAt: at('2026-11-20T01:00:00Z'),
      checkOutAt: at('2026-11-20T02:30:00Z'),
    });
  });

  it('pass the defaults once the shift has ended', () => {
    expect(validateAttendanceTimes(SHIFT, defaultAttendanceTimes(SHIFT, AFTER), AFTER)).toEqual([]);
  });
});

describe('attendance time rules', () => {
  const ok = { checkInAt: at('2026-11-20T01:15:00Z'), checkOutAt: at('2026-11-20T03:45:00Z') };

  it('accept times inside the shift with check-out after check-in, the shift’s own bounds included', () => {
    expect(validateAttendanceTimes(SHIFT, ok, AFTER)).toEqual([]);
    expect(validateAttendanceTimes(SHIFT, { checkInAt: at(SHIFT.startsAt), checkOutAt: at(SHIFT.endsAt) }, AFTER)).toEqual([]);
  });

  it('refuse any time before the shift has started', () => {
    expect(validateAttendanceTimes(SHIFT, ok, at('2026-11-20T00:59:00Z'))).toEqual([{ field: null, rule: 'notStarted' }]);
  });

  it('require both times', () => {
    expect(validateAttendanceTimes(SHIFT, { checkInAt: null, checkOutAt: null }, AFTER)).toEqual([
      { field: 'checkInAt', rule: 'checkInRequired' },
      { field: 'checkOutAt', rule: 'checkOutRequired' },
    ]);
  });

  it('refuse a check-in before the shift starts or after it ends', () => {
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkInAt: at('2026-11-20T00:59:00Z') }, AFTER)).toEqual([
      { field: 'checkInAt', rule: 'checkInOutsideShift' },
    ]);
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkInAt: at('2026-11-20T04:01:00Z') }, AFTER)).toEqual([
      { field: 'checkInAt', rule: 'checkInOutsideShift' },
    ]);
  });

  it('refuse a check-out before the shift starts or after it ends', () => {
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkOutAt: at('2026-11-20T00:30:00Z') }, AFTER)).toEqual([
      { field: 'checkOutAt', rule: 'checkOutOutsideShift' },
    ]);
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkOutAt: at('2026-11-20T04:01:00Z') }, AFTER)).toEqual([
      { field: 'checkOutAt', rule: 'checkOutOutsideShift' },
    ]);
  });

  it('refuse a check-out in the future while the shift is running', () => {
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkOutAt: at('2026-11-20T02:31:00Z') }, DURING)).toEqual([
      { field: 'checkOutAt', rule: 'checkOutInFuture' },
    ]);
    expect(validateAttendanceTimes(SHIFT, { ...ok, checkOutAt: at('2026-11-20T02:30:00Z') }, DURING)).toEqual([]);
  });

  it('refuse a check-out that is not after the check-in', () => {
    expect(
      validateAttendanceTimes(SHIFT, { checkInAt: at('2026-11-20T02:00:00Z'), checkOutAt: at('2026-11-20T02:00:00Z') }, AFTER),
    ).toEqual([{ field: 'checkOutAt', rule: 'checkOutBeforeCheckIn' }]);
    expect(
      validateAttendanceTimes(SHIFT, { checkInAt: at('2026-11-20T03:00:00Z'), checkOutAt: at('2026-11-20T02:00:00Z') }, AFTER),
    ).toEqual([{ field: 'checkOutAt', rule: 'checkOutBeforeCheckIn' }]);
  });
});

describe('attendance minutes', () => {
  it('count whole minutes from check-in to check-out, and nothing for an empty or backwards span', () => {
    expect(attendanceMinutes({ checkInAt: at('2026-11-20T01:15:00Z'), checkOutAt: at('2026-11-20T03:45:30Z') })).toBe(150);
    expect(attendanceMinutes({ checkInAt: at('2026-11-20T03:00:00Z'), checkOutAt: at('2026-11-20T02:00:00Z') })).toBeNull();
    expect(attendanceMinutes({ checkInAt: null, checkOutAt: at('2026-11-20T02:00:00Z') })).toBeNull();
  });
});

describe('picker values in Beijing time', () => {
  it('show an instant as its Beijing wall-clock time', () => {
    expect(toPickerValue(at('2026-11-20T01:00:00Z')).format('YYYY-MM-DD HH:mm')).toBe('2026-11-20 09:00');
    expect(toPickerValue(at('2026-11-20T17:30:00Z')).format('YYYY-MM-DD HH:mm')).toBe('2026-11-21 01:30');
  });

  it('read a picked value’s wall-clock fields as Beijing time, whatever offset the value carries', () => {
    expect(fromPickerValue(toPickerValue(at('2026-11-20T01:15:00Z')))).toEqual(at('2026-11-20T01:15:00Z'));
    // A value typed into the picker is parsed in the browser's zone: its fields still mean Beijing time.
    expect(fromPickerValue(dayjs('2026-11-20 09:15'))).toEqual(at('2026-11-20T01:15:00Z'));
    expect(fromPickerValue(dayjs.utc('2026-11-20T09:15:00'))).toEqual(at('2026-11-20T01:15:00Z'));
  });

  it('limit the date picker to the Beijing dates the shift touches', () => {
    expect(shiftDates(SHIFT)).toEqual({ first: '2026-11-20', last: '2026-11-20' });
    expect(shiftDates({ startsAt: '2026-11-20T14:00:00Z', endsAt: '2026-11-20T18:00:00Z' })).toEqual({
      first: '2026-11-20',
      last: '2026-11-21',
    });
  });
});
