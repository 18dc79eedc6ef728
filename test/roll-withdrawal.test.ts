import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1 = '2026-12-01T18:00:00Z';

const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64');
/** A text file that calls itself a PDF. */
const NOT_A_PDF = Buffer.from('Dear office, my son will go to a private school. Signed, Ana López\n');

const affidavit = (data = PDF, filename = 'affidavit.pdf', contentType = 'application/pdf') => [{ field: 'document', filename, contentType, data }];

for (const db of databases) {
  describe(`withdrawal with its document and due diligence (${db.name})`, () => {
    let t: TestApp;
    let office: { client: TestClient; id: string };

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });
    afterAll(() => t.close());

    /** A student enrolled at Elm since September 8. */
    const student = async (firstName = 'Mateo') => enrolledStudent(t, { student: { first_name: firstName, last_name: 'López' } });
    const enrollmentOf = (id: string) => t.deps.db.selectFrom('enrollments').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    const documentsOf = (id: string) => t.deps.db.selectFrom('enrollment_documents').selectAll().where('enrollment_id', '=', id).execute();
    const eventsOf = (id: string) => t.deps.db.selectFrom('enrollment_events').selectAll().where('enrollment_id', '=', id).orderBy('at').execute();
    const auditOf = (id: string, action: string) =>
      t.deps.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'enrollment').where('entity_id', '=', id).where('action', '=', action).orderBy('at').execute();
    const blobs = async () => {
      const keys: string[] = [];
      for await (const page of t.deps.storage.list()) keys.push(...page.map((b) => b.key));
      return keys.sort();
    };
    const withdrawUrl = (id: string) => `/staff/roll/enrollments/${id}/withdraw`;
    /** Opens the form (for its CSRF token), then sends it. */
    const withdraw = async (client: TestClient, id: string, fields: Record<string, string>, files: Parameters<TestClient['postMultipart']>[2] = [], lang = 'en') => {
      const form = await client.get(`${withdrawUrl(id)}?lang=${lang}`);
      expect(form.status).toBe(200);
      return client.postMultipart(withdrawUrl(id), { exitDate: '2026-11-30', requestedBy: 'parent', ...fields }, files);
    };
    /** Logs one contact attempt through the office's form. */
    const contact = async (id: string, fields: Record<string, string>) => {
      await office.client.get(withdrawUrl(id));
      return office.client.post(`/staff/roll/enrollments/${id}/contacts`, {
        purpose: 'due_diligence', back: `${withdrawUrl(id)}#attempts-heading`, contact_when: '2026-11-20T09:30', contact_method: 'phone', contact_reached: '', contact_outcome: 'no_answer', contact_note: '', ...fields,
      });
    };
    const stillActive = async (id: string) => {
      expect(await enrollmentOf(id)).toMatchObject({ status: 'active', exit_code: null, exit_date: null, exit_document_id: null });
      expect(await documentsOf(id)).toEqual([]);
      expect(await auditOf(id, 'roll.withdraw')).toEqual([]);
    };

    it('WDR-1 WDR-4 a withdrawal with no code, or with a code that is not the district\'s, is refused on its field in English and Spanish, keeping what was typed, nothing saved', async () => {
      const { enrollment } = await student();
      const before = await blobs();
      const none = await withdraw(office.client, enrollment.id, { exitCode: '', note: 'Family moved to Fresno' }, affidavit());
      expect(none.status).toBe(400);
      const text = textOf(none.html);
      expect(text).toContain('Choose the exit code.');
      expect(none.html).toContain('Family moved to Fresno');
      expect(none.html).toMatch(/id="field-exitCode-error"/);

      const es = await withdraw(office.client, enrollment.id, { exitCode: 'X999' }, [], 'es');
      expect(es.status).toBe(400);
      expect(textOf(es.html)).toContain('Elija uno de los códigos de baja de este distrito.');
      await stillActive(enrollment.id);
      expect(await blobs()).toEqual(before);
    });

    it('WDR-1 a code whose document is missing is refused on the file field, with the document it needs named', async () => {
      const { enrollment } = await student();
      const page = await withdraw(office.client, enrollment.id, { exitCode: 'T180', note: 'Going to St. Mary' });
      expect(page.status).toBe(400);
      expect(textOf(page.html)).toContain('Upload the private school affidavit: this exit code needs it.');
      expect(page.html).toMatch(/id="field-document-error"/);
      expect(page.html).toContain('Going to St. Mary');
      await stillActive(enrollment.id);
    });

    it('WDR-1 a file that is not a PDF, JPEG or PNG is refused, whatever its name, and nothing is stored', async () => {
      const { enrollment } = await student();
      const before = await blobs();
      const page = await withdraw(office.client, enrollment.id, { exitCode: 'T180' }, affidavit(NOT_A_PDF, 'affidavit.pdf'));
      expect(page.status).toBe(400);
      expect(textOf(page.html)).toContain('The file affidavit.pdf is not a PDF, JPEG or PNG.');
      await stillActive(enrollment.id);
      expect(await blobs()).toEqual(before);
    });

    it('WDR-1 WDR-4 a withdrawal to a private school (T180) keeps its affidavit with the record, downloadable from the student\'s page, and is in the audit log', async () => {
      const { enrollment, student: s } = await student('Lucía');
      const done = await withdraw(office.client, enrollment.id, { exitCode: 'T180', note: 'Going to St. Mary' }, affidavit(PNG, 'affidavit.png', 'image/png'));
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/staff/roll/students/${s.id}`);

      const docs = await documentsOf(enrollment.id);
      expect(docs).toEqual([expect.objectContaining({ kind: 'private_school_affidavit', file_name: 'affidavit.png', content_type: 'image/png', size_bytes: PNG.length, uploaded_by: `staff:${office.id}` })]);
      expect(await enrollmentOf(enrollment.id)).toMatchObject({ status: 'exited', exit_code: 'T180', exit_date: '2026-11-30', exit_document_id: docs[0].id });
      expect((await eventsOf(enrollment.id)).map((e) => [e.what, e.to_status, e.note])).toEqual([['enrolled', 'active', null], ['exited', 'exited', 'Going to St. Mary']]);
      const [entry] = await auditOf(enrollment.id, 'roll.withdraw');
      expect(entry).toMatchObject({ staff_id: office.id, outcome: 'allowed' });
      expect(JSON.parse(entry.detail!)).toMatchObject({ code: 'T180', calpads: 'T180', document: docs[0].id, documentKind: 'private_school_affidavit', requestedBy: 'parent', exitDate: '2026-11-30' });

      // The student's page links it; it downloads as it was sent, and the read is audited.
      const page = await office.client.get(`/staff/roll/students/${s.id}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain(`/staff/roll/enrollment-documents/${docs[0].id}`);
      expect(textOf(page.html)).toContain('Private school affidavit: affidavit.png');
      const file = await office.client.get(`/staff/roll/enrollment-documents/${docs[0].id}`);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('image/png');
      expect(file.body.equals(PNG)).toBe(true);
      expect(await auditOf(enrollment.id, 'roll.document.view')).toHaveLength(1);

      // A teacher of the school reads it too; another school's office gets "not found", audited.
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      expect((await teacher.client.get(`/staff/roll/enrollment-documents/${docs[0].id}`)).status).toBe(200);
      const sunrise = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      expect((await sunrise.client.get(`/staff/roll/enrollment-documents/${docs[0].id}`)).status).toBe(404);
      const refused = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', sunrise.id).execute();
      expect(refused).toEqual([{ action: 'roll.document.view', outcome: 'refused' }]);
    });

    it('WDR-1 a retried POST never withdraws twice nor keeps the file twice', async () => {
      const { enrollment } = await student();
      const fields = { exitCode: 'T180', exitDate: '2026-11-30', requestedBy: 'parent' };
      const first = await withdraw(office.client, enrollment.id, fields, affidavit());
      expect(first.status).toBe(303);
      // The browser sends the same form again (a double click, a retry after a lost answer).
      const again = await office.client.postMultipart(withdrawUrl(enrollment.id), fields, affidavit());
      expect(again.status).toBe(303);
      expect(again.location).toBe(first.location);
      expect(await documentsOf(enrollment.id)).toHaveLength(1);
      expect((await eventsOf(enrollment.id)).filter((e) => e.what === 'exited')).toHaveLength(1);
      expect(await auditOf(enrollment.id, 'roll.withdraw')).toHaveLength(1);
    });

    it('WDR-1 a forged post (a wrong form token) withdraws nothing and keeps no file, as a form or as an upload', async () => {
      const { enrollment } = await student();
      const before = await blobs();
      await office.client.get(withdrawUrl(enrollment.id));
      const upload = await office.client.postMultipart(withdrawUrl(enrollment.id), { _csrf: 'forged', exitCode: 'T180', exitDate: '2026-11-30', requestedBy: 'parent' }, affidavit());
      expect(upload.status).toBe(403);
      const form = await office.client.post(withdrawUrl(enrollment.id), { _csrf: 'forged', exitCode: 'E230', exitDate: '2026-11-30', requestedBy: 'parent' });
      expect(form.status).toBe(403);
      await stillActive(enrollment.id);
      expect(await blobs()).toEqual(before);
    });

    it('WDR-1 a code that needs no document is sent as a plain form too (E230, graduated)', async () => {
      const { enrollment } = await student();
      await office.client.get(withdrawUrl(enrollment.id));
      const done = await office.client.post(withdrawUrl(enrollment.id), { exitCode: 'E230', exitDate: '2026-11-30', requestedBy: 'school', note: '' });
      expect(done.status).toBe(303);
      expect(await enrollmentOf(enrollment.id)).toMatchObject({ status: 'exited', exit_code: 'E230', exit_document_id: null });
      expect(await documentsOf(enrollment.id)).toEqual([]);
      expect(JSON.parse((await auditOf(enrollment.id, 'roll.withdraw'))[0].detail!)).toMatchObject({ code: 'E230', document: null, documentKind: 'none' });
    });

    it('WDR-2 E140 is refused until due diligence is logged and exhausted by the district\'s rule (3 attempts by 2 methods); then allowed', async () => {
      const { enrollment } = await student();
      const letter = affidavit(PDF, 'letter.pdf');
      const before = await blobs();
      const refused = await withdraw(office.client, enrollment.id, { exitCode: 'E140' }, letter);
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('Due diligence is not exhausted: this district needs 3 contact attempts by 2 different methods before this withdrawal; 0 attempts by 0 methods are logged.');
      await stillActive(enrollment.id);
      // Refused before its file was kept.
      expect(await blobs()).toEqual(before);

      // Three calls: enough attempts, one method.
      for (const day of ['2026-11-16', '2026-11-17', '2026-11-18']) expect((await contact(enrollment.id, { contact_when: `${day}T09:30` })).status).toBe(303);
      const oneMethod = await withdraw(office.client, enrollment.id, { exitCode: 'E140' }, letter);
      expect(oneMethod.status).toBe(400);
      expect(textOf(oneMethod.html)).toContain('3 attempts by 1 methods are logged');
      await stillActive(enrollment.id);

      // A home visit: a second method. Exhausted.
      expect((await contact(enrollment.id, { contact_when: '2026-11-19T16:00', contact_method: 'home_visit', contact_reached: 'A neighbor', contact_outcome: 'not_located' })).status).toBe(303);
      const done = await withdraw(office.client, enrollment.id, { exitCode: 'E140', requestedBy: 'school' }, letter);
      expect(done.status).toBe(303);
      expect(await enrollmentOf(enrollment.id)).toMatchObject({ status: 'exited', exit_code: 'E140' });
      expect(await documentsOf(enrollment.id)).toEqual([expect.objectContaining({ kind: 'not_attending_letter' })]);
    });

    it('WDR-2 a student whose whereabouts are unknown is not withdrawn with any code until due diligence is exhausted', async () => {
      // The office says so on the form…
      const a = await student();
      const said = await withdraw(office.client, a.enrollment.id, { exitCode: 'T160', whereaboutsUnknown: 'yes' }, affidavit(PDF, 'records.pdf'));
      expect(said.status).toBe(400);
      expect(textOf(said.html)).toContain('Due diligence is not exhausted');
      await stillActive(a.enrollment.id);
      // …or the contact log does: the latest attempt did not locate the student.
      const b = await student();
      await contact(b.enrollment.id, { contact_outcome: 'not_located' });
      const logged = await withdraw(office.client, b.enrollment.id, { exitCode: 'T160' }, affidavit(PDF, 'records.pdf'));
      expect(logged.status).toBe(400);
      expect(textOf(logged.html)).toContain('1 attempts by 1 methods are logged');
      await stillActive(b.enrollment.id);
    });

    it('WDR-2 a student located but not attending is never withdrawn, whatever the code and however much due diligence is logged', async () => {
      const { enrollment } = await student();
      await contact(enrollment.id, { contact_when: '2026-11-16T09:30', contact_method: 'phone' });
      await contact(enrollment.id, { contact_when: '2026-11-17T09:30', contact_method: 'letter', contact_outcome: 'no_answer' });
      await contact(enrollment.id, { contact_when: '2026-11-18T15:00', contact_method: 'home_visit', contact_reached: 'Ana López, mother', contact_outcome: 'located_not_attending' });
      for (const [code, files] of [['E140', affidavit(PDF, 'letter.pdf')], ['E300', []]] as const) {
        const page = await withdraw(office.client, enrollment.id, { exitCode: code }, [...files]);
        expect(page.status).toBe(400);
        expect(textOf(page.html)).toContain('A student located but not attending is never withdrawn');
      }
      await stillActive(enrollment.id);
    });

    it('WDR-2 a pre-enrolled student who never came leaves with the no-show code (N470) once the no-show follow-ups exhaust due diligence', async () => {
      const { enrollment } = await enrolledStudent(t, { entryDate: null, expectedFirstDay: '2026-11-30', student: { first_name: 'Lucía', last_name: 'López' } });
      const fields = { exitCode: 'N470', exitDate: '2026-11-30', requestedBy: 'school' };
      const letter = affidavit(PDF, 'no-show-letter.pdf');
      const refused = await withdraw(office.client, enrollment.id, fields, letter);
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('0 attempts by 0 methods are logged');
      // The no-show's follow-ups are the due diligence: two calls and a letter.
      for (const [when, method] of [['2026-11-30T18:00', 'phone'], ['2026-12-01T08:00', 'phone'], ['2026-12-01T08:30', 'letter']]) {
        expect((await contact(enrollment.id, { purpose: 'no_show', contact_when: when, contact_method: method })).status).toBe(303);
      }
      expect((await withdraw(office.client, enrollment.id, fields, letter)).status).toBe(303);
      expect(await enrollmentOf(enrollment.id)).toMatchObject({ status: 'exited', exit_code: 'N470', exit_date: '2026-11-30' });
      expect(await documentsOf(enrollment.id)).toEqual([expect.objectContaining({ kind: 'not_attending_letter', file_name: 'no-show-letter.pdf' })]);
    });

    it('ENR-5 the student may ask for their own withdrawal only as an emancipated minor or an adult; who asked is recorded', async () => {
      const { enrollment, student: s } = await student();
      const fields = { exitCode: 'T180', requestedBy: 'student' };
      const refused = await withdraw(office.client, enrollment.id, fields, affidavit());
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('The student can ask for their own withdrawal only as an emancipated minor or at 18 or older.');
      expect(refused.html).toMatch(/id="field-requestedBy-error"/);
      await stillActive(enrollment.id);

      await t.deps.db
        .insertInto('roll_students')
        .values({ student_id: s.id, district_id: ROLL.district, populations: '', immunization: 'complete', immunization_until: null, to_collect: '[]', emancipated: 1, updated_at: DEC_1, updated_by: 'staff:test' })
        .execute();
      expect((await withdraw(office.client, enrollment.id, fields, affidavit())).status).toBe(303);
      const [entry] = await auditOf(enrollment.id, 'roll.withdraw');
      expect(JSON.parse(entry.detail!)).toMatchObject({ requestedBy: 'student', code: 'T180' });

      // A student of 18 (a high school senior born in 2008, on December 1, 2026) asks for their own: not emancipated, and allowed.
      const adult = await enrolledStudent(t, { schoolId: 'lausd-sample:3001', grade: '12', student: { first_name: 'Lucía', last_name: 'López', date_of_birth: '2008-05-01' } });
      const admin = await staffMember(t, ROLL.district, 'district_admin');
      expect((await withdraw(admin.client, adult.enrollment.id, fields, affidavit())).status).toBe(303);
      expect((await enrollmentOf(adult.enrollment.id)).status).toBe('exited');
    });

    it('WDR-4 an exit before the entry is refused on the exit date', async () => {
      const { enrollment } = await student();
      const page = await withdraw(office.client, enrollment.id, { exitCode: 'E230', exitDate: '2026-09-01' });
      expect(page.status).toBe(400);
      expect(page.html).toMatch(/id="field-exitDate-error"/);
      await stillActive(enrollment.id);
    });

    it('WDR-2 the contact log refuses a time in the future and an unknown method on their fields, keeping what was typed; a teacher may not log, another school\'s office gets "not found"', async () => {
      const { enrollment } = await student();
      const future = await contact(enrollment.id, { contact_when: '2026-12-02T09:00', contact_reached: 'Ana López' });
      expect(future.status).toBe(400);
      expect(textOf(future.html)).toContain('The contact cannot be in the future.');
      expect(future.html).toContain('Ana López');
      const method = await contact(enrollment.id, { contact_method: 'pigeon' });
      expect(method.status).toBe(400);
      expect(textOf(method.html)).toContain('Choose how the contact was made.');
      expect(await t.deps.db.selectFrom('contact_attempts').select('id').where('enrollment_id', '=', enrollment.id).execute()).toEqual([]);

      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      await teacher.client.get('/staff/roll');
      const asTeacher = await teacher.client.post(`/staff/roll/enrollments/${enrollment.id}/contacts`, { purpose: 'due_diligence', contact_when: '2026-11-20T09:30', contact_method: 'phone', contact_outcome: 'no_answer' });
      expect(asTeacher.status).toBe(403);
      expect((await teacher.client.get(withdrawUrl(enrollment.id))).status).toBe(403);
      const sunrise = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      expect((await sunrise.client.get(withdrawUrl(enrollment.id))).status).toBe(404);
      const refused = await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', 'in', [teacher.id, sunrise.id]).where('outcome', '=', 'refused').orderBy('at').execute();
      expect(refused).toEqual([
        { action: 'roll.contact', outcome: 'refused' },
        { action: 'roll.withdraw.view', outcome: 'refused' },
        { action: 'roll.withdraw.view', outcome: 'refused' },
      ]);

      // Logged: on the student's page, with who logged it.
      expect((await contact(enrollment.id, { contact_reached: 'Ana López, mother', contact_outcome: 'located_will_attend', contact_method: 'email' })).status).toBe(303);
      const rows = await t.deps.db.selectFrom('contact_attempts').selectAll().where('enrollment_id', '=', enrollment.id).execute();
      expect(rows).toEqual([
        expect.objectContaining({ purpose: 'due_diligence', method: 'email', reached: 'Ana López, mother', outcome: 'located_will_attend', contacted_at: '2026-11-20T17:30:00.000Z', logged_by: `staff:${office.id}` }),
      ]);
      const page = textOf((await office.client.get(`/staff/roll/students/${enrollment.student_id}`)).html);
      expect(page).toContain('Contact log');
      expect(page).toContain('Located, will attend');
    });
  });
}
