import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { ROLL } from './support/roll.js';
import { staffMember } from './support/staff.js';
import { checkFile, importDate } from '../src/modules/enrollment/roll-import.js';
import { EnrollmentRefusal, enrollManyIn } from '../src/modules/enrollment/roll.js';
import { refusable } from '../src/platform/db/refuse.js';
import { buildStudent } from './support/parents.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1 = '2026-12-01T18:00:00Z';
const HEADER = 'source_student_id,first_name,last_name,date_of_birth,address_line1,city,state,zip,school_code,grade,school_year,entry_type,status,entry_date,expected_first_day';
const csv = (...rows: string[]) => [HEADER, ...rows].join('\r\n') + '\r\n';
/** A row of the file; `over` changes columns by name. */
const row = (id: string, first: string, over: Partial<Record<string, string>> = {}) => {
  const v: Record<string, string> = {
    source_student_id: id, first_name: first, last_name: 'Ortega', date_of_birth: '2018-04-09', address_line1: '1200 Elm Street', city: 'Los Angeles', state: 'CA', zip: '90011',
    school_code: '1001', grade: '2', school_year: ROLL.year, entry_type: 'next-year', status: 'active', entry_date: '2026-08-13', expected_first_day: '', ...over,
  };
  return HEADER.split(',').map((c) => v[c]).join(',');
};

