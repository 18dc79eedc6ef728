import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { openDatabase } from '../src/platform/db/kysely.js';
import { SESSION_COOKIE } from '../src/platform/http/sessions.js';
import { newId, sha256 } from '../src/platform/ids.js';
import { DISTRICT } from './support.js';

/**
 * A signed-in parent with one student, for the page benches that load the request form in a
 * browser against the real server (e2e/support/server.ts). As bench/submit.ts does, the parent,
 * the student and the session are written straight into the server's database (its SQLite file
 * in the server's data folder; what SessionStore.create writes at sign-in), and step 1
 * (guidelines and agreement) is posted through the server itself, which answers with the form's
 * address.
 */
export async function signedInParent(server: { url: string; dataDir: string }): Promise<{ cookie: string; formPath: string }> {
  const handle = openDatabase(`sqlite:${path.join(server.dataDir, 'student-permits.sqlite')}`);
  const now = new Date();
  const at = now.toISOString();
  const userId = newId();
  const studentId = newId();
  const raw = randomBytes(32).toString('base64url');
  const csrf = randomBytes(24).toString('base64url');
  try {
    await handle.db.insertInto('users').values({ id: userId, email: `bench-parent-${randomBytes(4).toString('hex')}@example.org`, first_name: 'Ana', middle_name: null, last_name: 'López', password_hash: null, activated_at: at, language: 'en', created_at: at, updated_at: at } as never).execute();
    await handle.db.insertInto('students').values({
      id: studentId, account_id: userId, first_name: 'Mateo', middle_name: null, last_name: 'López', date_of_birth: '2018-04-09', current_grade: '2',
      current_school: null, current_district: null, address_line1: '100 Main St', address_line2: null, city: 'Downey', state: 'CA', zip: '90241', created_at: at, updated_at: at,
    } as never).execute();
    await handle.db.insertInto('sessions').values({ id_hash: sha256(raw), user_id: userId, staff_id: null, csrf_token: csrf, created_at: at, last_seen_at: at, expires_at: new Date(now.getTime() + 3_600_000).toISOString(), data: '{}' } as never).execute();
  } finally {
    await handle.close();
  }
  const cookie = `${SESSION_COOKIE}=${raw}`;
  const res = await fetch(`${server.url}/apply/${DISTRICT}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: csrf, student: studentId, agree: 'yes' }).toString(),
  });
  const location = res.headers.get('location');
  if (res.status !== 303 || !location) throw new Error(`step 1 of the request answered ${res.status}`);
  const formPath = new URL(location, server.url).pathname + new URL(location, server.url).search;
  const form = await fetch(server.url + formPath, { headers: { cookie } });
  const html = await form.text();
  if (form.status !== 200 || !html.includes('name="submission_key"')) throw new Error(`the request form at ${formPath} answered ${form.status} without the form`);
  return { cookie, formPath };
}
