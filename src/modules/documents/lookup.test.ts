import { describe, expect, it } from 'vitest';
import { sameName } from './lookup.js';

describe('public look-up names (DOC-1)', () => {
  it('DOC-1 matches names whatever the case, accents, spaces and punctuation', () => {
    expect(sameName('Mateo', '  mateo ')).toBe(true);
    expect(sameName('López', 'LOPEZ')).toBe(true);
    expect(sameName('Núñez-García', 'Nunez Garcia')).toBe(true);
    expect(sameName("O'Brien", 'OBrien')).toBe(true);
    expect(sameName('María José', 'maria  jose')).toBe(true);
  });

  it('DOC-1 does not match a different name, or a name with no letters', () => {
    expect(sameName('Mateo', 'Mario')).toBe(false);
    expect(sameName('Ana', 'Anna')).toBe(false);
    expect(sameName('López', 'Lope')).toBe(false);
    expect(sameName('---', '...')).toBe(false);
  });
});
