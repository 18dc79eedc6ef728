import { describe, expect, it } from 'vitest';
import { COMMON_PASSWORD_COUNT, brokenPasswordRules } from './password-rules.js';

const email = 'maria.garcia@example.org';

describe('password rules', () => {
  it('ACC-3 accepts a password that keeps every rule', () => {
    expect(brokenPasswordRules('Tortuga7Verde', email)).toEqual([]);
  });
  it('ACC-3 needs 8 to 20 characters', () => {
    expect(brokenPasswordRules('Ab3', email)).toContain('length');
    expect(brokenPasswordRules('Abcdefghij1234567890x', email)).toContain('length');
    expect(brokenPasswordRules('Gato7Lun', email)).not.toContain('length');
  });
  it('ACC-3 refuses spaces', () => {
    expect(brokenPasswordRules('Tortuga 7 Verde', email)).toContain('spaces');
  });
  it('ACC-3 refuses the user ID: the email or its local part', () => {
    expect(brokenPasswordRules('Maria.Garcia1', 'maria.garcia1@example.org')).toContain('sameAsUser');
    expect(brokenPasswordRules('a1@b.org', 'a1@b.org')).toContain('sameAsUser');
  });

  it('ACC-3 refuses a password that contains the email or its local part, in any case, with characters around it', () => {
    const mail = 'maria.garcia@example.org';
    for (const pw of ['maria.garcia1', '1Maria.Garcia!', 'MARIA.GARCIA2026', 'xMaria_Garcia9', 'MariaGarcia77', 'a1maria.garcia@example.org']) {
      expect(brokenPasswordRules(pw, mail), pw).toContain('sameAsUser');
    }
    expect(brokenPasswordRules('Ana7Rivera2', 'ana@example.org')).toContain('sameAsUser');
    // Other passwords of the same person pass, and a two-letter local part only counts as the whole password.
    expect(brokenPasswordRules('Tortuga7Verde', mail)).toEqual([]);
    expect(brokenPasswordRules('Maria7Verde', mail)).not.toContain('sameAsUser');
    expect(brokenPasswordRules('Jornada7Verde', 'jo@example.org')).not.toContain('sameAsUser');
    expect(brokenPasswordRules('jo', 'jo@example.org')).toContain('sameAsUser');
  });
  it('ACC-3 must mix letters and digits', () => {
    expect(brokenPasswordRules('TortugaVerde', email)).toContain('lettersAndDigits');
    expect(brokenPasswordRules('73915284', email)).toContain('lettersAndDigits');
    expect(brokenPasswordRules('Tortuga7Verde', email)).not.toContain('lettersAndDigits');
  });
  it('ACC-3 refuses a character three or more times in a row ("aaaa")', () => {
    expect(brokenPasswordRules('aaaa', email)).toContain('repeated');
    expect(brokenPasswordRules('Tortuga777x', email)).toContain('repeated');
    expect(brokenPasswordRules('Tortuga77x', email)).not.toContain('repeated');
  });
  it('ACC-3 refuses common passwords, the seed\'s examples among them', () => {
    expect(brokenPasswordRules('abcd1234', email)).toContain('common');
    expect(brokenPasswordRules('password1', email)).toContain('common');
    expect(brokenPasswordRules('PASSWORD1', email)).toContain('common');
    expect(brokenPasswordRules('qwerty123', email)).toContain('common');
  });
  it('ACC-3 compares the user ID without regard to case', () => {
    expect(brokenPasswordRules('JOSE.PEREZ9', 'Jose.Perez9@Example.org')).toContain('sameAsUser');
    expect(brokenPasswordRules('jose.perez9@EXAMPLE.org', 'Jose.Perez9@example.org')).toContain('sameAsUser');
    expect(brokenPasswordRules('Jose.Perez9x', 'jose.perez9@example.org')).toContain('sameAsUser');
    expect(brokenPasswordRules('Camino.Perez9x', 'jose.perez9@example.org')).not.toContain('sameAsUser');
  });
  it('ACC-3 the common list is the maintained one, not a handful', () => {
    expect(COMMON_PASSWORD_COUNT).toBeGreaterThan(10_000);
    expect(brokenPasswordRules('iloveyou1', email)).toContain('common');
    expect(brokenPasswordRules('Gato9Luna', email)).not.toContain('common');
  });
  it('ACC-3 names every broken rule at once', () => {
    expect(brokenPasswordRules('aaa a', email).sort()).toEqual(['length', 'lettersAndDigits', 'repeated', 'spaces'].sort());
  });
});
