import { describe, expect, it } from 'vitest';
import { weightProblem } from './ProjectWizardPage';
import { starProgress } from '../../components/enums';

describe('evaluation weights in the project wizard', () => {
  it('accepts a price weight of at least 10% when everything adds up to 100%', () => {
    expect(weightProblem(30, [{ weight: 40 }, { weight: 30 }])).toBeNull();
    expect(weightProblem(10, [{ weight: 90 }])).toBeNull();
  });

  it('refuses a price weight under 10%', () => {
    expect(weightProblem(5, [{ weight: 95 }])).toBe('price');
  });

  it('refuses weights that do not add up to 100%', () => {
    expect(weightProblem(30, [{ weight: 40 }, { weight: 20 }])).toBe('sum');
    expect(weightProblem(30, [])).toBe('sum');
  });
});

describe('star level progress', () => {
  it('counts hours to the next star from the thresholds 100/300/600/1000/1500', () => {
    expect(starProgress(0)).toEqual({ level: 0, next: 1, hoursToNext: 100, percent: 0 });
    expect(starProgress(150 * 60)).toEqual({ level: 1, next: 2, hoursToNext: 150, percent: 25 });
    expect(starProgress(1500 * 60)).toEqual({ level: 5, next: null, hoursToNext: 0, percent: 100 });
  });
});
