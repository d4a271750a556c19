// antd form rules built on rules.ts, with messages from the catalogue.
import type { Rule } from 'antd/es/form';
import type { Translate } from '../../i18n';
import { minutesProblem, textProblem } from './rules';

/** Required text of at most `max` characters (after trimming, as the server counts). */
export function textRule(t: Translate, max: number): Rule {
  return {
    validator: (_, value: string | undefined) => {
      const problem = textProblem(value, max);
      if (problem === 'required') return Promise.reject(new Error(t('validation.required')));
      if (problem === 'tooLong') return Promise.reject(new Error(t('wish.tooLong', { max })));
      return Promise.resolve();
    },
  };
}

/** Minutes given: a whole number from 1 to 720. */
export function minutesRule(t: Translate): Rule {
  return {
    validator: (_, value: number | null | undefined) => {
      const problem = minutesProblem(value);
      if (problem === 'required') return Promise.reject(new Error(t('validation.required')));
      if (problem === 'range') return Promise.reject(new Error(t('wish.minutesRange')));
      return Promise.resolve();
    },
  };
}
