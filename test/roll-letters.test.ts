import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { pdfText } from './support/pdf.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1 = '2026-12-01T18:00:00Z';

for (const db of databases) {
  describe(`the roll's letters to families, in their language (${db.name})`, () => {
    let t: TestApp;
    let office: { client: TestClient; id: string };

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });
    afterAll(() => t.close());

    const letterUrl = (id: string) => `/staff/roll/enrollments/${id}/not-attending-letter`;
    /** Opens the student's page (for its form token), then makes the letter. */
    const makeLetter = async (client: TestClient, e: { id: string; student_id: string }, form: Record<string, string> = {}) => {
      await client.get(`/staff/roll/students/${e.student_id}`);
      return client.post(letterUrl(e.id), form);
    };
    const lettersOf = (id: string) => t.deps.db.selectFrom('enrollment_documents').selectAll().where('enrollment_id', '=', id).execute();
    const auditOf = (id: string) => t.deps.db.selectFrom('audit_log').selectAll().where('entity_type', '=', 'enrollment').where('entity_id', '=', id).where('action', '=', 'roll.letter.not-attending').execute();
    const officeDownload = async (documentId: string) => {
      const file = await office.client.get(`/staff/roll/enrollment-documents/${documentId}`);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      return pdfText(file.body);
    };

    it('WDR-3 WDR-1 the office makes the no-show letter in Spanish for a linked Spanish-speaking family; a retried post keeps one letter; audited', async () => {
      const parent = await signedInParent(t, { language: 'es', first_name: 'Ana', last_name: 'López' });
      const { enrollment } = await enrolledStudent(t, { accountId: parent.user.id, entryDate: null, expectedFirstDay: '2026-11-30', student: { first_name: 'Lucía', last_name: 'López' } });

      const page = await office.client.get(`/staff/roll/students/${enrollment.student_id}`);
      expect(textOf(page.html)).toContain('the letter is written in Spanish, the account\'s language');
      expect(page.html).toContain(`action="${letterUrl(enrollment.id)}"`);

      const made = await makeLetter(office.client, enrollment);
      expect(made.status).toBe(303);
      const [letter] = await lettersOf(enrollment.id);
      expect(letter).toMatchObject({ kind: 'not_attending_letter', content_type: 'application/pdf', uploaded_by: `staff:${office.id}` });
      const text = await officeDownload(letter.id);
      expect(text).toContain('Aviso: el estudiante no asiste a la escuela');
      expect(text).toContain('Ana López');
      expect(text).toContain('Lucía López');
      expect(text).toContain('Elm Street');
      expect(text).toContain('30 de noviembre de 2026');
      expect(text).toContain('Código de Educación');
      expect(text).not.toContain('Notice: student not attending school');

      // A retried post (the same day) keeps the one letter.
      const again = await makeLetter(office.client, enrollment);
      expect(again.status).toBe(303);
      expect(textOf((await office.client.follow(again)).html)).toContain("Today's letter was already made; it is kept once.");
      expect(await lettersOf(enrollment.id)).toHaveLength(1);

      const entries = await auditOf(enrollment.id);
      expect(entries).toHaveLength(1);
      expect(entries[0]).toMatchObject({ staff_id: office.id, outcome: 'allowed' });
      expect(JSON.parse(entries[0].detail!)).toMatchObject({ student: enrollment.student_id, document: letter.id, language: 'es', languageFrom: 'account' });
    });

    it('WDR-1 with no family account linked, the office chooses the language: none chosen is refused beside the field, English when chosen', async () => {
      const { enrollment } = await enrolledStudent(t, { student: { first_name: 'Mateo', last_name: 'López' } });

      const refused = await makeLetter(office.client, enrollment);
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('Choose the language of the letter');
      expect(refused.html).toMatch(/id="field-language-error"/);
      expect(await lettersOf(enrollment.id)).toEqual([]);

      await office.client.get(`/language?to=es&next=/staff/roll/students/${enrollment.student_id}`);
      const es = await makeLetter(office.client, enrollment);
      expect(es.status).toBe(400);
      expect(textOf(es.html)).toContain('Elija el idioma de la carta');
      await office.client.get(`/language?to=en&next=/staff/roll/students/${enrollment.student_id}`);

      expect((await makeLetter(office.client, enrollment, { language: 'en' })).status).toBe(303);
      const [letter] = await lettersOf(enrollment.id);
      const text = await officeDownload(letter.id);
      expect(text).toContain('Notice: student not attending school');
      expect(text).toContain('The parent or guardian of Mateo López');
      expect(text).toContain('is not attending school now');
      expect(text).toContain('California law requires');
      expect(JSON.parse((await auditOf(enrollment.id))[0].detail!)).toMatchObject({ language: 'en', languageFrom: 'office' });
    });

    it('WDR-1 WDR-2 a no-show withdrawal (N470) uses the letter kept as its document; a letter of another enrollment is refused', async () => {
      const { enrollment } = await enrolledStudent(t, { entryDate: null, expectedFirstDay: '2026-11-30', student: { first_name: 'Sofía', last_name: 'López' } });
      const other = await enrolledStudent(t, { student: { first_name: 'Mateo', last_name: 'Ruiz' } });
      expect((await makeLetter(office.client, enrollment, { language: 'es' })).status).toBe(303);
      expect((await makeLetter(office.client, other.enrollment, { language: 'en' })).status).toBe(303);
      const [letter] = await lettersOf(enrollment.id);
      const [otherLetter] = await lettersOf(other.enrollment.id);
      for (const [when, method] of [['2026-11-30T18:00', 'phone'], ['2026-12-01T08:00', 'phone'], ['2026-12-01T08:30', 'letter']]) {
        await office.client.get(`/staff/roll/enrollments/${enrollment.id}/withdraw`);
        const c = await office.client.post(`/staff/roll/enrollments/${enrollment.id}/contacts`, {
          purpose: 'no_show', back: `/staff/roll/enrollments/${enrollment.id}/withdraw`, contact_when: when, contact_method: method, contact_reached: '', contact_outcome: 'no_answer', contact_note: '',
        });
        expect(c.status).toBe(303);
      }
      const form = await office.client.get(`/staff/roll/enrollments/${enrollment.id}/withdraw?code=N470`);
      // Opened for the no-show code, the form has the letter kept chosen as its document.
      expect(form.html).toMatch(new RegExp(`value="${letter.id}"[^>]*checked`));
      expect(textOf(form.html)).toContain('Document kept with the enrollment');
      const fields = { exitCode: 'N470', exitDate: '2026-11-30', requestedBy: 'school' };

      const wrong = await office.client.postMultipart(`/staff/roll/enrollments/${enrollment.id}/withdraw`, { ...fields, keptDocument: otherLetter.id }, []);
      expect(wrong.status).toBe(400);
      expect(wrong.html).toMatch(/id="field-document-error"/);
      expect((await t.deps.db.selectFrom('enrollments').select('status').where('id', '=', enrollment.id).executeTakeFirstOrThrow()).status).toBe('pre_enrolled');

      await office.client.get(`/staff/roll/enrollments/${enrollment.id}/withdraw`);
      const done = await office.client.postMultipart(`/staff/roll/enrollments/${enrollment.id}/withdraw`, { ...fields, keptDocument: letter.id }, []);
      expect(done.status).toBe(303);
      expect(await t.deps.db.selectFrom('enrollments').selectAll().where('id', '=', enrollment.id).executeTakeFirstOrThrow()).toMatchObject({ status: 'exited', exit_code: 'N470', exit_document_id: letter.id });
      expect(await lettersOf(enrollment.id)).toHaveLength(1);
      const [withdrawn] = await t.deps.db.selectFrom('audit_log').selectAll().where('entity_id', '=', enrollment.id).where('action', '=', 'roll.withdraw').execute();
      expect(JSON.parse(withdrawn.detail!)).toMatchObject({ code: 'N470', document: letter.id, documentKind: 'not_attending_letter' });

      // An exited enrollment gets no more letters.
      const closed = await makeLetter(office.client, enrollment, { language: 'es' });
      expect(closed.status).toBe(400);
      expect(textOf(closed.html)).toContain('this enrollment has ended');
    });

    it('WDR-1 PRV-1 PRV-2 the parent downloads the letter from their child\'s page in their language; another parent, a teacher and another school\'s office cannot; refusals audited', async () => {
      const parent = await signedInParent(t, { language: 'es', first_name: 'Ana', last_name: 'López' });
      const { enrollment } = await enrolledStudent(t, { accountId: parent.user.id, entryDate: null, expectedFirstDay: '2026-11-30', student: { first_name: 'Lucía', last_name: 'López' } });
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      const sunrise = await staffMember(t, ROLL.district, 'school_office', ['1002']);

      const byTeacher = await makeLetter(teacher.client, enrollment, { language: 'en' });
      expect(byTeacher.status).toBe(403);
      const bySunrise = await makeLetter(sunrise.client, enrollment, { language: 'en' });
      expect(bySunrise.status).toBe(404);
      expect(await lettersOf(enrollment.id)).toEqual([]);
      const refusals = await t.deps.db.selectFrom('audit_log').select(['staff_id', 'outcome', 'detail']).where('action', '=', 'roll.letter.not-attending').where('entity_id', '=', enrollment.id).orderBy('at').execute();
      expect(refusals.map((r) => [r.staff_id, r.outcome])).toEqual([
        [teacher.id, 'refused'],
        [sunrise.id, 'refused'],
      ]);
      const teacherPage = await teacher.client.get(`/staff/roll/students/${enrollment.student_id}`);
      expect(teacherPage.html).not.toContain(letterUrl(enrollment.id));

      expect((await makeLetter(office.client, enrollment)).status).toBe(303);
      const [letter] = await lettersOf(enrollment.id);
      await parent.client.get(`/language?to=es&next=/students/${enrollment.student_id}`);
      const page = await parent.client.get(`/students/${enrollment.student_id}`);
      expect(page.status).toBe(200);
      const link = `/students/${enrollment.student_id}/letters/${letter.id}`;
      expect(textOf(page.html)).toContain('Cartas de la escuela');
      expect(page.html).toContain(`href="${link}"`);
      const file = await parent.client.get(link);
      expect(file.status).toBe(200);
      expect(file.headers['content-type']).toBe('application/pdf');
      expect(await pdfText(file.body)).toContain('Aviso: el estudiante no asiste a la escuela');

      const other = await signedInParent(t, { first_name: 'Mateo', last_name: 'Ruiz' });
      expect((await other.client.get(link)).status).toBe(404);
      expect((await other.client.get(`/students/${enrollment.student_id}`)).status).toBe(404);
      // A document id that is not a letter of this student is not found either.
      expect((await parent.client.get(`/students/${enrollment.student_id}/letters/nope`)).status).toBe(404);
    });
  });
}
