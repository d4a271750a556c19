import { Checkbox } from 'antd';
import type { DaySlot } from '../api/generated';
import { useI18n } from '../i18n';

export interface Slot {
  day: number;
  slot: DaySlot;
}

const SLOTS: DaySlot[] = ['MORNING', 'AFTERNOON', 'EVENING'];
const DAYS = [0, 1, 2, 3, 4, 5, 6];

/** Weekly availability: a 7 × 3 grid of labelled checkboxes (keyboard: Tab and Space). */
export function AvailabilityGrid({ value = [], onChange, id }: { value?: Slot[]; onChange?: (v: Slot[]) => void; id?: string }) {
  const { t } = useI18n();
  const has = (day: number, slot: DaySlot) => value.some((s) => s.day === day && s.slot === slot);
  const toggle = (day: number, slot: DaySlot, on: boolean) => {
    const rest = value.filter((s) => !(s.day === day && s.slot === slot));
    const next = on ? [...rest, { day, slot }] : rest;
    next.sort((a, b) => a.day - b.day || SLOTS.indexOf(a.slot) - SLOTS.indexOf(b.slot));
    onChange?.(next);
  };
  return (
    <div id={id} style={{ overflowX: 'auto' }}>
      <table className="mm-availability" role="grid">
        <thead>
          <tr>
            <th />
            {DAYS.map((d) => (
              <th key={d} scope="col">
                {t(`day.${d}` as 'day.0')}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {SLOTS.map((slot) => (
            <tr key={slot}>
              <th scope="row">{t(`slot.${slot}` as const)}</th>
              {DAYS.map((day) => (
                <td key={day}>
                  <Checkbox
                    aria-label={`${t(`day.${day}` as 'day.0')} ${t(`slot.${slot}` as const)}`}
                    checked={has(day, slot)}
                    onChange={(e) => toggle(day, slot, e.target.checked)}
                  />
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
