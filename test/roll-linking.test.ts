import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { staffMember } from './support/staff.js';
import { PASSWORD, buildParent, signedInParent } from './support/parents.js';
import { TestClient } from './support/client.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import type { Page } from './support/client.js';
import { Linking, normalizeLinkCode } from '../src/modules/enrollment/linking.js';
import { rollContext } from '../src/modules/enrollment/context.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RollScope } from '../src/modules/access/roll-scope.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1 = '2026-12-01T18:00:00Z';
const CODE = /data-testid="link-code-en">([A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4})</;

for (const db of databases) {
  describe(`roll: linking a family to a student on the roll, PRV-1 (${db.name})`, () => {
    let t: TestApp;
    let office: Awaited<ReturnType<typeof staffMember>>;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });
    afterAll(() => t.close());

    const accountOf = async (studentId: string) => (await t.deps.db.selectFrom('students').select('account_id').where('id', '=', studentId).executeTakeFirstOrThrow()).account_id;
    const audited = (action: string, studentId: string) => t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', studentId).execute();

    /** The office creates a code for the student; the page shows it once. */
    async function newCode(studentId: string): Promise<{ code: string; page: Page }> {
      await office.client.get(`/staff/roll/students/${studentId}/link`);
      const page = await office.client.post(`/staff/roll/students/${studentId}/link-code`, {});
      expect(page.status).toBe(200);
      const m = CODE.exec(page.html);
      expect(m).not.toBeNull();
      return { code: m![1], page };
    }

    /** A new session of an existing account (a session ends after a while; the account's limits do not). */
    let ips = 0;
    async function signIn(email: string, lang = 'en'): Promise<TestClient> {
      const c = new TestClient(t.app, `10.77.0.${++ips}`);
      await c.get('/sign-in');
      expect((await c.post('/sign-in', { email, password: PASSWORD })).status).toBe(303);
      if (lang !== 'en') await c.get(`/language?to=${lang}&next=/students/link`);
      return c;
    }

    async function enter(client: TestClient, code: string) {
      await client.get('/students/link');
      return client.post('/students/link', { code });
    }

    it('PRV-1 a one-time code from the school links the student: shown once, only its hash kept, single use; the parent then sees the student', async () => {
      const { student } = await enrolledStudent(t, { student: { first_name: 'Lucía', last_name: 'Enlazada' } });
      const parent = await signedInParent(t);
      // Before: the student is no parent's.
      expect((await parent.client.get(`/students/${student.id}`)).status).toBe(404);
      const mine = await parent.client.get('/students');
      expect(mine.html).not.toContain('Lucía');
      expect(mine.html).toContain('href="/students/link"');

      // The office's page of the student says no family is linked, and links to the linking page.
      const record = await office.client.get(`/staff/roll/students/${student.id}`);
      expect(record.html).toContain('No family account is linked.');
      expect(record.html).toContain(`/staff/roll/students/${student.id}/link`);

      const { code, page } = await newCode(student.id);
      expect(page.headers['cache-control']).toBe('no-store');
      // The handout in English and in Spanish, with the last day.
      expect(page.html).toContain('Link Lucía Enlazada to your account');
      expect(page.html).toContain('Vincule a Lucía Enlazada con su cuenta');
      const [row] = await t.deps.db.selectFrom('link_codes').selectAll().where('student_id', '=', student.id).execute();
      expect(row.code_hash).not.toContain(normalizeLinkCode(code)!);
      expect(JSON.stringify(row)).not.toContain(code);
      expect(row.expires_at).toBe('2026-12-15T18:00:00.000Z');
      // Never shown again: the office's page says a code is pending, not which.
      const later = await office.client.get(`/staff/roll/students/${student.id}/link`);
      expect(later.html).toContain('A code given earlier is good until');
      expect(later.html).not.toContain(code);

      // Typed in lower case with spaces: the same code.
      const linked = await enter(parent.client, code.toLowerCase().replace(/-/g, ' '));
      expect(linked.status).toBe(303);
      expect(linked.location).toBe(`/students/${student.id}`);
      expect(await accountOf(student.id)).toBe(parent.user.id);
      expect((await parent.client.get(`/students/${student.id}`)).status).toBe(200);
      expect((await parent.client.get('/students')).html).toContain('Lucía');

      // Single use: another account with the same code is refused, and the student stays the first's.
      const other = await signedInParent(t);
      const reused = await enter(other.client, code);
      expect(reused.status).toBe(400);
      expect(reused.html).toContain('This code has already been used. Ask the school for a new code.');
      expect(reused.html).toContain(`value="${code}"`);
      expect(await accountOf(student.id)).toBe(parent.user.id);
      expect((await other.client.get(`/students/${student.id}`)).status).toBe(404);

      // A linked student gets no new code.
      await office.client.get(`/staff/roll/students/${student.id}/link`);
      const refused = await office.client.post(`/staff/roll/students/${student.id}/link-code`, {});
      expect(refused.status).toBe(409);
      expect(refused.html).toContain('already linked to a family account');
      expect(await audited('roll.link.code', student.id)).toHaveLength(1);
      expect((await audited('roll.link.view', student.id)).length).toBeGreaterThanOrEqual(2);
    });

    // The app's log is the same whatever the database: once, on an app of its own (SQLite) whose log the test reads.
    it.runIf(db.name === 'sqlite')('PRV-1 every try at a code is on the record, refused ones too: the account, the address and what came of it', async () => {
      const lines: Record<string, unknown>[] = [];
      const stream = new Writable({ write(chunk, _enc, done) { for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l)); done(); } });
      const logged = await makeTestApp({ now: DEC_1, env: { LOG_LEVEL: 'info' }, logger: { stream } });
      try {
        const clerk = await staffMember(logged, ROLL.district, 'school_office', ['1001']);
        const { student } = await enrolledStudent(logged);
        await clerk.client.get(`/staff/roll/students/${student.id}/link`);
        const code = CODE.exec((await clerk.client.post(`/staff/roll/students/${student.id}/link-code`, {})).html)![1];
        const parent = await signedInParent(logged);
        const tries = async (c: string) => { await parent.client.get('/students/link'); return parent.client.post('/students/link', { code: c }); };
        expect((await tries('ABCD-EFGH-JKLM')).status).toBe(400);
        expect((await tries(code)).status).toBe(303);
        const attempts = lines.filter((l) => l.event === 'link-code.attempt');
        expect(attempts.map((a) => [a.accountId, a.outcome, a.studentId ?? null])).toEqual([
          [parent.user.id, 'wrong', null],
          [parent.user.id, 'linked', student.id],
        ]);
        expect(attempts.every((a) => typeof a.ip === 'string' && a.ip.length > 0)).toBe(true);
        // The code itself is never written to the log.
        expect(JSON.stringify(lines)).not.toContain(code);
        // …and each try is kept in the database too (link_attempts), the code nowhere in it (the
        // test's clock stands still, so both have the same moment: compared in outcome order).
        const kept = await logged.deps.db.selectFrom('link_attempts').selectAll().where('account_id', '=', parent.user.id).orderBy('outcome').execute();
        expect(kept.map((a) => [a.outcome, a.student_id])).toEqual([
          ['linked', student.id],
          ['wrong', null],
        ]);
        expect(kept.every((a) => a.ip.length > 0)).toBe(true);
        expect(JSON.stringify(kept)).not.toContain(code);
      } finally {
        await logged.close();
      }
    });

    it('PRV-1 a wrong code, an expired code and a code voided by a new one are refused in the parent\'s language; nothing is linked', async () => {
      const { student } = await enrolledStudent(t);
      const parent = await signedInParent(t, { language: 'es' });
      await parent.client.get('/language?to=es&next=/students/link');

      const first = await newCode(student.id);
      const second = await newCode(student.id);
      const voided = await enter(parent.client, first.code);
      expect(voided.status).toBe(400);
      expect(voided.html).toContain('Este código venció. Pida un código nuevo a la escuela.');

      const wrong = await enter(parent.client, 'ABCD-EFGH-JKLM');
      expect(wrong.status).toBe(400);
      expect(wrong.html).toContain('Este código no coincide con ningún código de la escuela.');
      const malformed = await enter(parent.client, 'hola');
      expect(malformed.status).toBe(400);
      expect(malformed.html).toContain('Escriba el código como lo escribió la escuela');

      // Fifteen days later the second code has expired too.
      t.clock.set('2026-12-16T18:00:00Z');
      try {
        const expired = await enter(await signIn(parent.user.email, 'es'), second.code);
        expect(expired.status).toBe(400);
        expect(expired.html).toContain('Este código venció.');
      } finally {
        t.clock.set(DEC_1);
      }
      expect(await accountOf(student.id)).toBeNull();
    });

    it('PRV-1 two codes made at the same moment leave one good code', async () => {
      const { student } = await enrolledStudent(t);
      const service = new Linking(rollContext(t.deps, new AuditLog(t.deps.db, t.clock), new RollScope(t.deps.db)));
      const staff = { id: office.id, districtId: ROLL.district, email: office.email, firstName: 'Permit', lastName: 'Clerk', role: 'school_office' as const };
      const made = await Promise.all([1, 2].map(() => service.createCode(staff, student.id, '10.0.0.1')));
      expect(made.every((r) => r.ok)).toBe(true);
      const good = await t.deps.db.selectFrom('link_codes').select('id').where('student_id', '=', student.id).where('expires_at', '>', t.clock.now().toISOString()).execute();
      expect(good).toHaveLength(1);
    });

    it('PRV-1 codes are rate-limited per account: the eleventh try in an hour is refused, even a right code', async () => {
      const { student } = await enrolledStudent(t);
      const parent = await signedInParent(t);
      for (let i = 0; i < 10; i++) expect((await enter(parent.client, 'ABCD-EFGH-JKLM')).status).toBe(400);
      const { code } = await newCode(student.id);
      const limited = await enter(parent.client, code);
      expect(limited.status).toBe(429);
      // The same account in another session, from another address: still limited.
      expect((await enter(await signIn(parent.user.email), code)).status).toBe(429);
      expect(await accountOf(student.id)).toBeNull();
      // An hour later the right code works.
      t.clock.set('2026-12-01T19:00:01Z');
      try {
        expect((await enter(await signIn(parent.user.email), code)).status).toBe(303);
      } finally {
        t.clock.set(DEC_1);
      }
      expect(await accountOf(student.id)).toBe(parent.user.id);
    });

    it('PRV-1 the office links a guardian verified in person by the account\'s email (never by a name and a date of birth), and unlinking removes the parent\'s access; both audited', async () => {
      const { student } = await enrolledStudent(t, { student: { first_name: 'Mateo', last_name: 'Custodia' } });
      const parent = await signedInParent(t);
      const linkPage = `/staff/roll/students/${student.id}/link`;

      // Not verified, or not an email: both named, what was typed kept, nothing linked.
      await office.client.get(linkPage);
      const unverified = await office.client.post(`/staff/roll/students/${student.id}/link`, { email: 'not-an-email' });
      expect(unverified.status).toBe(400);
      expect(unverified.html).toContain('Enter an email address like name@example.com.');
      expect(unverified.html).toContain('Confirm that you verified the guardian in person before linking.');
      expect(unverified.html).toContain('value="not-an-email"');
      const unknown = await office.client.post(`/staff/roll/students/${student.id}/link`, { email: 'nobody@example.org', verified: 'yes' });
      expect(unknown.status).toBe(400);
      expect(unknown.html).toContain('No active family account uses this email address.');
      expect(await accountOf(student.id)).toBeNull();

      const linked = await office.client.post(`/staff/roll/students/${student.id}/link`, { email: parent.user.email.toUpperCase(), verified: 'yes' });
      expect(linked.status).toBe(303);
      expect(await accountOf(student.id)).toBe(parent.user.id);
      expect((await parent.client.get(`/students/${student.id}`)).status).toBe(200);
      const page = await office.client.get(linkPage);
      expect(page.html).toContain(parent.user.email);

      // A custody change: the office unlinks; the parent no longer sees the student.
      const unlinked = await office.client.post(`/staff/roll/students/${student.id}/unlink`, {});
      expect(unlinked.status).toBe(303);
      expect(await accountOf(student.id)).toBeNull();
      expect((await parent.client.get(`/students/${student.id}`)).status).toBe(404);
      expect((await parent.client.get('/students')).html).not.toContain('Custodia');
      await office.client.get(linkPage);
      const twice = await office.client.post(`/staff/roll/students/${student.id}/unlink`, {});
      expect(twice.status).toBe(409);

      const link = await audited('roll.link.account', student.id);
      expect(link).toHaveLength(1);
      expect(JSON.parse(link[0].detail!)).toMatchObject({ account: parent.user.id, verifiedInPerson: true });
      const unlink = await audited('roll.unlink', student.id);
      expect(unlink.map((r) => [r.staff_id, JSON.parse(r.detail!).account])).toEqual([[office.id, parent.user.id]]);
    });

    it('PRV-1 an emancipated student links their own account by the same code', async () => {
      const { student } = await enrolledStudent(t, { grade: '5', student: { first_name: 'Sofía', date_of_birth: '2009-02-01' } });
      await t.deps.db.insertInto('roll_students').values({ student_id: student.id, district_id: ROLL.district, populations: '', immunization: 'complete', immunization_until: null, to_collect: '[]', emancipated: 1, updated_at: DEC_1, updated_by: 'staff:test' }).execute();
      const page = await office.client.get(`/staff/roll/students/${student.id}/link`);
      expect(page.html).toContain('emancipated minor');
      const self = await signedInParent(t, { first_name: 'Sofía' });
      const { code } = await newCode(student.id);
      expect((await enter(self.client, code)).status).toBe(303);
      expect(await accountOf(student.id)).toBe(self.user.id);
    });

    it('PRV-1 a teacher cannot link or unlink, another school\'s office and another district find nothing; each refusal audited', async () => {
      const { student } = await enrolledStudent(t);
      const owner = await buildParent(t);
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      const other = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      const paramount = await staffMember(t, 'paramount-sample', 'district_admin');
      for (const s of [teacher, other, paramount]) {
        const view = await s.client.get(`/staff/roll/students/${student.id}/link`);
        expect(view.status).toBe(s === teacher ? 403 : 404);
        expect((await s.client.post(`/staff/roll/students/${student.id}/link-code`, {})).status).toBe(s === teacher ? 403 : 404);
        expect((await s.client.post(`/staff/roll/students/${student.id}/link`, { email: owner.email, verified: 'yes' })).status).toBe(s === teacher ? 403 : 404);
      }
      expect(await accountOf(student.id)).toBeNull();
      expect(await t.deps.db.selectFrom('link_codes').select('id').where('student_id', '=', student.id).execute()).toHaveLength(0);
      const refused = await t.deps.db.selectFrom('audit_log').selectAll().where('outcome', '=', 'refused').where('entity_id', '=', student.id).execute();
      expect(new Set(refused.map((r) => r.staff_id))).toEqual(new Set([teacher.id, other.id, paramount.id]));
      expect(refused.every((r) => r.district_id === ROLL.district)).toBe(true);
    });
  });
}
