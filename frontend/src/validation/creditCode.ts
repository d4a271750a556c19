// Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from an alphabet
// without I, O, S, V, Z; the last is a check character (weights 3^(i-1) mod 31). Same rule as
// the server.
const ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

export function creditCodeCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i += 1) sum += ALPHABET.indexOf(first17[i]) * WEIGHTS[i];
  return ALPHABET[(31 - (sum % 31)) % 31];
}

export type CreditCodeProblem = 'format' | 'checkChar';

export function creditCodeProblem(raw: string): CreditCodeProblem | null {
  const value = raw.trim().toUpperCase();
  if (value.length !== 18 || [...value].some((c) => !ALPHABET.includes(c))) return 'format';
  if (creditCodeCheckChar(value.slice(0, 17)) !== value[17]) return 'checkChar';
  return null;
}
