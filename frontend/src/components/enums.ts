import type { ServiceCategory } from '../api/generated';

export const CATEGORIES: ServiceCategory[] = [
  'ELDERLY',
  'CHILDREN_YOUTH',
  'DISABILITY',
  'FAMILY',
  'COMMUNITY_INTEGRATION',
  'REHABILITATION',
  'EMPLOYMENT',
  'PSYCHOLOGICAL',
  'HARDSHIP_RELIEF',
  'DISPUTE_MEDIATION',
  'CULTURE_SPORT',
  'ENVIRONMENT',
  'OTHER',
];

/** Star level thresholds in approved hours (docs/volunteering.md): 1–5 stars at 100/300/600/1000/1500. */
export const STAR_HOURS = [100, 300, 600, 1000, 1500];

export interface StarProgress {
  level: number;
  next: number | null;
  hoursToNext: number;
  percent: number;
}

export function starProgress(totalMinutes: number): StarProgress {
  const hours = totalMinutes / 60;
  let level = 0;
  while (level < STAR_HOURS.length && hours >= STAR_HOURS[level]) level += 1;
  if (level >= STAR_HOURS.length) return { level, next: null, hoursToNext: 0, percent: 100 };
  const floor = level === 0 ? 0 : STAR_HOURS[level - 1];
  const ceil = STAR_HOURS[level];
  return {
    level,
    next: level + 1,
    hoursToNext: Math.round((ceil - hours) * 10) / 10,
    percent: Math.floor(((hours - floor) / (ceil - floor)) * 100),
  };
}
