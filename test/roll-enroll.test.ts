import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { staffMember } from './support/staff.js';
import { enrolledStudent, ROLL } from './support/roll.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles: mid-year. */
const DEC_1 = '2026-12-01T18:00:00Z';
const CENTRAL_HIGH = 'lausd-sample:3001'; // 9–12

type Client = Awaited<ReturnType<typeof staffMember>>['client'];

/** A memorable date's fields. */
const day = (prefix: string, iso: string) => {
  const [y, m, d] = iso.split('-');
  return { [`${prefix}_year`]: y, [`${prefix}_month`]: String(Number(m)), [`${prefix}_day`]: String(Number(d)) };
};

/** A new student typed at the counter, at Elm Street, grade 2, first day December 1. */
const counterForm = (lastName: string, over: Record<string, string> = {}): Record<string, string> => ({
  first_name: 'Ana', last_name: lastName, ...day('dob', '2018-05-20'), address_line1: '200 Olive Street', city: 'Los Angeles', state: 'CA', zip: '90011',
  school: ROLL.elm, school_year: ROLL.year, grade: '2', entry_type: 'new', ...day('entry', '2026-12-01'), immunization: 'complete', ...over,
});

for (const db of databases) {
  describe(`roll: the office's enrollment form (${db.name})`, () => {
    let t: TestApp;
    let office: Client;
    let officeId: string;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      const m = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      office = m.client;
      officeId = m.id;
    });
    afterAll(() => t.close());

    const studentsNamed = (lastName: string) => t.deps.db.selectFrom('students').selectAll().where('last_name', '=', lastName).execute();
    const enrollmentsOf = (studentId: string) => t.deps.db.selectFrom('enrollments').selectAll().where('student_id', '=', studentId).orderBy('created_at').execute();
    const factsOf = (studentId: string) => t.deps.db.selectFrom('roll_students').selectAll().where('student_id', '=', studentId).executeTakeFirst();
    const enroll = async (c: Client, form: Record<string, string>, student?: string) => {
      const url = student ? `/staff/roll/enroll?student=${student}` : '/staff/roll/enroll';
      await c.get(url);
      return c.post(url, form);
    };
    /** A refused form: 400, the message beside its field, what was typed kept. */
    const refusedOn = (page: { status: number; html: string }, field: string, message: string) => {
      expect(page.status).toBe(400);
      expect(page.html).toContain(`id="field-${field}-error"`);
      expect(page.html).toContain(message);
    };

    it('ENR-1 a special population is enrolled at the counter at once without records, immunizations or proof of residence; the record keeps what is still to collect', async () => {
      const page = await enroll(office, counterForm('Herrera', {
        populations__homeless: 'yes', populations__iep: 'yes', immunization: 'missing', to_collect__records: 'yes', to_collect__residence_proof: 'yes', origin: 'yes',
      }));
      expect(page.status).toBe(303);
      const [s] = await studentsNamed('Herrera');
      expect(page.location).toBe(`/staff/roll/students/${s.id}`);
      // PRV-1: no family account until the school links one.
      expect(s).toMatchObject({ account_id: null, first_name: 'Ana', date_of_birth: '2018-05-20', current_grade: '2' });
      const [e] = await enrollmentsOf(s.id);
      expect(e).toMatchObject({ school_id: ROLL.elm, status: 'active', entry_date: '2026-12-01', entry_type: 'new', is_primary: 1 });
      const facts = await factsOf(s.id);
      expect(facts).toMatchObject({ populations: 'homeless,iep', immunization: 'missing', immunization_until: null, emancipated: 0, updated_by: `staff:${officeId}` });
      expect(JSON.parse(facts!.to_collect)).toEqual(['records', 'immunizations', 'residence_proof']);
      // The school of origin is said in the enrollment's history.
      const events = await t.deps.db.selectFrom('enrollment_events').selectAll().where('enrollment_id', '=', e.id).execute();
      expect(events[0].note).toContain('school of origin');
      // PRV-2: the change is in the audit log.
      const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('action', '=', 'roll.enroll').where('entity_id', '=', e.id).execute();
      expect(audit).toEqual([expect.objectContaining({ staff_id: officeId, outcome: 'allowed', entity_type: 'enrollment' })]);

      // The office's page of the student shows what is still to collect; unticking records marks them collected.
      const shown = await office.get(`/staff/roll/students/${s.id}`);
      expect(shown.status).toBe(200);
      expect(shown.html).toContain('Experiencing homelessness');
      expect(shown.html).toContain('Proof of residence');
      const form = await office.get(`/staff/roll/students/${s.id}/facts`);
      expect(form.html).toMatch(/name="to_collect__records" value="yes" checked/);
      const saved = await office.post(`/staff/roll/students/${s.id}/facts`, { populations__homeless: 'yes', populations__iep: 'yes', immunization: 'missing', to_collect__residence_proof: 'yes' });
      expect(saved.status).toBe(303);
      expect(JSON.parse((await factsOf(s.id))!.to_collect)).toEqual(['immunizations', 'residence_proof']);
    });

    it('ENR-1 a retried enrollment (a double click, a resent form) enrolls the counter student once', async () => {
      await office.get('/staff/roll/enroll');
      const form = { ...counterForm('Galvez'), _idem: 'retry-galvez-0123456789' };
      const first = await office.post('/staff/roll/enroll', form);
      const again = await office.post('/staff/roll/enroll', form);
      expect(first.status).toBe(303);
      expect(again).toMatchObject({ status: 303, location: first.location });
      const students = await studentsNamed('Galvez');
      expect(students).toHaveLength(1);
      expect(await enrollmentsOf(students[0].id)).toHaveLength(1);
    });

    it('ENR-2 any other new student without an immunization record is refused on its field, in Spanish too, what was typed kept and nothing saved', async () => {
      const page = await enroll(office, counterForm('Ibarra', { immunization: 'missing' }));
      refusedOn(page, 'immunization', 'Only a student in a special population is enrolled without one.');
      expect(page.html).toContain('value="Ibarra"');
      expect(page.html).toContain('value="200 Olive Street"');
      expect(await studentsNamed('Ibarra')).toEqual([]);

      const es = await office.post('/staff/roll/enroll?lang=es', counterForm('Ibarra', { immunization: 'missing' }));
      refusedOn(es, 'immunization', 'Solo un estudiante de una población especial se inscribe sin él.');
      await office.get('/staff/roll/enroll?lang=en');

      // Proof of residence still to collect is a special population's only.
      const residence = await enroll(office, counterForm('Ibarra', { to_collect__residence_proof: 'yes' }));
      refusedOn(residence, 'to_collect', 'Only a student in a special population is enrolled without immunizations or proof of residence.');
      expect(await studentsNamed('Ibarra')).toEqual([]);
    });

    it('ENR-2 a conditional admission needs its date, then enrolls with it; an exemption enrolls', async () => {
      const noDate = await enroll(office, counterForm('Jimenez', { immunization: 'conditional' }));
      refusedOn(noDate, 'immunization_until', 'Enter the date the conditional admission ends.');
      const past = await enroll(office, counterForm('Jimenez', { immunization: 'conditional', ...day('until', '2026-11-01') }));
      refusedOn(past, 'immunization_until', 'The conditional admission cannot end before today.');
      expect(await studentsNamed('Jimenez')).toEqual([]);

      const ok = await enroll(office, counterForm('Jimenez', { immunization: 'conditional', ...day('until', '2027-02-15') }));
      expect(ok.status).toBe(303);
      const [s] = await studentsNamed('Jimenez');
      expect(await factsOf(s.id)).toMatchObject({ populations: '', immunization: 'conditional', immunization_until: '2027-02-15', to_collect: '[]' });

      expect((await enroll(office, counterForm('Kuri', { immunization: 'exempt' }))).status).toBe(303);
      const [k] = await studentsNamed('Kuri');
      expect(await factsOf(k.id)).toMatchObject({ immunization: 'exempt' });
    });

    it('ENR-5 age 18 or older is no reason to refuse: 18 and 21 in a high school are enrolled; from 22 the student is referred to adult education, nothing saved', async () => {
      const high = await staffMember(t, ROLL.district, 'school_office', ['3001']);
      const form = (lastName: string, dob: string) => counterForm(lastName, { school: CENTRAL_HIGH, grade: '12', ...day('dob', dob) });
      expect((await enroll(high.client, form('Lara', '2008-06-01'))).status).toBe(303); // 18
      expect((await enroll(high.client, form('Luna', '2005-01-15'))).status).toBe(303); // 21 on December 1, 2026
      for (const name of ['Lara', 'Luna']) {
        const [s] = await studentsNamed(name);
        expect((await enrollmentsOf(s.id))[0]).toMatchObject({ school_id: CENTRAL_HIGH, status: 'active' });
      }
      const old = await enroll(high.client, form('Mora', '2004-11-30')); // 22 the day before
      refusedOn(old, 'dob', 'through age 21. An older student is referred to adult education.');
      expect(old.html).toContain('value="Mora"');
      expect(await studentsNamed('Mora')).toEqual([]);
    });

    it('ENR-5 an emancipated minor enrolls themself, kept on the record for their own withdrawal; an adult is not marked emancipated', async () => {
      const high = await staffMember(t, ROLL.district, 'school_office', ['3001']);
      const page = await enroll(high.client, counterForm('Nava', { school: CENTRAL_HIGH, grade: '11', ...day('dob', '2009-10-02'), emancipated: 'yes' }));
      expect(page.status).toBe(303);
      const [s] = await studentsNamed('Nava');
      expect(s.account_id).toBeNull();
      expect(await factsOf(s.id)).toMatchObject({ emancipated: 1 });

      const adult = await enroll(high.client, counterForm('Ochoa', { school: CENTRAL_HIGH, grade: '12', ...day('dob', '2007-03-03'), emancipated: 'yes' }));
      refusedOn(adult, 'emancipated', 'Emancipation is for minors.');
      expect(await studentsNamed('Ochoa')).toEqual([]);
    });

    it("the office of one school enrolling into another is refused on the school field and audited; a teacher may not enroll", async () => {
      const page = await enroll(office, counterForm('Pena', { school: ROLL.sunrise }));
      refusedOn(page, 'school', 'Choose one of your own schools.');
      expect(page.html).toContain('value="Pena"');
      expect(await studentsNamed('Pena')).toEqual([]);
      const refused = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', officeId).where('action', '=', 'roll.enroll').where('outcome', '=', 'refused').execute();
      expect(refused).toHaveLength(1);
      expect(JSON.parse(refused[0].detail!)).toMatchObject({ refusal: 'forbidden', schoolId: ROLL.sunrise });

      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      expect((await teacher.client.get('/staff/roll/enroll')).status).toBe(404);
      expect((await teacher.client.post('/staff/roll/enroll', counterForm('Pena'))).status).toBe(404);
      expect(await studentsNamed('Pena')).toEqual([]);
    });

    it('ENR-3 bad input over HTTP: an entry date before the school year, in the future, not a date, a second active primary — each on its field, typed values kept, nothing saved', async () => {
      const before = await enroll(office, counterForm('Quiroga', day('entry', '2026-08-01')));
      refusedOn(before, 'entry_date', 'The first day cannot be before the school year starts');
      const future = await enroll(office, counterForm('Quiroga', day('entry', '2026-12-02')));
      refusedOn(future, 'entry_date', 'The first day in the seat cannot be in the future.');
      expect(future.html).toMatch(/name="entry_day"[^>]*value="2"/);
      const notADay = await enroll(office, counterForm('Quiroga', day('entry', '2026-11-31')));
      refusedOn(notADay, 'entry_date', 'Enter a real date: month, day and year.');
      expect(await studentsNamed('Quiroga')).toEqual([]);

      // A student already active at Elm Street: enrolling again is a second active primary enrollment.
      const { student, enrollment } = await enrolledStudent(t, { student: { last_name: 'Rivas' } });
      const second = await enroll(office, { school: ROLL.elm, school_year: ROLL.year, grade: '2', entry_type: 'transfer', ...day('entry', '2026-11-02') }, student.id);
      refusedOn(second, 'school', 'This student is already actively enrolled at a primary school.');
      expect(second.html).toMatch(/option value="transfer" selected/);
      expect((await enrollmentsOf(student.id)).map((e) => e.id)).toEqual([enrollment.id]);

      // The same student pre-enrolled for next year is welcome: no first day yet.
      const pre = await enroll(office, { school: ROLL.elm, school_year: '2027-2028', grade: '3', entry_type: 'next-year' }, student.id);
      expect(pre.status).toBe(303);
      expect((await enrollmentsOf(student.id)).map((e) => e.status).sort()).toEqual(['active', 'pre_enrolled']);
      // WDR-3: expected on the year's first school day (Thursday, August 12, 2027), the evening the no-show step looks at.
      expect((await enrollmentsOf(student.id)).find((e) => e.status === 'pre_enrolled')).toMatchObject({ expected_first_day: '2027-08-12' });

      // Pre-enrolled at the counter in a year under way (Tuesday, December 1, 2026): expected the next school day, Wednesday.
      const counter = await enroll(office, counterForm('Quiroga', { entry_year: '', entry_month: '', entry_day: '' }));
      expect(counter.status).toBe(303);
      const [q] = await studentsNamed('Quiroga');
      expect(await enrollmentsOf(q.id)).toEqual([expect.objectContaining({ status: 'pre_enrolled', entry_date: null, expected_first_day: '2026-12-02' })]);

    });

    it('ENR-3 the first day in the seat makes a pre-enrollment active, from the student page; a future day is refused beside the field', async () => {
      const { student, enrollment } = await enrolledStudent(t, { entryDate: null, student: { last_name: 'Solis' } });
      await office.get(`/staff/roll/students/${student.id}`);
      const future = await office.post(`/staff/roll/enrollments/${enrollment.id}/start`, { first_day: '2026-12-03' });
      expect(future.status).toBe(400);
      expect(future.html).toContain('The first day in the seat cannot be in the future.');
      expect(future.html).toContain('value="2026-12-03"');
      expect((await enrollmentsOf(student.id))[0].status).toBe('pre_enrolled');

      const done = await office.post(`/staff/roll/enrollments/${enrollment.id}/start`, { first_day: '2026-11-30' });
      expect(done.status).toBe(303);
      expect((await enrollmentsOf(student.id))[0]).toMatchObject({ status: 'active', entry_date: '2026-11-30' });

      // Another school's office does not find it.
      const other = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      await other.client.get('/staff/roll');
      expect((await other.client.post(`/staff/roll/enrollments/${enrollment.id}/start`, { first_day: '2026-11-30' })).status).toBe(404);
    });

    it('ENR-3 a transfer between two schools of the district exits one and enters the other on consecutive days; an exit before the entry is refused', async () => {
      const both = await staffMember(t, ROLL.district, 'school_office', ['1001', '1002']);
      const { student, enrollment } = await enrolledStudent(t, { student: { last_name: 'Tapia' } });
      const url = `/staff/roll/enrollments/${enrollment.id}/transfer`;
      expect((await both.client.get(url)).status).toBe(200);
      const form = { to_school: ROLL.sunrise, exit_code: 'T160', entry_type: 'transfer', ...day('first', '2026-09-08') };
      const early = await both.client.post(url, form);
      refusedOn(early, 'first_date', 'The exit date cannot be before the entry date');
      expect(early.html).toMatch(/option value="lausd-sample:1002" selected/);
      expect((await enrollmentsOf(student.id)).map((e) => e.status)).toEqual(['active']);

      // Into a school not theirs: refused on the new school's field.
      const mine = await office.get(url);
      expect(mine.status).toBe(200);
      refusedOn(await office.post(url, { ...form, ...day('first', '2026-11-16') }), 'to_school', 'Choose one of your own schools.');

      const done = await both.client.post(url, { ...form, ...day('first', '2026-11-16') });
      expect(done.status).toBe(303);
      const rows = (await enrollmentsOf(student.id)).sort((a, b) => a.school_id.localeCompare(b.school_id));
      expect(rows.map((e) => [e.school_id, e.status, e.entry_date, e.exit_date, e.exit_code])).toEqual([
        [ROLL.elm, 'exited', '2026-09-08', '2026-11-15', 'T160'],
        [ROLL.sunrise, 'active', '2026-11-16', null, null],
      ]);
    });
  });
}
