import { describe, expect, it } from 'vitest';
import { translate } from '../../i18n';
import type { WorkbenchQuery } from '../../api/generated';
import { cardsFor } from './WorkCards';

const t = (key: Parameters<typeof translate>[1], params?: Record<string, string | number>) => translate('en-US', key, params);

const work: WorkbenchQuery['workbench'] = {
  communityStaff: {
    needsWithoutProject: 2,
    projectsAwaitingAction: 0,
    reportsToReview: 1,
    hoursToApprove: 3,
    shiftsToday: 2,
    microWishesToConfirm: 4,
  },
  socialWorker: { shiftsToday: 2, placesToday: 15, placesFilledToday: 9, fillRate: 0.6, hoursToApprove: 3, reportsDue: 1 },
  orgAdmin: null,
  bureauOfficer: null,
  platformAdmin: {
    failedJobs: 0,
    lastChainCheck: { at: '2026-12-03T01:00:00+00:00', ok: false, reason: 'content does not match its hash' },
  },
};

describe('work cards', () => {
  it('community staff cards link each count to the list behind it', () => {
    const cards = cardsFor('COMMUNITY_STAFF', work, t);
    expect(cards.map((c) => [c.label, c.value, c.to])).toEqual([
      ['work.needsWithoutProject', 2, '/app/needs'],
      ['work.projectsAwaitingAction', 0, '/app/pipeline'],
      ['work.reportsToReview', 1, '/app/contracts'],
      ['work.hoursToApprove', 3, '/app/hours'],
      ['work.shiftsToday', 2, '/app/activities'],
      ['work.microWishesToConfirm', 4, '/app/wishes'],
    ]);
    expect(cards.find((c) => c.key === 'drafts')?.waiting).toBe(false);
    expect(cards.find((c) => c.key === 'needs')?.waiting).toBe(true);
  });

  it('the social worker sees the fill rate as a percentage with its places', () => {
    const fill = cardsFor('SOCIAL_WORKER', work, t).find((c) => c.key === 'fill');
    expect(fill?.value).toBe('60%');
    expect(fill?.note).toBe('9 of 15 places');
  });

  it('a failed chain check is flagged with its reason', () => {
    const chain = cardsFor('PLATFORM_ADMIN', work, t).find((c) => c.key === 'chain');
    expect(chain?.value).toBe('Failed');
    expect(chain?.note).toBe('content does not match its hash');
    expect(chain?.waiting).toBe(true);
  });

  it('a role without a section gets no cards', () => {
    expect(cardsFor('ORG_ADMIN', work, t)).toEqual([]);
    expect(cardsFor('VOLUNTEER', work, t)).toEqual([]);
  });
});
