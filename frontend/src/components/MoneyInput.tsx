import { Input } from 'antd';
import type { Rule } from 'antd/es/form';
import { yuanToFen } from './format';
import type { Translate } from '../i18n';
import { required as requiredRule } from '../validation/rules';

/** Yuan typed as text (no float arithmetic); the form converts with yuanToFen on submit. */
export function MoneyInput(props: { value?: string; onChange?: (v: string) => void; id?: string; placeholder?: string }) {
  return (
    <Input
      id={props.id}
      value={props.value}
      onChange={(e) => props.onChange?.(e.target.value)}
      prefix="¥"
      inputMode="decimal"
      placeholder={props.placeholder}
      autoComplete="off"
    />
  );
}

export function moneyRules(t: Translate, required = true): Rule[] {
  return [
    ...(required ? [requiredRule(t)] : []),
    {
      validator: (_: unknown, value: string | undefined) =>
        !value || (yuanToFen(value) !== null && (yuanToFen(value) ?? 0) > 0)
          ? Promise.resolve()
          : Promise.reject(new Error(t('money.invalid'))),
    },
  ];
}

export function fenToYuanText(fen: number): string {
  return `${Math.trunc(fen / 100)}.${String(Math.abs(fen % 100)).padStart(2, '0')}`;
}
