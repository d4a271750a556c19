// Resident ID number (居民身份证号码, GB 11643-1999): 18 characters, ISO 7064 MOD 11-2 check
// character. The same rule as the server (matchmaker.services.validation), so the form can say
// "check digit wrong" before a round trip.
const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';

export function idNumberCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += Number(first17[i]) * WEIGHTS[i];
  return CHECK[sum % 11];
}

export type IdNumberProblem = 'format' | 'birthDate' | 'checkDigit';

/** Why an ID number is invalid, or null when it is valid. Lower-case x is accepted. */
export function idNumberProblem(raw: string): IdNumberProblem | null {
  const value = raw.trim().toUpperCase();
  if (!/^\d{17}[\dX]$/.test(value)) return 'format';
  const year = Number(value.slice(6, 10));
  const month = Number(value.slice(10, 12));
  const day = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(year, month - 1, day));
  if (year < 1900 || date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return 'birthDate';
  }
  if (idNumberCheckChar(value.slice(0, 17)) !== value[17]) return 'checkDigit';
  return null;
}

/** Birth date (YYYY-MM-DD) encoded in a valid ID number. */
export function birthDateFromIdNumber(value: string): string {
  const v = value.trim();
  return `${v.slice(6, 10)}-${v.slice(10, 12)}-${v.slice(12, 14)}`;
}

/** Whole years of age on `today` (YYYY-MM-DD) for a valid ID number. */
export function ageOn(value: string, today: string): number {
  const [by, bm, bd] = birthDateFromIdNumber(value).split('-').map(Number);
  const [ty, tm, td] = today.split('-').map(Number);
  let age = ty - by;
  if (tm < bm || (tm === bm && td < bd)) age -= 1;
  return age;
}
