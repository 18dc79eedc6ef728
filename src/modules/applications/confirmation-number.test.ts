import { describe, expect, it } from 'vitest';
import {
  ALPHABET,
  confirmationNumberProblem,
  formatConfirmationNumber,
  generateConfirmationNumber,
  isValidConfirmationNumber,
  normalizeConfirmationNumber,
} from './confirmation-number.js';

describe('confirmation numbers', () => {
  it('APP-8 generates 9 characters from the Crockford alphabet that pass their own check', () => {
    for (let i = 0; i < 500; i++) {
      const n = generateConfirmationNumber();
      expect(n).toMatch(/^[0-9A-HJKMNP-TV-Z]{9}$/);
      expect(isValidConfirmationNumber(n)).toBe(true);
    }
  });

  it('APP-8 numbers are random: 2,000 draws give 2,000 different numbers', () => {
    const seen = new Set(Array.from({ length: 2000 }, () => generateConfirmationNumber()));
    expect(seen.size).toBe(2000);
  });

  it('APP-8 the check character catches every single mistyped character', () => {
    const n = generateConfirmationNumber();
    for (let pos = 0; pos < n.length; pos++) {
      for (const c of ALPHABET) {
        if (c === n[pos]) continue;
        const typo = n.slice(0, pos) + c + n.slice(pos + 1);
        expect(isValidConfirmationNumber(typo), `${n} → ${typo}`).toBe(false);
      }
    }
  });

  it('APP-8 the check character catches swapped neighbours (in nearly all cases)', () => {
    let caught = 0;
    let swaps = 0;
    for (let i = 0; i < 300; i++) {
      const n = generateConfirmationNumber();
      for (let pos = 0; pos < n.length - 1; pos++) {
        if (n[pos] === n[pos + 1]) continue;
        const swapped = n.slice(0, pos) + n[pos + 1] + n[pos] + n.slice(pos + 2);
        swaps++;
        if (!isValidConfirmationNumber(swapped)) caught++;
      }
    }
    expect(caught / swaps).toBeGreaterThan(0.95);
  });

  it('reads what a parent types: lower case, dashes, spaces, O for zero and I or L for one', () => {
    const fixed = (max: number) => (max === 32 ? 0 : 0);
    const n = generateConfirmationNumber(fixed); // 00000000 + check
    expect(normalizeConfirmationNumber(` oooo-oooo ${n[8].toLowerCase()} `)).toBe(n);
    expect(normalizeConfirmationNumber('1il')).toBe('111');
    expect(formatConfirmationNumber(n)).toBe(`0000-0000-${n[8]}`);
    expect(isValidConfirmationNumber(formatConfirmationNumber(n).toLowerCase())).toBe(true);
  });

  it('refuses wrong lengths and characters outside the alphabet', () => {
    expect(isValidConfirmationNumber('')).toBe(false);
    expect(isValidConfirmationNumber('ABCD')).toBe(false);
    expect(isValidConfirmationNumber('ABCD-EFGH-UU')).toBe(false);
    expect(isValidConfirmationNumber('ABCD-EFGH-*')).toBe(false);
  });

  it('DOC-1 tells what is wrong: the length, a character no number has, or (the check failing) one wrong character', () => {
    const n = generateConfirmationNumber();
    expect(confirmationNumberProblem(n)).toBeNull();
    expect(confirmationNumberProblem(formatConfirmationNumber(n).toLowerCase())).toBeNull();
    expect(confirmationNumberProblem(n.slice(0, 8))).toEqual({ kind: 'length' });
    expect(confirmationNumberProblem(`${n}7`)).toEqual({ kind: 'length' });
    expect(confirmationNumberProblem(`${n.slice(0, 3)}U${n.slice(4)}`)).toEqual({ kind: 'character', character: 'U' });
    expect(confirmationNumberProblem(`${n.slice(0, 3)}*${n.slice(4)}`)).toEqual({ kind: 'character', character: '*' });
    const other = ALPHABET[(ALPHABET.indexOf(n[2]) + 1) % ALPHABET.length];
    expect(confirmationNumberProblem(n.slice(0, 2) + other + n.slice(3))).toEqual({ kind: 'check' });
  });
});
