import { describe, expect, it } from 'vitest';
import { newId, newToken } from './ids.js';

describe('ids', () => {
  it('a row id is 16 URL-safe characters (96 bits), and none repeats across many fills of the pool', () => {
    const ids = Array.from({ length: 5_000 }, () => newId());
    for (const id of ids) expect(id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('consecutive ids share no bytes: each takes its own slice of the pool', () => {
    const [a, b] = [Buffer.from(newId(), 'base64url'), Buffer.from(newId(), 'base64url')];
    expect(a).toHaveLength(12);
    expect(b).toHaveLength(12);
    expect(a.equals(b)).toBe(false);
  });

  it('a token is 43 URL-safe characters (256 bits)', () => {
    expect(newToken()).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});
