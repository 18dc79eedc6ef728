import { argon2Engine, DEFAULT_PROFILE } from '../../src/platform/passwords/hasher.js';
import type { TestApp } from './app.js';
import { TestClient } from './client.js';
import { newId } from '../../src/platform/ids.js';
import { numberWord } from '../../src/modules/accounts/human-check.js';

export const PASSWORD = 'Tortuga7Verde';
let hash: Promise<string> | null = null;

/** Reads the fallback question on the registration page and answers it, as a person would. */
export function answerHumanQuestion(html: string, lang = 'en'): string {
  const m = lang === 'es' ? /cuánto es (\S+) más ([^?]+)\?/.exec(html) : /what is (\S+) plus ([^?]+)\?/.exec(html);
  if (!m) throw new Error('No human-check question on the page');
  const value = (w: string) => Array.from({ length: 19 }, (_, i) => i).find((i) => numberWord(i, lang) === w.trim())!;
  return String(value(m[1]) + value(m[2]));
}

/** An activated parent account with a password, made directly in the database. */
export async function buildParent(t: TestApp, overrides: Partial<{ email: string; first_name: string; last_name: string; language: string }> = {}) {
  hash ??= argon2Engine.hash(PASSWORD, DEFAULT_PROFILE); // the app's default cost: a sign-in needs no re-hash
  const now = t.clock.now().toISOString();
  const id = newId();
  const row = {
    id,
    email: overrides.email ?? `parent-${id.toLowerCase().replace(/[^a-z0-9]/g, '')}@example.org`,
    first_name: overrides.first_name ?? 'Ana',
    middle_name: null,
    last_name: overrides.last_name ?? 'López',
    password_hash: await hash,
    activated_at: now,
    language: overrides.language ?? 'en',
    created_at: now,
    updated_at: now,
  };
  await t.deps.db.insertInto('users').values(row).execute();
  return row;
}

/** A parent signed in through the real sign-in form. */
export async function signedInParent(t: TestApp, overrides: Parameters<typeof buildParent>[1] = {}) {
  const user = await buildParent(t, overrides);
  const client = new TestClient(t.app, `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}`);
  await client.get('/sign-in');
  const res = await client.post('/sign-in', { email: user.email, password: PASSWORD });
  if (res.status !== 303) throw new Error(`sign-in failed: ${res.status}`);
  await client.get('/account');
  return { client, user };
}

/** A student of an account, made directly in the database. Home ZIP outside both sample districts. */
export async function buildStudent(t: TestApp, accountId: string, overrides: Record<string, unknown> = {}) {
  const now = t.clock.now().toISOString();
  const row = {
    id: newId(),
    account_id: accountId,
    first_name: 'Mateo',
    middle_name: null,
    last_name: 'López',
    date_of_birth: '2018-04-09',
    current_grade: '2',
    current_school: null,
    current_district: null,
    address_line1: '100 Main St',
    address_line2: null,
    city: 'Downey',
    state: 'CA',
    zip: '90241',
    created_at: now,
    updated_at: now,
    ...overrides,
  };
  await t.deps.db.insertInto('students').values(row).execute();
  return row;
}
