/** Mainland mobile number: 11 digits starting with 1[3-9]. */
export function isMobilePhone(raw: string): boolean {
  return /^1[3-9]\d{9}$/.test(raw.trim());
}
