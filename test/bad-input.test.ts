import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';

/** No user input ever produces a 500: odd, huge, repeated or missing values on every form. */
describe('bad input never produces a server error', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  const nasty: Record<string, string | string[]>[] = [
    {},
    { first_name: 'x'.repeat(100_000) },
    { first_name: ['a', 'b'], email: ['x@example.org', 'y@example.org'] },
    { email: '\u0000\u0001', dob_month: '-1', dob_day: 'NaN', dob_year: '99999', confirmation: '💥'.repeat(30) },
    { school_year: '../../etc', grade_requested: '13', reason: '<script>', school: "' OR 1=1 --", relationship: 'god', submission_key: '' },
    { password: ' '.repeat(500), password_confirm: '\n', current_password: '{}' },
  ];

  it('every form answers with a page, never a 500', async () => {
    const { client, user } = await signedInParent(t);
    const student = await buildStudent(t, user.id);
    await client.get('/apply/lausd-sample');
    await client.post('/apply/lausd-sample', { student: student.id, agree: 'yes' });
    const anonymous = new TestClient(t.app, '10.55.0.1');
    await anonymous.get('/register');
    const forms: [TestClient, string][] = [
      [anonymous, '/register'], [anonymous, '/sign-in'], [anonymous, '/forgot-password'], [anonymous, '/activate/resend'],
      [anonymous, '/activate/not-a-token'], [anonymous, '/reset-password/not-a-token'], [anonymous, '/upload'], [anonymous, '/status'],
      [client, '/students/new'], [client, `/students/${student.id}/edit`], [client, '/apply/lausd-sample'], [client, '/apply/lausd-sample/form'],
      [client, '/account/password'], [client, '/apply/no-such-district'],
    ];
    for (const [c, url] of forms) {
      for (const body of nasty) {
        const res = await c.post(url, body);
        expect(res.status, `${url} with ${JSON.stringify(body).slice(0, 80)}`).toBeLessThan(500);
      }
    }
  });

  it('a body of the wrong type or a broken one gets a clear page, not a 500', async () => {
    const c = new TestClient(t.app);
    await c.get('/register');
    for (const [type, payload] of [
      ['application/json', '{"broken'],
      ['text/plain', 'hello'],
      ['multipart/form-data; boundary=x', '--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'],
    ]) {
      const res = await t.app.inject({ method: 'POST', url: '/register', payload, headers: { 'content-type': type, cookie: `sp_sid=${c.cookies.get('sp_sid')}` } });
      expect(res.statusCode, type).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, type).toBeLessThan(500);
    }
  });

  it('an interrupted upload records nothing', async () => {
    const { client, user } = await signedInParent(t);
    const student = await buildStudent(t, user.id);
    const now = t.clock.now().toISOString();
    const appId = 'interrupted-upload-app';
    await t.deps.db.insertInto('applications').values({
      id: appId, confirmation_number: '000000000', kind: 'incoming', account_id: user.id, student_id: student.id, district_id: 'lausd-sample', school_year: '2026-2027',
      grade_requested: '3', current_grade: null, reason_code: 'parent-employment', requested_school_id: null, relationship: 'parent', decision_email: 'p@example.org',
      language: 'en', status: 'incomplete', submission_key: 'k-interrupted', student_first_name: 'Mateo', student_last_name: 'López', student_date_of_birth: '2018-04-09', received_at: now, updated_at: now, decision_due_on: '2026-12-22', priority: 0,
    }).execute();
    await client.get(`/applications/${appId}`);
    const boundary = 'cutoff';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${client.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file_release"; filename="r.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 partial data that never ends`;
    const res = await t.app.inject({
      method: 'POST', url: `/applications/${appId}/documents`, payload: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie: [...client.cookies].map(([k, v]) => `${k}=${v}`).join('; ') },
    });
    expect(res.statusCode).toBeLessThan(500);
    const docs = await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', appId).execute();
    expect(docs).toHaveLength(0);
  });
});
