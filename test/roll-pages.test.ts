import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import type { TestClient } from './support/client.js';
import { Roll } from '../src/modules/enrollment/roll.js';
import { newId } from '../src/platform/ids.js';
import { ROLL_PAGE_SIZE } from '../src/modules/enrollment/roll-pages.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles: mid-year (2026-2027). */
const DEC_1 = '2026-12-01T18:00:00Z';
const TODAY = '2026-12-01';

/** The students a roll page lists, in its order (each row links to the student's page). */
const listed = (html: string): string[] => [...html.matchAll(/href="\/staff\/roll\/students\/([\w-]+)"/g)].map((m) => m[1]);
/** The link to the next page of a roll, if any. */
const nextLink = (html: string): string | undefined => /href="(\/staff\/roll\?[^"]*after=[^"]*)"/.exec(html)?.[1].replace(/&amp;/g, '&');

for (const db of databases) {
  describe(`the office's roll pages (${db.name})`, () => {
    let t: TestApp;
    let office: { client: TestClient; id: string };
    let teacher: { client: TestClient; id: string };
    let sunriseOffice: { client: TestClient; id: string };
    let admin: { client: TestClient; id: string };
    let permitClerk: { client: TestClient; id: string };
    let paramount: { client: TestClient; id: string };

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      sunriseOffice = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      admin = await staffMember(t, ROLL.district, 'district_admin');
      permitClerk = await staffMember(t, ROLL.district, 'permit_staff');
      paramount = await staffMember(t, 'paramount-sample', 'district_admin');
    });
    afterAll(() => t.close());

    const facts = (studentId: string, over: { populations?: string; immunization?: 'complete' | 'conditional' | 'exempt' | 'missing'; immunization_until?: string | null }) =>
      t.deps.db
        .insertInto('roll_students')
        .values({ student_id: studentId, district_id: ROLL.district, populations: '', immunization: 'complete', immunization_until: null, to_collect: '[]', emancipated: 0, updated_at: DEC_1, updated_by: 'staff:test', ...over })
        .execute();
    const contact = (studentId: string) =>
      t.deps.db
        .insertInto('emergency_contacts')
        .values({ id: newId(), student_id: studentId, position: 1, name: 'Ana López', relationship: 'mother', phone: '(213) 555-0100', alt_phone: null, email: null, language: 'es', created_at: DEC_1, updated_at: DEC_1, updated_by: 'staff:test' })
        .execute();
    const auditOf = (action: string, entityId: string) =>
      t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', action).where('entity_id', '=', entityId).orderBy('at').execute();

    it('lists a grade exactly, by status: active by default, pre-enrolled and exited on their own', async () => {
      const a = await enrolledStudent(t, { grade: '1' });
      const b = await enrolledStudent(t, { grade: '1' });
      const pre = await enrolledStudent(t, { grade: '1', entryDate: null });
      const gone = await enrolledStudent(t, { grade: '1' });
      const exited = await new Roll(t.deps).exit(`staff:${office.id}`, { enrollmentId: gone.enrollment.id, exitCode: 'E150', exitDate: '2026-11-20' });
      expect(exited.ok).toBe(true);
      await enrolledStudent(t, { grade: '2' });
      await enrolledStudent(t, { grade: '1', schoolId: ROLL.sunrise });

      const active = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=1`);
      expect(active.status).toBe(200);
      expect(listed(active.html).sort()).toEqual([a.student.id, b.student.id].sort());
      expect(listed((await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=1&status=pre_enrolled`)).html)).toEqual([pre.student.id]);
      expect(listed((await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=1&status=exited`)).html)).toEqual([gone.student.id]);
      // Each row: name, grade, status, entry type, entry date written out.
      expect(active.html).toContain('López, Mateo');
      expect(active.html).toContain('First enrollment in school');
      expect(active.html).toContain('Tuesday, September 8, 2026');
    });

    it('ENR-1 filters by special population: a whole code among the others, never a part of one', async () => {
      const homeless = await enrolledStudent(t, { grade: '3' });
      const both = await enrolledStudent(t, { grade: '3' });
      const foster = await enrolledStudent(t, { grade: '3' });
      await enrolledStudent(t, { grade: '3' });
      await facts(homeless.student.id, { populations: 'homeless' });
      await facts(both.student.id, { populations: 'foster,juvenile_justice' });
      await facts(foster.student.id, { populations: 'foster' });

      const page = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=3&population=juvenile_justice`);
      expect(listed(page.html)).toEqual([both.student.id]);
      expect(listed((await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=3&population=foster`)).html).sort()).toEqual([both.student.id, foster.student.id].sort());
      const h = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=3&population=homeless`);
      expect(listed(h.html)).toEqual([homeless.student.id]);
      // The row flags the population.
      expect(h.html).toContain('<span class="usa-tag">Experiencing homelessness</span>');
      // Four in the grade without the filter.
      expect(listed((await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=3`)).html)).toHaveLength(4);
    });

    it('ENR-4 lists the students with no emergency contact, and flags them', async () => {
      const none = await enrolledStudent(t, { grade: '4' });
      const some = await enrolledStudent(t, { grade: '4' });
      await contact(some.student.id);
      const page = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=4&noContacts=1`);
      expect(listed(page.html)).toEqual([none.student.id]);
      expect(page.html).toContain('<span class="usa-tag app-tag--overdue">No emergency contacts</span>');
      const all = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=4`);
      expect(listed(all.html).sort()).toEqual([none.student.id, some.student.id].sort());
    });

    it('ENR-2 lists the conditional admissions ending within 30 days or already past, with their date', async () => {
      const soon = await enrolledStudent(t, { grade: '5' });
      const past = await enrolledStudent(t, { grade: '5' });
      const edge = await enrolledStudent(t, { grade: '5' });
      const later = await enrolledStudent(t, { grade: '5' });
      const complete = await enrolledStudent(t, { grade: '5' });
      await facts(soon.student.id, { immunization: 'conditional', immunization_until: '2026-12-10' });
      await facts(past.student.id, { immunization: 'conditional', immunization_until: '2026-11-15' });
      await facts(edge.student.id, { immunization: 'conditional', immunization_until: '2026-12-31' }); // TODAY + 30
      await facts(later.student.id, { immunization: 'conditional', immunization_until: '2027-01-01' });
      await facts(complete.student.id, { immunization: 'complete' });
      expect(TODAY).toBe('2026-12-01');

      const page = await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=5&conditionalEnding=1`);
      expect(listed(page.html).sort()).toEqual([soon.student.id, past.student.id, edge.student.id].sort());
      expect(page.html).toContain('Conditional admission until Thursday, December 10, 2026');
      // Filters combine: the conditional ones ending who also have no contact.
      await contact(soon.student.id);
      expect(listed((await office.client.get(`/staff/roll?school=${ROLL.elm}&grade=5&conditionalEnding=1&noContacts=1`)).html).sort()).toEqual([past.student.id, edge.student.id].sort());
    });

    it('pages by keyset: every student once, in grade order then id, across pages', async () => {
      const grades = ['6', '7', '8'];
      const ids = new Map<string, string>();
      for (let i = 0; i < ROLL_PAGE_SIZE + 7; i++) {
        const grade = grades[i % 3];
        const s = await enrolledStudent(t, { schoolId: ROLL.mission, grade, student: { first_name: `Student${i}` } });
        ids.set(s.student.id, grade);
      }
      const mission = await staffMember(t, ROLL.district, 'school_office', ['2001']);
      const first = await mission.client.get('/staff/roll');
      expect(first.status).toBe(200);
      const one = listed(first.html);
      expect(one).toHaveLength(ROLL_PAGE_SIZE);
      const next = nextLink(first.html);
      expect(next).toBeDefined();
      const second = await mission.client.get(next!);
      const two = listed(second.html);
      expect(two).toHaveLength(7);
      expect(nextLink(second.html)).toBeUndefined();
      const all = [...one, ...two];
      expect(new Set(all).size).toBe(all.length);
      expect(new Set(all)).toEqual(new Set(ids.keys()));
      // Grade order: 6, then 7, then 8; within a grade by enrollment id, as the database orders ids.
      const order = all.map((id) => Number(ids.get(id)));
      expect(order).toEqual([...order].sort((x, y) => x - y));
      const byId = await t.deps.db.selectFrom('enrollments').select('student_id').where('school_id', '=', ROLL.mission).orderBy('grade_rank').orderBy('id').execute();
      expect(all).toEqual(byId.map((r) => r.student_id));
    });

    it("PRV-1 the school picker lists only the reader's schools; a district administrator's lists every school", async () => {
      const mine = await office.client.get('/staff/roll');
      const options = [...mine.html.matchAll(/<option value="(lausd-sample:\d+)"/g)].map((m) => m[1]);
      expect(options).toEqual([ROLL.elm]);
      const all = await admin.client.get('/staff/roll');
      const everySchool = [...all.html.matchAll(/<option value="(lausd-sample:\d+)"/g)].map((m) => m[1]);
      expect(everySchool).toContain(ROLL.elm);
      expect(everySchool).toContain(ROLL.mission);
      expect(everySchool.length).toBe(t.deps.districts.get(ROLL.district)!.schools.length);
      // The menu links the roll for those who read it, and not for the permit office's clerks.
      expect(all.html).toContain('<a href="/staff/roll" class="usa-link">');
      expect((await permitClerk.client.get('/staff/queue')).html).not.toContain('href="/staff/roll"');
    });

    it("PRV-1 a student's page: who, every enrollment with its codes, document and history, and actions for the office only", async () => {
      const { student, enrollment } = await enrolledStudent(t, { grade: '2', student: { first_name: 'Lucía', last_name: 'Ramírez', date_of_birth: '2018-03-02' } });
      const moved = await new Roll(t.deps).transfer(`staff:${office.id}`, { enrollmentId: enrollment.id, toSchoolId: ROLL.sunrise, firstDay: '2026-11-02', exitCode: 'T160', entryType: 'transfer' });
      expect(moved.ok).toBe(true);

      const page = await office.client.get(`/staff/roll/students/${student.id}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('Lucía Ramírez');
      expect(page.html).toContain('Friday, March 2, 2018');
      expect(page.html).toContain('8 years old');
      expect(page.html).toContain('Not linked to a family account');
      expect(page.html).toContain('Elm Street Elementary, 2026-2027');
      expect(page.html).toContain('Sunrise Avenue Elementary, 2026-2027');
      expect(page.html).toContain('Transfer to a California public school (CALPADS T160)');
      expect(page.html).toContain('Sunday, November 1, 2026'); // the exit, the day before the new school's first day
      expect(page.html).toMatch(/Transfer from another school, living in the school(&#39;|')s area/);
      // History lines: who (the clerk's name), what.
      expect(page.html).toContain('Permit Clerk');
      expect(page.html).toContain('Exited');
      // The office of Elm reads Sunrise's enrollment but acts only on its own school's.
      expect(page.html).not.toContain(`/staff/roll/enrollments/${moved.ok && moved.value.entered.id}/withdraw`);
      expect(page.html).toContain(`/staff/roll/enroll?student=${student.id}`);

      // WDR-1: an exit's document is linked from its enrollment.
      const priv = await enrolledStudent(t, { grade: '2' });
      const documentId = newId();
      await t.deps.db
        .insertInto('enrollment_documents')
        .values({ id: documentId, enrollment_id: priv.enrollment.id, kind: 'private_school_affidavit', storage_key: 'k', file_name: 'affidavit.pdf', content_type: 'application/pdf', size_bytes: 10, uploaded_by: `staff:${office.id}`, uploaded_at: DEC_1 })
        .execute();
      const left = await new Roll(t.deps).exit(`staff:${office.id}`, { enrollmentId: priv.enrollment.id, exitCode: 'T180', exitDate: '2026-11-30', documentId });
      expect(left.ok).toBe(true);
      const withDocument = await teacher.client.get(`/staff/roll/students/${priv.student.id}`);
      expect(withDocument.html).toContain('Transfer to a private school (CALPADS T180)');
      expect(withDocument.html).toContain(`<a class="usa-link" href="/staff/roll/enrollment-documents/${documentId}">affidavit.pdf</a>`);

      const sunrise = await sunriseOffice.client.get(`/staff/roll/students/${student.id}`);
      expect(sunrise.html).toContain(`/staff/roll/enrollments/${moved.ok && moved.value.entered.id}/withdraw`);
      expect(sunrise.html).toContain(`/staff/roll/enrollments/${moved.ok && moved.value.entered.id}/transfer`);
    });

    it('PRV-1 a teacher reads the roll and a student but gets no action', async () => {
      const pre = await enrolledStudent(t, { grade: 'K', entryDate: null });
      const roll = await teacher.client.get(`/staff/roll?school=${ROLL.elm}&grade=K&status=pre_enrolled`);
      expect(roll.status).toBe(200);
      expect(listed(roll.html)).toEqual([pre.student.id]);
      expect(roll.html).not.toContain('/staff/roll/enroll');
      const page = await teacher.client.get(`/staff/roll/students/${pre.student.id}`);
      expect(page.status).toBe(200);
      expect(page.html).not.toContain('/staff/roll/enroll');
      expect(page.html).not.toContain(`/staff/roll/enrollments/${pre.enrollment.id}/`);
      // The office of the school sees the first day's form and the no-show's withdrawal.
      const office1 = await office.client.get(`/staff/roll/students/${pre.student.id}`);
      expect(office1.html).toContain(`action="/staff/roll/enrollments/${pre.enrollment.id}/start"`);
      expect(office1.html).toContain(`/staff/roll/enrollments/${pre.enrollment.id}/withdraw`);
      expect((await office.client.get(`/staff/roll?school=${ROLL.elm}`)).html).toContain(`/staff/roll/enroll?school=${encodeURIComponent(ROLL.elm)}`);
      // The list of reports names the roll for a teacher too.
      const reports = await teacher.client.get('/staff/reports');
      expect(reports.html).toContain('href="/staff/roll"');
      expect(reports.html).toContain('School roll');
    });

    it('PRV-1 PRV-2 a student of another school is not found, and the refusal is audited', async () => {
      const { student } = await enrolledStudent(t, { grade: '2', schoolId: ROLL.sunrise });
      const page = await teacher.client.get(`/staff/roll/students/${student.id}`);
      expect(page.status).toBe(404);
      expect(page.html).not.toContain(student.last_name + ', ');
      expect(await auditOf('roll.student.view', student.id)).toEqual([expect.objectContaining({ outcome: 'refused', staff_id: teacher.id, district_id: ROLL.district })]);
      // A school not theirs asked for by its id: not found either.
      const other = await office.client.get(`/staff/roll?school=${encodeURIComponent(ROLL.sunrise)}`);
      expect(other.status).toBe(404);
      expect(await auditOf('roll.view', ROLL.sunrise)).toEqual([expect.objectContaining({ outcome: 'refused', staff_id: office.id, district_id: ROLL.district })]);
      // A role that does not read the roll: not found, audited.
      expect((await permitClerk.client.get('/staff/roll')).status).toBe(404);
      expect((await permitClerk.client.get(`/staff/roll/students/${student.id}`)).status).toBe(404);
      expect((await auditOf('roll.student.view', student.id)).filter((e) => e.staff_id === permitClerk.id)).toEqual([expect.objectContaining({ outcome: 'refused' })]);
    });

    it("PRV-1 PRV-2 another district's staff: not found, audited in the district whose record was tried", async () => {
      const { student } = await enrolledStudent(t, { grade: '2' });
      const page = await paramount.client.get(`/staff/roll/students/${student.id}`);
      expect(page.status).toBe(404);
      expect(await auditOf('roll.student.view', student.id)).toEqual([
        expect.objectContaining({ outcome: 'refused', staff_id: paramount.id, district_id: ROLL.district, actor_district_id: 'paramount-sample' }),
      ]);
      const roll = await paramount.client.get(`/staff/roll?school=${encodeURIComponent(ROLL.elm)}`);
      expect(roll.status).toBe(404);
      expect((await auditOf('roll.view', ROLL.elm)).filter((e) => e.staff_id === paramount.id)).toEqual([
        expect.objectContaining({ outcome: 'refused', district_id: ROLL.district, actor_district_id: 'paramount-sample' }),
      ]);
      // Their own roll opens, without Los Angeles' students.
      const own = await paramount.client.get('/staff/roll');
      expect(own.status).toBe(200);
      expect(listed(own.html)).not.toContain(student.id);
    });

    it('PRV-2 every read is audited: the roll with its filters, and a student', async () => {
      const { student } = await enrolledStudent(t, { grade: 'TK' });
      await teacher.client.get(`/staff/roll?school=${encodeURIComponent(ROLL.elm)}&grade=TK&noContacts=1`);
      const views = (await auditOf('roll.view', ROLL.elm)).filter((e) => e.staff_id === teacher.id && e.detail?.includes('"grade":"TK"'));
      expect(views).toEqual([expect.objectContaining({ outcome: 'allowed', district_id: ROLL.district, entity_type: 'school' })]);
      expect(JSON.parse(views[0].detail!)).toMatchObject({ school: ROLL.elm, grade: 'TK', status: 'active', noContacts: '1', students: 1 });
      await teacher.client.get(`/staff/roll/students/${student.id}`);
      expect(await auditOf('roll.student.view', student.id)).toEqual([expect.objectContaining({ outcome: 'allowed', staff_id: teacher.id, entity_type: 'student' })]);
    });

    it('reads in Spanish', async () => {
      const page = await office.client.get(`/staff/roll?school=${encodeURIComponent(ROLL.elm)}&grade=1&lang=es`);
      expect(page.html).toContain('Matrícula escolar');
      expect(page.html).toContain('Primera inscripción escolar');
      expect(page.html).toContain('martes, 8 de septiembre de 2026');
    });
  });
}
