import { describe, expect, it } from 'vitest';
import { answerMatches, checkHuman, leadingZeroBits, newHumanChallenge, proofOfWorkValid, solveProofOfWork } from './human-check.js';

describe('human check', () => {
  const c = { challenge: 'abc123', a: 7, b: 2, issuedAt: 1_000 };

  it('ACC-1 accepts the sum as digits or as a word in English or Spanish', () => {
    expect(answerMatches(c, '9')).toBe(true);
    expect(answerMatches(c, ' Nine ')).toBe(true);
    expect(answerMatches(c, 'nueve')).toBe(true);
    expect(answerMatches(c, '8')).toBe(false);
  });

  it('ACC-1 a solved proof of work passes without any question answered', () => {
    const fresh = newHumanChallenge(1_000);
    const nonce = solveProofOfWork(fresh);
    expect(proofOfWorkValid(fresh, nonce)).toBe(true);
    expect(checkHuman(fresh, { pow: nonce }, 2_000)).toBeNull();
  });

  it('ACC-1 a wrong proof of work falls back to the question', () => {
    expect(checkHuman(c, { pow: '1' }, 2_000)).toBe('missing');
    expect(checkHuman(c, { pow: '1', answer: 'nine' }, 2_000)).toBeNull();
  });

  it('ACC-1 a filled honeypot fails, whatever else is right', () => {
    expect(checkHuman(c, { answer: '9', honeypot: 'http://spam.example' }, 2_000)).toBe('honeypot');
  });

  it('ACC-1 a challenge older than an hour has expired', () => {
    expect(checkHuman(c, { answer: '9' }, 1_000 + 61 * 60_000)).toBe('expired');
    expect(checkHuman(undefined, { answer: '9' })).toBe('expired');
  });

  it('ACC-1 accepts Spanish words with or without accents', () => {
    const c16 = { challenge: 'x', a: 9, b: 7, issuedAt: 1_000 };
    expect(answerMatches(c16, 'dieciséis')).toBe(true);
    expect(answerMatches(c16, 'DIECISEIS')).toBe(true);
    expect(answerMatches(c16, 'sixteen')).toBe(true);
    expect(answerMatches(c16, '16.0')).toBe(false);
  });

  it('ACC-1 a proof of work counts only for its own challenge, and only as digits', () => {
    const one = newHumanChallenge(1_000);
    const nonce = solveProofOfWork(one);
    expect(proofOfWorkValid({ ...one, challenge: `${one.challenge}0` }, nonce)).toBe(false);
    expect(proofOfWorkValid(one, ` ${nonce}`)).toBe(false);
    expect(proofOfWorkValid(one, `${nonce}e0`)).toBe(false);
  });

  it('ACC-1 each challenge is random and its question adds two numbers from one to nine', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const c2 = newHumanChallenge(0);
      seen.add(c2.challenge);
      expect(c2.challenge).toMatch(/^[0-9a-f]{24}$/);
      for (const n of [c2.a, c2.b]) expect(n >= 1 && n <= 9).toBe(true);
    }
    expect(seen.size).toBe(50);
  });

  it('counts leading zero bits of a hex digest', () => {
    expect(leadingZeroBits('0000ff')).toBe(16);
    expect(leadingZeroBits('1f')).toBe(3);
    expect(leadingZeroBits('8')).toBe(0);
  });
});
