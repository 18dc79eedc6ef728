import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * ACC-3. The list of common passwords is the one maintained with zxcvbn-ts (about 49,000
 * entries from real breaches), not a hand-typed handful.
 */
const COMMON = new Set((dictionary['passwords-common'] as string[]).map((p) => p.toLowerCase()));
export const COMMON_PASSWORD_COUNT = COMMON.size;

export type PasswordRule =
  | 'length'
  | 'spaces'
  | 'sameAsUser'
  | 'lettersAndDigits'
  | 'repeated'
  | 'common';

/** Every rule the password breaks (empty when it is acceptable), so each can be named. */
export function brokenPasswordRules(password: string, email: string): PasswordRule[] {
  const broken: PasswordRule[] = [];
  const lower = password.toLowerCase();
  const mail = email.trim().toLowerCase();
  const localPart = mail.split('@')[0] ?? '';
  if ([...password].length < 8 || [...password].length > 20) broken.push('length');
  if (/\s/.test(password)) broken.push('spaces');
  if (lower === mail || (localPart !== '' && lower === localPart)) broken.push('sameAsUser');
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) broken.push('lettersAndDigits');
  if (/(.)\1\1/u.test(password)) broken.push('repeated');
  if (COMMON.has(lower)) broken.push('common');
  return broken;
}

export const passwordRuleKey = (rule: PasswordRule): string => `accounts.passwordRules.${rule}`;