for (const db of databases) {
  describe(`roll import (${db.name})`, () => {
    let t: TestApp;
    let office: Awaited<ReturnType<typeof staffMember>>;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1 });
      office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    });
    afterAll(() => t.close());

    const upload = async (c: TestClient, text: string, name = 'enrollments.csv') => {
      await c.get('/staff/roll/import');
      return c.postMultipart('/staff/roll/import', {}, [{ field: 'file', filename: name, contentType: 'text/csv', data: Buffer.from(text) }]);
    };
    /** The enrollments of students by these last names, with their student. */
    const imported = (lastName: string) =>
      t.deps.db
        .selectFrom('enrollments')
        .innerJoin('students', 'students.id', 'enrollments.student_id')
        .select(['students.first_name', 'students.account_id', 'students.date_of_birth', 'enrollments.id', 'enrollments.school_id', 'enrollments.grade', 'enrollments.status', 'enrollments.entry_type', 'enrollments.entry_date', 'enrollments.expected_first_day'])
        .where('students.last_name', '=', lastName)
        .orderBy('students.first_name')
        .execute();
    const studentsNamed = async (lastName: string) => Number((await t.deps.db.selectFrom('students').select((eb) => eb.fn.countAll<number>().as('n')).where('last_name', '=', lastName).executeTakeFirst())?.n);

    it('the office imports its school\'s existing enrollments: students with no family account, active and pre-enrolled, each entry in the history', async () => {
      const file = csv(row('SIS-1', 'Ana'), row('SIS-2', 'Mateo', { grade: 'k', entry_type: 'new', status: 'pre_enrolled', entry_date: '', expected_first_day: '2026-12-07', date_of_birth: '1/15/2021' }));
      const res = await upload(office.client, file);
      expect(res.status).toBe(303);
      expect(textOf((await office.client.follow(res)).html)).toContain('2 enrollments imported. 0 already on the roll');
      expect(await imported('Ortega')).toEqual([
        expect.objectContaining({ first_name: 'Ana', account_id: null, school_id: ROLL.elm, grade: '2', status: 'active', entry_type: 'next-year', entry_date: '2026-08-13', expected_first_day: null }),
        expect.objectContaining({ first_name: 'Mateo', account_id: null, date_of_birth: '2021-01-15', grade: 'K', status: 'pre_enrolled', entry_type: 'new', entry_date: null, expected_first_day: '2026-12-07' }),
      ]);
      const events = await t.deps.db
        .selectFrom('enrollment_events')
        .innerJoin('enrollments', 'enrollments.id', 'enrollment_events.enrollment_id')
        .innerJoin('students', 'students.id', 'enrollments.student_id')
        .select(['enrollment_events.actor', 'enrollment_events.what', 'enrollment_events.note'])
        .where('students.last_name', '=', 'Ortega')
        .orderBy('enrollment_events.note')
        .execute();
      expect(events).toEqual([
        { actor: `staff:${office.id}`, what: 'enrolled', note: 'import SIS-1' },
        { actor: `staff:${office.id}`, what: 'enrolled', note: 'import SIS-2' },
      ]);
      // PRV-2: the import is on the record.
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'detail']).where('staff_id', '=', office.id).where('action', '=', 'roll.import').execute();
      expect(audit.map((a) => JSON.parse(a.detail!))).toEqual([expect.objectContaining({ result: 'imported', rows: 2, enrolled: 2, already: 0 })]);

      // Re-importing the same file adds nothing.
      const again = await upload(office.client, file);
      expect(again.status).toBe(303);
      expect(textOf((await office.client.follow(again)).html)).toContain('0 enrollments imported. 2 already on the roll');
      expect(await studentsNamed('Ortega')).toBe(2);
      expect(await imported('Ortega')).toHaveLength(2);

      // The source system's identifier finds the student, whatever the name says now: Ana's name
      // corrected in the source system is still Ana, already on the roll — not a second student.
      const corrected = await upload(office.client, csv(row('SIS-1', 'Ana María')));
      expect(corrected.status).toBe(303);
      expect(textOf((await office.client.follow(corrected)).html)).toContain('0 enrollments imported. 1 already on the roll');
      expect(await studentsNamed('Ortega')).toBe(2);
      expect(await t.deps.db.selectFrom('student_sources').select(['source_id']).where('district_id', '=', ROLL.district).where('source_id', 'in', ['SIS-1', 'SIS-2']).orderBy('source_id').execute()).toEqual([{ source_id: 'SIS-1' }, { source_id: 'SIS-2' }]);
    });

    it('a file with one bad row imports nothing and names the line, in the reader\'s language, the counts unchanged', async () => {
      const file = csv(row('SIS-10', 'Lucía', { last_name: 'Rivas' }), row('SIS-11', 'Diego', { last_name: 'Rivas', grade: '7' }), row('SIS-12', 'Sofía', { last_name: 'Rivas' }));
      const res = await upload(office.client, file, 'rivas.csv');
      expect(res.status).toBe(400);
      const text = textOf(res.html);
      expect(text).toContain('Nothing was imported');
      expect(text).toContain('rivas.csv has a problem on 1 line.');
      expect(text).toContain('Line 3: Elm Street Elementary does not serve grade 7.');
      expect(text).not.toContain('Line 2:');
      expect(await studentsNamed('Rivas')).toBe(0);

      const es = await office.client.get('/staff/roll/import?lang=es');
      expect(es.status).toBe(200);
      const res2 = await upload(office.client, csv(row('SIS-13', 'Lucía', { last_name: 'Rivas', date_of_birth: '2018-02-30', state: 'California' })), 'rivas.csv');
      expect(res2.status).toBe(400);
      const text2 = textOf(res2.html);
      expect(text2).toContain('No se importó nada');
      expect(text2).toContain('Línea 2: date_of_birth «2018-02-30» no es una fecha.');
      expect(text2).toContain('state «CALIFORNIA» debe ser de dos letras');
      await office.client.get('/staff/roll/import?lang=en');
      expect(await studentsNamed('Rivas')).toBe(0);
    });

    it('WDR-4 an entry type that is not the district\'s is refused on its line, with the district\'s codes', async () => {
      const res = await upload(office.client, csv(row('SIS-20', 'Elena', { last_name: 'Vega', entry_type: 'walk-in' }), row('SIS-21', 'Pablo', { last_name: 'Vega' })));
      expect(res.status).toBe(400);
      const text = textOf(res.html);
      expect(text).toContain('Line 2: entry_type "walk-in" is not one of the district\'s entry types (new, next-year, transfer,');
      // A value echoed back is text, and formula-safe.
      const formula = await upload(office.client, csv(row('SIS-22', 'Elena', { last_name: 'Vega', entry_type: '=HYPERLINK("http://x.example")' })));
      expect(textOf(formula.html)).toContain('entry_type "\'=HYPERLINK("http://x.example")" is not one of');
      expect(await studentsNamed('Vega')).toBe(0);
    });

    it('PRV-1 an office imports only into its own schools; a district administrator into any of the district; a teacher not at all', async () => {
      const file = csv(row('SIS-30', 'Irene', { last_name: 'Soto' }), row('SIS-31', 'Tomás', { last_name: 'Soto', school_code: '1002' }));
      const res = await upload(office.client, file);
      expect(res.status).toBe(400);
      expect(textOf(res.html)).toContain('Line 3: school_code 1002 is not one of your schools.');
      expect(await studentsNamed('Soto')).toBe(0);
      // A school the district does not have.
      const unknown = await upload(office.client, csv(row('SIS-32', 'Irene', { last_name: 'Soto', school_code: '9999' })));
      expect(textOf(unknown.html)).toContain('Line 2: school_code "9999" is not a school of this district.');

      const admin = await staffMember(t, ROLL.district, 'district_admin');
      const ok = await upload(admin.client, file);
      expect(ok.status).toBe(303);
      expect((await imported('Soto')).map((e) => e.school_id)).toEqual([ROLL.elm, ROLL.sunrise]);

      // Another district's administrator: the codes are Los Angeles' schools, not theirs.
      const paramount = await staffMember(t, 'paramount-sample', 'district_admin');
      const other = await upload(paramount.client, csv(row('SIS-33', 'Irene', { last_name: 'Soto', entry_date: '2026-09-01' })));
      expect(other.status).toBe(400);
      expect(textOf(other.html)).toContain('school_code "1001" is not a school of this district.');

      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      expect((await teacher.client.get('/staff/roll/import')).status).toBe(403);
      const refused = await teacher.client.postMultipart('/staff/roll/import', {}, [{ field: 'file', filename: 'x.csv', contentType: 'text/csv', data: Buffer.from(file) }]);
      expect(refused.status).toBe(403);
      expect(await studentsNamed('Soto')).toBe(2);
      expect(await t.deps.db.selectFrom('audit_log').select(['action', 'outcome']).where('staff_id', '=', teacher.id).execute()).toEqual(
        expect.arrayContaining([{ action: 'roll.import', outcome: 'refused' }]),
      );
    });

    it('a file without the token, without a file, or with a broken header is refused with nothing written', async () => {
      const forged = await office.client.postMultipart('/staff/roll/import', { _csrf: 'forged' }, [{ field: 'file', filename: 'a.csv', contentType: 'text/csv', data: Buffer.from(csv(row('SIS-40', 'Rosa', { last_name: 'Mora' }))) }]);
      expect(forged.status).toBe(403);
      await office.client.get('/staff/roll/import');
      const none = await office.client.postMultipart('/staff/roll/import', {}, [{ field: 'file', filename: '', contentType: 'application/octet-stream', data: Buffer.alloc(0) }]);
      expect(none.status).toBe(400);
      expect(textOf(none.html)).toContain('Choose a CSV file to import.');
      const header = await upload(office.client, 'source_student_id,first_name\r\nSIS-41,Rosa\r\n');
      expect(header.status).toBe(400);
      expect(textOf(header.html)).toContain('Line 1: The first line must name the columns. It is missing last_name, date_of_birth');
      expect(await studentsNamed('Mora')).toBe(0);
    });
  });
}

