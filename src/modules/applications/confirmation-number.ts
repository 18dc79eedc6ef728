import { randomInt } from 'node:crypto';

/**
 * Confirmation numbers (APP-8): 8 random characters and 1 check character from Crockford's
 * base-32 alphabet (no I, L, O or U, so nothing reads as another letter or a digit over the
 * phone), shown as "7KQ3-M9X2-H". 32^8 ≈ 1.1 trillion values: unguessable, especially with
 * the look-ups rate-limited. The check character (Luhn mod 32) catches every single
 * mistyped character and most swapped neighbours before any database look-up.
 */
export const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const BODY_LENGTH = 8;

function checkCharacter(body: string): string {
  // Luhn mod N: double every second code point from the right.
  const n = ALPHABET.length;
  let factor = 2;
  let sum = 0;
  for (let i = body.length - 1; i >= 0; i--) {
    let addend = factor * ALPHABET.indexOf(body[i]);
    factor = factor === 2 ? 1 : 2;
    addend = Math.floor(addend / n) + (addend % n);
    sum += addend;
  }
  const remainder = sum % n;
  return ALPHABET[(n - remainder) % n];
}

export function generateConfirmationNumber(random: (max: number) => number = randomInt): string {
  let body = '';
  for (let i = 0; i < BODY_LENGTH; i++) body += ALPHABET[random(ALPHABET.length)];
  return body + checkCharacter(body);
}

/** Upper-case, drop spaces and dashes, and read look-alikes as Crockford does (O→0, I/L→1). */
export function normalizeConfirmationNumber(input: string): string {
  return input
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function isValidConfirmationNumber(input: string): boolean {
  return confirmationNumberProblem(input) === null;
}

/**
 * What is wrong with a typed confirmation number, so the parent is told what to fix:
 * - `length`: it does not have 9 characters (spaces and dashes aside);
 * - `character`: it has a character no confirmation number has (`character` names the first);
 * - `check`: every character could be right, but the check character fails — one of them was
 *   mistyped (or two neighbours swapped).
 */
export type ConfirmationNumberProblem = { kind: 'length' } | { kind: 'character'; character: string } | { kind: 'check' };

export function confirmationNumberProblem(input: string): ConfirmationNumberProblem | null {
  const s = normalizeConfirmationNumber(input);
  if (s.length !== BODY_LENGTH + 1) return { kind: 'length' };
  const stranger = [...s].find((c) => !ALPHABET.includes(c));
  if (stranger !== undefined) return { kind: 'character', character: stranger };
  return checkCharacter(s.slice(0, BODY_LENGTH)) === s[BODY_LENGTH] ? null : { kind: 'check' };
}

/** "7KQ3M9X2H" → "7KQ3-M9X2-H", for reading aloud and printing. */
export function formatConfirmationNumber(stored: string): string {
  const s = normalizeConfirmationNumber(stored);
  return `${s.slice(0, 4)}-${s.slice(4, 8)}-${s.slice(8)}`;
}
