// antd form rules built on rules.ts, with messages from the catalogue.
import type { FormRule as Rule } from 'antd';
import type { Translate } from '../../i18n';
import { minutesProblem, namesBeneficiary, textProblem } from './rules';

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

/** Public text (title, public description) may not contain the beneficiary's name or address,
 * as the form has them in `beneficiaryName` and `beneficiaryAddress`. */
export function namesNobodyRule(t: Translate): Rule {
  return ({ getFieldValue }) => ({
    validator: (_, value: string | undefined) =>
      namesBeneficiary(
        value,
        getFieldValue('beneficiaryName') as string | undefined,
        getFieldValue('beneficiaryAddress') as string | undefined,
      )
        ? Promise.reject(new Error(t('wish.namesBeneficiary')))
        : Promise.resolve(),
  });
}