describe('roll import checks (no writes)', () => {
  it('ENR-1 enrollManyIn refuses one enrollment by its index, and the caller\'s transaction keeps none', async () => {
    const t = await makeTestApp({ now: DEC_1 });
    try {
      const ana = await buildStudent(t, null as unknown as string, { account_id: null, first_name: 'Ana', last_name: 'Quintero' });
      const luis = await buildStudent(t, null as unknown as string, { account_id: null, first_name: 'Luis', last_name: 'Quintero' });
      const base = { schoolId: ROLL.elm, schoolYear: ROLL.year, entryType: 'new', entryDate: '2026-09-08' };
      const r = await refusable(() =>
        t.deps.db.transaction().execute(async (trx) => {
          try {
            return await enrollManyIn(trx, t.deps, 'staff:test', [{ ...base, studentId: ana.id, grade: '2' }, { ...base, studentId: luis.id, grade: '7' }]);
          } catch (e) {
            if (e instanceof EnrollmentRefusal) expect(e.index).toBe(1);
            throw e;
          }
        }),
      );
      expect(r).toMatchObject({ ok: false, problem: { code: 'enrollment.grade-not-served' } });
      expect(await t.deps.db.selectFrom('enrollments').select('id').where('student_id', 'in', [ana.id, luis.id]).execute()).toEqual([]);
      // Twice the same student active at a primary school, in one batch: the second is refused.
      const twice = await refusable(() => t.deps.db.transaction().execute((trx) => enrollManyIn(trx, t.deps, 'staff:test', [{ ...base, studentId: ana.id, grade: '2' }, { ...base, studentId: ana.id, grade: '2', schoolId: ROLL.sunrise }])));
      expect(twice).toMatchObject({ ok: false, problem: { code: 'enrollment.second-active-primary' } });
      const ok = await refusable(() => t.deps.db.transaction().execute((trx) => enrollManyIn(trx, t.deps, 'staff:test', [{ ...base, studentId: ana.id, grade: '2' }, { ...base, studentId: luis.id, grade: '3' }])));
      expect(ok.ok && ok.value.map((e) => [e.status, e.grade])).toEqual([['active', '2'], ['active', '3']]);
    } finally {
      await t.close();
    }
  });


  it('dates as a spreadsheet writes them, and only real ones', () => {
    expect(importDate('2018-04-09')).toBe('2018-04-09');
    expect(importDate('4/9/2018')).toBe('2018-04-09');
    expect(importDate('2018-02-30')).toBeUndefined();
    expect(importDate('13/1/2018')).toBeUndefined();
  });

  it('the same source identifier twice, or the same student twice at one school and year, names both lines', async () => {
    const t = await makeTestApp({ now: DEC_1 });
    try {
      const scope = { district: t.deps.districts.get(ROLL.district)!, schools: null, today: '2026-12-01' };
      const r = checkFile(csv(row('A', 'Ana'), row('A', 'Luis'), row('B', 'Ana')), scope);
      expect(r).toEqual({
        ok: false,
        badLines: 2,
        lines: [
          { line: 3, problems: [{ key: 'roll-import.errors.idTwice', params: { id: 'A', line: 2 } }] },
          { line: 4, problems: [{ key: 'roll-import.errors.studentTwice', params: { line: 2 } }] },
        ],
      });
    } finally {
      await t.close();
    }
  });
});
