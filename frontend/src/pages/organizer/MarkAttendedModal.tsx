import { useState } from 'react';
import { Alert, DatePicker, Form, Modal, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { MarkAttendedDocument } from '../../api/generated';
import { useMutation } from '../../api/client';
import { describeError } from '../../api/forms';
import { errorMessage } from '../../errors/catalogue';
import { formatDateTime } from '../../components/format';
import { useI18n, type MessageKey } from '../../i18n';
import {
  attendanceMinutes,
  defaultAttendanceTimes,
  fromPickerValue,
  shiftDates,
  toPickerValue,
  validateAttendanceTimes,
  type AttendanceField,
  type AttendanceTimeError,
  type AttendanceTimes,
  type ShiftWindow,
} from './attendanceTimes';

const FORMAT = 'YYYY-MM-DD HH:mm';

export interface MarkAttendedModalProps {
  shift: ShiftWindow;
  signupId: string;
  volunteerName: string;
  onClose: () => void;
  /** After the server recorded the attendance: the minutes of the PENDING record. */
  onDone: (minutes: number) => void;
}

/**
 * The organizer records a volunteer's attendance (one without a phone): check-in and check-out
 * times on the shift, pre-filled with its start and end (or now, while it runs), checked here
 * with the API's rules before anything is sent.
 */
export function MarkAttendedModal({ shift, signupId, volunteerName, onClose, onDone }: MarkAttendedModalProps) {
  const { t, locale } = useI18n();
  const [markAttended, state] = useMutation(MarkAttendedDocument);
  const [times, setTimes] = useState<AttendanceTimes>(() => defaultAttendanceTimes(shift, new Date()));
  const [serverError, setServerError] = useState<{ field: string | null; text: string } | null>(null);
  // "Now" moves while the modal is open; each render checks against the current time.
  const errors = validateAttendanceTimes(shift, times, new Date());
  const minutes = attendanceMinutes(times);
  const dates = shiftDates(shift);
  const span = { start: formatDateTime(shift.startsAt), end: formatDateTime(shift.endsAt) };

  const text = (e: AttendanceTimeError) => t(`shift.attendance.${e.rule}` as MessageKey, span);
  const fieldError = (field: AttendanceField) => errors.find((e) => e.field === field);
  const shiftError = errors.find((e) => e.field === null);

  const pick = (field: AttendanceField) => (value: Dayjs | null) => {
    setServerError(null);
    setTimes((prev) => ({ ...prev, [field]: value ? fromPickerValue(value) : null }));
  };

  const submit = async () => {
    if (errors.length > 0 || !times.checkInAt || !times.checkOutAt) return;
    setServerError(null);
    try {
      const r = (
        await markAttended({
          input: { signupId, checkInAt: times.checkInAt.toISOString(), checkOutAt: times.checkOutAt.toISOString() },
        })
      ).markAttended;
      if (r.errors.length) {
        setServerError({ field: r.errors[0].field ?? null, text: errorMessage(r.errors[0].code, locale, r.errors[0].message) });
        return;
      }
      onDone(r.record?.minutes ?? 0);
    } catch (exc) {
      setServerError({ field: null, text: describeError(exc, locale) });
    }
  };

  const picker = (field: AttendanceField, label: string, testId: string) => {
    const problem = fieldError(field);
    const server = serverError?.field === field ? serverError.text : null;
    return (
      <Form.Item
        label={label}
        htmlFor={testId}
        validateStatus={problem || server ? 'error' : undefined}
        help={problem ? text(problem) : (server ?? undefined)}
      >
        <DatePicker
          id={testId}
          data-testid={testId}
          showTime={{ format: 'HH:mm' }}
          format={FORMAT}
          needConfirm={false}
          allowClear={false}
          style={{ width: '100%' }}
          value={times[field] ? toPickerValue(times[field]) : null}
          disabledDate={(d: Dayjs) => {
            const day = d.format('YYYY-MM-DD');
            return day < dates.first || day > dates.last;
          }}
          onChange={pick(field)}
        />
      </Form.Item>
    );
  };

  return (
    <Modal
      open
      title={t('shift.attendance.title', { name: volunteerName })}
      okText={t('shift.attendance.submit')}
      cancelText={t('common.cancel')}
      okButtonProps={{ disabled: errors.length > 0, 'data-testid': 'mark-attended-submit' }}
      confirmLoading={state.loading}
      onOk={() => void submit()}
      onCancel={onClose}
    >
      <div data-testid="mark-attended-modal">
        <Typography.Paragraph type="secondary">{t('shift.attendance.window', span)}</Typography.Paragraph>
        {shiftError && <Alert type="warning" showIcon style={{ marginBottom: 16 }} message={text(shiftError)} />}
        {serverError && serverError.field !== 'checkInAt' && serverError.field !== 'checkOutAt' && (
          <Alert type="error" showIcon style={{ marginBottom: 16 }} message={serverError.text} data-testid="mark-attended-error" />
        )}
        <Form layout="vertical" component="div">
          {picker('checkInAt', t('shift.attendance.checkIn'), 'attended-check-in')}
          {picker('checkOutAt', t('shift.attendance.checkOut'), 'attended-check-out')}
        </Form>
        {errors.length === 0 && minutes !== null && (
          <Typography.Paragraph data-testid="attended-minutes">{t('shift.attendance.minutes', { minutes })}</Typography.Paragraph>
        )}
        <Typography.Paragraph type="secondary" style={{ marginBottom: 0 }}>
          {t('shift.attendance.selfCheckin')}
        </Typography.Paragraph>
      </div>
    </Modal>
  );
}
