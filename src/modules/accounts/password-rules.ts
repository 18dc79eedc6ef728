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
  if (containsUserId(lower, mail, localPart)) broken.push('sameAsUser');
  if (!/\p{L}/u.test(password) || !/\p{Nd}/u.test(password)) broken.push('lettersAndDigits');
  if (/(.)\1\1/u.test(password)) broken.push('repeated');
  if (COMMON.has(lower)) broken.push('common');
  return broken;
}

/** Letters and digits only: "Maria_Garcia99" holds "maria.garcia" just as "maria.garcia99" does. */
const bare = (s: string): string => s.replace(/[^\p{L}\p{Nd}]/gu, '');

/**
 * ACC-3: the user ID may not be the password, nor sit inside it with digits or other characters
 * around it. A local part of one or two characters ("jo@…") is refused only as the whole
 * password: inside a longer one it is no more guessable than any other two letters.
 */
function containsUserId(lower: string, mail: string, localPart: string): boolean {
  if (lower === mail || (localPart !== '' && lower === localPart)) return true;
  if (mail !== '' && lower.includes(mail)) return true;
  const local = bare(localPart);
  return local.length >= 3 && bare(lower).includes(local);
}

export const passwordRuleKey = (rule: PasswordRule): string => `accounts.passwordRules.${rule}`;
