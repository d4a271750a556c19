// Team join codes and volunteer numbers as people type them (docs/volunteering.md, Volunteer
// teams). The server ignores case, spaces and dashes too; checking here only saves a round trip.

/** The alphabet of join codes: no 0/O or 1/I/L, so a code read out loud is unambiguous. */
export const JOIN_CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const JOIN_CODE_LENGTH = 10;

/** Upper case, letters and digits only: " abcde-23456 " → "ABCDE23456". */
export function normaliseJoinCode(input: string): string {
  return input.toUpperCase().replace(/[^0-9A-Z]/g, '');
}

/** Whether a typed code can be a join code at all (right length, right alphabet). */
export function isPlausibleJoinCode(input: string): boolean {
  const code = normaliseJoinCode(input);
  return code.length === JOIN_CODE_LENGTH && [...code].every((ch) => JOIN_CODE_ALPHABET.includes(ch));
}

/** Grouped for reading out: "ABCDE23456" → "ABCDE-23456". */
export function formatJoinCode(code: string | null | undefined): string {
  if (!code) return '';
  const clean = normaliseJoinCode(code);
  return clean.length === JOIN_CODE_LENGTH ? `${clean.slice(0, 5)}-${clean.slice(5)}` : clean;
}

/** A volunteer number as the server stores it: trimmed, upper case ("v0000000001 " → "V0000000001"). */
export function normaliseVolunteerNumber(input: string): string {
  return input.trim().toUpperCase();
}

export type MembershipStatus = 'INVITED' | 'ACTIVE' | 'DECLINED' | 'LEFT';

export const MEMBERSHIP_COLORS: Record<MembershipStatus, string> = {
  INVITED: 'gold',
  ACTIVE: 'green',
  DECLINED: 'default',
  LEFT: 'default',
};

/** A volunteer's memberships split for the "my teams" page: open invitations first. */
export function splitMemberships<T extends { status: MembershipStatus }>(rows: T[]): { invitations: T[]; teams: T[] } {
  return {
    invitations: rows.filter((r) => r.status === 'INVITED'),
    teams: rows.filter((r) => r.status === 'ACTIVE'),
  };
}
