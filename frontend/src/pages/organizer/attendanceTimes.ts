import dayjs, { type Dayjs } from 'dayjs';
import utc from 'dayjs/plugin/utc';

dayjs.extend(utc);

/**
 * The times an organizer gives when marking a volunteer attended, checked with the same rules
 * as the API's `markAttended` (services/attendance.py `_check_marked_times`), so the organizer
 * sees what is wrong before anything is sent.
 */

export interface ShiftWindow {
  startsAt: string;
  endsAt: string;
}

export interface AttendanceTimes {
  checkInAt: Date | null;
  checkOutAt: Date | null;
}

export type AttendanceField = 'checkInAt' | 'checkOutAt';

export type AttendanceRule =
  | 'notStarted'
  | 'checkInRequired'
  | 'checkOutRequired'
  | 'checkInOutsideShift'
  | 'checkOutOutsideShift'
  | 'checkOutInFuture'
  | 'checkOutBeforeCheckIn';

export interface AttendanceTimeError {
  /** null: about the shift as a whole, not one of the two times. */
  field: AttendanceField | null;
  rule: AttendanceRule;
}

const MINUTE_MS = 60_000;

/** Times are shown in Asia/Shanghai whatever the browser's zone; it has had no DST since 1991. */
export const SHANGHAI_OFFSET_MINUTES = 8 * 60;

function floorToMinute(ms: number): number {
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/**
 * What the form opens with: the shift's start and end, except that check-out is never later
 * than now (rounded down to the minute, so a browser clock slightly ahead of the server's is
 * not refused as "in the future") while the shift is still running.
 */
export function defaultAttendanceTimes(shift: ShiftWindow, now: Date): { checkInAt: Date; checkOutAt: Date } {
  const start = new Date(shift.startsAt).getTime();
  const end = new Date(shift.endsAt).getTime();
  return { checkInAt: new Date(start), checkOutAt: new Date(Math.min(end, floorToMinute(now.getTime()))) };
}

/** Every rule the given times break, in the order the API checks them; empty when they are fine. */
export function validateAttendanceTimes(shift: ShiftWindow, times: AttendanceTimes, now: Date): AttendanceTimeError[] {
  const start = new Date(shift.startsAt).getTime();
  const end = new Date(shift.endsAt).getTime();
  const current = now.getTime();
  if (start > current) return [{ field: null, rule: 'notStarted' }];

  const errors: AttendanceTimeError[] = [];
  const checkIn = times.checkInAt?.getTime() ?? null;
  const checkOut = times.checkOutAt?.getTime() ?? null;
  if (checkIn === null || Number.isNaN(checkIn)) errors.push({ field: 'checkInAt', rule: 'checkInRequired' });
  else if (checkIn < start || checkIn > end) errors.push({ field: 'checkInAt', rule: 'checkInOutsideShift' });
  if (checkOut === null || Number.isNaN(checkOut)) errors.push({ field: 'checkOutAt', rule: 'checkOutRequired' });
  else if (checkOut < start || checkOut > end) errors.push({ field: 'checkOutAt', rule: 'checkOutOutsideShift' });
  else if (checkOut > current) errors.push({ field: 'checkOutAt', rule: 'checkOutInFuture' });
  if (errors.length === 0 && checkIn !== null && checkOut !== null && checkOut <= checkIn) {
    errors.push({ field: 'checkOutAt', rule: 'checkOutBeforeCheckIn' });
  }
  return errors;
}

/** Whole minutes between check-in and check-out (what the record will count), or null. */
export function attendanceMinutes(times: AttendanceTimes): number | null {
  if (!times.checkInAt || !times.checkOutAt) return null;
  const ms = times.checkOutAt.getTime() - times.checkInAt.getTime();
  return ms > 0 ? Math.floor(ms / MINUTE_MS) : null;
}

/** A picker value showing the instant as Shanghai wall-clock time. */
export function toPickerValue(at: Date): Dayjs {
  return dayjs(at).utcOffset(SHANGHAI_OFFSET_MINUTES);
}

/**
 * The instant a picker value means: its wall-clock fields read as Shanghai time, to the minute.
 * A picker may hand back a value in the browser's zone (typed text is parsed there), so the
 * fields the organizer saw are what count, not the value's own offset.
 */
export function fromPickerValue(value: Dayjs): Date {
  const wall = Date.UTC(value.year(), value.month(), value.date(), value.hour(), value.minute());
  return new Date(wall - SHANGHAI_OFFSET_MINUTES * MINUTE_MS);
}

/** The Shanghai calendar dates (YYYY-MM-DD) a shift touches, for limiting the date picker. */
export function shiftDates(shift: ShiftWindow): { first: string; last: string } {
  return {
    first: toPickerValue(new Date(shift.startsAt)).format('YYYY-MM-DD'),
    last: toPickerValue(new Date(shift.endsAt)).format('YYYY-MM-DD'),
  };
}
