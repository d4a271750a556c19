// The form rules every form shares, so that each is written once.
import type { Rule } from 'antd/es/form';
import type { Translate } from '../i18n';

/** The field must be filled in. */
export function required(t: Translate): Rule {
  return { required: true, message: t('validation.required') };
}

/** The text field must hold more than blanks. */
export function requiredText(t: Translate): Rule {
  return { required: true, whitespace: true, message: t('validation.required') };
}
