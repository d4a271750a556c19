import { describe, expect, it } from 'vitest';
import { formatJoinCode, isPlausibleJoinCode, normaliseJoinCode, normaliseVolunteerNumber, splitMemberships } from './joinCode';

describe('join codes as typed', () => {
  it('ignores case, spaces and dashes', () => {
    expect(normaliseJoinCode(' abcde-23456 ')).toBe('ABCDE23456');
  });

  it('accepts ten characters of the alphabet and refuses look-alikes and wrong lengths', () => {
    expect(isPlausibleJoinCode('abcde 23456')).toBe(true);
    expect(isPlausibleJoinCode('ABCDE2345')).toBe(false); // 9 characters
    expect(isPlausibleJoinCode('ABCDE234560')).toBe(false); // 11
    expect(isPlausibleJoinCode('OBCDE23456')).toBe(false); // O is not in the alphabet (0/O)
    expect(isPlausibleJoinCode('ABCDE23451')).toBe(false); // 1 is not either (1/I/L)
  });

  it('groups a code in two halves for reading out', () => {
    expect(formatJoinCode('ABCDE23456')).toBe('ABCDE-23456');
    expect(formatJoinCode(null)).toBe('');
  });
});

describe('volunteer numbers and memberships', () => {
  it('trims and upper-cases a typed volunteer number', () => {
    expect(normaliseVolunteerNumber(' v0000000001 ')).toBe('V0000000001');
  });

  it('lists open invitations and active teams apart, dropping declined and left ones', () => {
    const rows = [
      { id: 'a', status: 'ACTIVE' as const },
      { id: 'b', status: 'INVITED' as const },
      { id: 'c', status: 'DECLINED' as const },
      { id: 'd', status: 'LEFT' as const },
    ];
    const { invitations, teams } = splitMemberships(rows);
    expect(invitations.map((r) => r.id)).toEqual(['b']);
    expect(teams.map((r) => r.id)).toEqual(['a']);
  });
});
