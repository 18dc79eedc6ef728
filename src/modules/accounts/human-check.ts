import { createHash, randomBytes, randomInt } from 'node:crypto';
import { own } from '../../platform/own.js';

/**
 * ACC-1: a self-hosted human check that never shows an image. With JavaScript, the browser
 * solves a small proof of work (public/human-check.js) and the parent sees nothing. Without
 * it, a plain-text sum written in words is the fallback. A honeypot field catches simple bots.
 */
export const POW_BITS = 16;
export const HONEYPOT_FIELD = 'website';

export interface HumanChallenge {
  challenge: string;
  a: number;
  b: number;
  issuedAt: number;
}

export function newHumanChallenge(now = Date.now()): HumanChallenge {
  return { challenge: randomBytes(12).toString('hex'), a: randomInt(1, 10), b: randomInt(1, 10), issuedAt: now };
}

const WORDS: Record<string, string[]> = {
  en: ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen'],
  es: ['cero', 'uno', 'dos', 'tres', 'cuatro', 'cinco', 'seis', 'siete', 'ocho', 'nueve', 'diez', 'once', 'doce', 'trece', 'catorce', 'quince', 'dieciséis', 'diecisiete', 'dieciocho'],
};

export const numberWord = (n: number, lang: string): string => (own(WORDS, lang) ?? WORDS.en)[n];

const fold = (s: string) => s.normalize('NFD').replace(/\p{M}/gu, '').trim().toLowerCase();

/** The answer to the fallback question, as digits or as a word in any language we speak. */
export function answerMatches(c: HumanChallenge, answer: string): boolean {
  const sum = c.a + c.b;
  const a = fold(answer);
  if (a === String(sum)) return true;
  return Object.values(WORDS).some((w) => fold(w[sum]) === a);
}

export function leadingZeroBits(hex: string): number {
  let bits = 0;
  for (const ch of hex) {
    const v = parseInt(ch, 16);
    if (v === 0) {
      bits += 4;
      continue;
    }
    bits += Math.clz32(v) - 28;
    break;
  }
  return bits;
}

export function proofOfWorkValid(c: HumanChallenge, nonce: string): boolean {
  if (!/^\d{1,12}$/.test(nonce)) return false;
  const digest = createHash('sha256').update(`${c.challenge}:${nonce}`).digest('hex');
  return leadingZeroBits(digest) >= POW_BITS;
}

/** Solves the proof of work as the browser does (used by tests and the CLI). */
export function solveProofOfWork(c: HumanChallenge): string {
  for (let n = 0; ; n++) if (proofOfWorkValid(c, String(n))) return String(n);
}

export type HumanCheckFailure = 'honeypot' | 'missing' | 'wrong' | 'expired';

export function checkHuman(
  c: HumanChallenge | undefined,
  fields: { answer?: string; pow?: string; honeypot?: string },
  now = Date.now(),
): HumanCheckFailure | null {
  if (fields.honeypot) return 'honeypot';
  if (!c || now - c.issuedAt > 60 * 60_000) return 'expired';
  if (fields.pow && proofOfWorkValid(c, fields.pow)) return null;
  if (!fields.answer?.trim()) return 'missing';
  return answerMatches(c, fields.answer) ? null : 'wrong';
}
