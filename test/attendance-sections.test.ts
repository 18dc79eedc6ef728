import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule } from './support/attendance.js';
import { staffMember } from './support/staff.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import { Sections } from '../src/modules/attendance/sections.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import type { SessionStaff } from '../src/platform/http/sessions.js';

/**
 * Issue 16 point 1: a school's sections and their students, its bell schedule and mode, kept by
 * the school office (its schools) and district administrators, and imported from a CSV all or
 * nothing. Refusals of the input are on their fields; refusals of access are "not found" (another
 * school, another district, the permit office) or "your role cannot" (a teacher), each audited.
 */
describe.each(databases)('attendance sections ($name)', ({ url }) => {
  let t: TestApp;
  let office: { client: TestClient; id: string; email: string };
  let admin: { client: TestClient; id: string; email: string };
  let teacher: { client: TestClient; id: string; email: string };
  let sunriseTeacher: { client: TestClient; id: string; email: string };
  let missionTeacher: { client: TestClient; id: string; email: string };

  beforeAll(async () => {
    // Monday, December 7, 2026, 8:05 in Los Angeles.
    t = await makeTestApp({ dbUrl: url, now: '2026-12-07T16:05:00.000Z' });
    office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    admin = await staffMember(t, ROLL.district, 'district_admin');
    teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    sunriseTeacher = await staffMember(t, ROLL.district, 'teacher', ['1002']);
    missionTeacher = await staffMember(t, ROLL.district, 'teacher', ['2001']);
    // Elm Street: six periods from 8:00, period attendance. Mission: daily attendance.
    await bellSchedule(t, ROLL.elm, 'period');
    await bellSchedule(t, ROLL.mission, 'daily');
  });
  afterAll(async () => t?.close());

  const sectionByCode = (schoolId: string, code: string) => t.deps.db.selectFrom('sections').selectAll().where('school_id', '=', schoolId).where('code', '=', code).executeTakeFirst();
  const newSection = async (c: TestClient, form: Record<string, string>) => {
    await c.get(`/staff/attendance/sections/new?school=${encodeURIComponent(form.school)}`);
    return c.post('/staff/attendance/sections/new', { year: ROLL.year, ...form });
  };
  const audited = (staffId: string, action: string, outcome: 'allowed' | 'refused') =>
    t.deps.db.selectFrom('audit_log').select(['entity_type', 'entity_id', 'detail']).where('staff_id', '=', staffId).where('action', '=', action).where('outcome', '=', outcome).execute();

  it('the office sets a bell schedule and mode; an overlap and an end before its start are refused on their fields, nothing saved; the periods are kept in the order they start', async () => {
    const school = ROLL.figueroa;
    const form = (rows: string[][], mode = 'period') => {
      const f: Record<string, string> = { mode, rows: String(rows.length) };
      rows.forEach(([code, label, start, end], i) => Object.assign(f, { [`code_${i + 1}`]: code, [`label_${i + 1}`]: label, [`start_${i + 1}`]: start, [`end_${i + 1}`]: end }));
      return f;
    };
    const page = await admin.client.get(`/staff/attendance/schedule?school=${school}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Bell schedule and mode');
    const overlap = await admin.client.post(`/staff/attendance/schedule?school=${school}&year=${ROLL.year}`, form([['1', 'Period 1', '08:00', '08:50'], ['2', 'Period 2', '08:45', '09:35']]));
    expect(overlap.status).toBe(400);
    expect(textOf(overlap.html)).toContain('Period 2 starts before period 1 ends at 08:50. Periods cannot overlap.');
    expect(overlap.html).toContain('href="#field-start_2"');
    // What was typed is kept.
    expect(overlap.html).toMatch(/id="field-start_2"[^>]*value="08:45"/);
    const backwards = await admin.client.post(`/staff/attendance/schedule?school=${school}&year=${ROLL.year}`, form([['1', 'Period 1', '09:00', '08:10']]));
    expect(backwards.status).toBe(400);
    expect(textOf(backwards.html)).toContain('The period in row 1 must end after it starts.');
    expect(await t.deps.db.selectFrom('bell_periods').select('id').where('school_id', '=', school).execute()).toEqual([]);

    const saved = await admin.client.post(`/staff/attendance/schedule?school=${school}&year=${ROLL.year}`, form([['2', 'Period 2', '09:00', '09:50'], ['HR', 'Homeroom', '08:00', '08:15'], ['', '', '', ''], ['1', 'Period 1', '8:20', '08:55']], 'period'));
    expect(saved.status).toBe(303);
    const periods = await t.deps.db.selectFrom('bell_periods').select(['code', 'starts_at', 'ends_at', 'position']).where('school_id', '=', school).orderBy('position').execute();
    expect(periods).toEqual([
      { code: 'HR', starts_at: '08:00', ends_at: '08:15', position: 1 },
      { code: '1', starts_at: '08:20', ends_at: '08:55', position: 2 },
      { code: '2', starts_at: '09:00', ends_at: '09:50', position: 3 },
    ]);
    expect(await t.deps.db.selectFrom('attendance_schools').select('mode').where('school_id', '=', school).executeTakeFirst()).toEqual({ mode: 'period' });
    const entry = await audited(admin.id, 'attendance.schedule.set', 'allowed');
    expect(entry).toHaveLength(1);
    expect(entry[0].entity_id).toBe(school);
  });

  it('the office creates a section with a period of the schedule and a teacher of the school, then edits it; a code taken is refused', async () => {
    const created = await newSection(office.client, { school: ROLL.elm, code: 'ENG2-03', name: 'English 2', period: '3', teacher: teacher.id });
    expect(created.status).toBe(303);
    const row = await sectionByCode(ROLL.elm, 'ENG2-03');
    expect(row).toMatchObject({ name: 'English 2', period_code: '3', teacher_id: teacher.id, school_year: ROLL.year, district_id: ROLL.district });
    expect(created.location).toBe(`/staff/attendance/sections/${row!.id}`);
    const page = await office.client.follow(created);
    expect(textOf(page.html)).toContain('Section ENG2-03 is added.');

    const edited = await office.client.post(`/staff/attendance/sections/${row!.id}`, { code: 'ENG2-03', name: 'English 2 (honors)', period: '4', teacher: '' });
    expect(edited.status).toBe(303);
    expect(await sectionByCode(ROLL.elm, 'ENG2-03')).toMatchObject({ name: 'English 2 (honors)', period_code: '4', teacher_id: null });

    const twice = await newSection(office.client, { school: ROLL.elm, code: 'ENG2-03', name: 'Another', period: '1', teacher: '' });
    expect(twice.status).toBe(400);
    expect(textOf(twice.html)).toContain('Section ENG2-03 already exists at this school this year.');
    expect(twice.html).toMatch(/id="field-name"[^>]*value="Another"/);
    expect((await t.deps.db.selectFrom('sections').select('id').where('code', '=', 'ENG2-03').execute()).length).toBe(1);

    // The list shows it with its period's name and no teacher.
    const list = textOf((await office.client.get('/staff/attendance/sections')).html);
    expect(list).toContain('ENG2-03 English 2 (honors) Period 4 No teacher 0');
    expect((await audited(office.id, 'attendance.section.create', 'allowed')).map((e) => e.entity_id)).toEqual([row!.id]);
  });

  it('a period not in the school\'s bell schedule and a teacher of another school are refused on their fields, in English and Spanish; nothing is saved', async () => {
    const bad = await newSection(office.client, { school: ROLL.elm, code: 'SCI-1', name: 'Science', period: '9', teacher: sunriseTeacher.id });
    expect(bad.status).toBe(400);
    const text = textOf(bad.html);
    expect(text).toContain("Period 9 is not in this school's bell schedule. Its periods are: 1, 2, 3, 4, 5, 6.");
    expect(text).toContain('Choose a teacher given this school.');
    expect(bad.html).toContain('href="#field-period"');
    expect(bad.html).toContain('href="#field-teacher"');
    await office.client.get('/language?to=es&next=/staff/attendance/sections');
    const es = await newSection(office.client, { school: ROLL.elm, code: 'SCI-1', name: 'Science', period: '9', teacher: sunriseTeacher.id });
    expect(textOf(es.html)).toContain('El período 9 no está en el horario de timbres de esta escuela.');
    expect(textOf(es.html)).toContain('Elija un maestro asignado a esta escuela.');
    await office.client.get('/language?to=en&next=/staff/attendance/sections');
    expect(await sectionByCode(ROLL.elm, 'SCI-1')).toBeUndefined();
  });

  it('daily mode: a teacher has one homeroom — a second homeroom section for the same teacher is refused, and daily mode is refused while a teacher has two sections', async () => {
    expect((await newSection(admin.client, { school: ROLL.mission, code: 'HR-1', name: 'Homeroom 1', period: '1', teacher: missionTeacher.id })).status).toBe(303);
    const second = await newSection(admin.client, { school: ROLL.mission, code: 'HR-2', name: 'Homeroom 2', period: '1', teacher: missionTeacher.id });
    expect(second.status).toBe(400);
    expect(textOf(second.html)).toContain('In daily attendance a teacher has one homeroom. This teacher already has section HR-1.');
    expect(await sectionByCode(ROLL.mission, 'HR-2')).toBeUndefined();
    // Elm Street runs by period: a teacher with two sections there keeps it from daily mode.
    expect((await newSection(office.client, { school: ROLL.elm, code: 'MATH-1', name: 'Math 1', period: '1', teacher: teacher.id })).status).toBe(303);
    expect((await newSection(office.client, { school: ROLL.elm, code: 'MATH-2', name: 'Math 2', period: '2', teacher: teacher.id })).status).toBe(303);
    await office.client.get(`/staff/attendance/schedule?school=${ROLL.elm}`);
    const rows: Record<string, string> = { mode: 'daily', rows: '6' };
    for (let i = 1; i <= 6; i++) Object.assign(rows, { [`code_${i}`]: String(i), [`label_${i}`]: `Period ${i}`, [`start_${i}`]: `${String(7 + i).padStart(2, '0')}:00`, [`end_${i}`]: `${String(7 + i).padStart(2, '0')}:50` });
    const daily = await office.client.post(`/staff/attendance/schedule?school=${ROLL.elm}&year=${ROLL.year}`, rows);
    expect(daily.status).toBe(400);
    expect(textOf(daily.html)).toContain('has more than one section this year, so the school cannot take daily attendance.');
    expect(await t.deps.db.selectFrom('attendance_schools').select('mode').where('school_id', '=', ROLL.elm).executeTakeFirst()).toEqual({ mode: 'period' });
  });

  it('a student joins a section only when enrolled at the school; a membership ends on or after its first day, once, and is never deleted', async () => {
    const s = (await sectionByCode(ROLL.elm, 'MATH-1'))!;
    const elm = await enrolledStudent(t, { schoolId: ROLL.elm });
    const sunrise = await enrolledStudent(t, { schoolId: ROLL.sunrise });
    const paramount = await enrolledStudent(t, { schoolId: 'paramount-sample:101' });
    await office.client.get(`/staff/attendance/sections/${s.id}`);
    for (const other of [sunrise, paramount]) {
      const refused = await office.client.post(`/staff/attendance/sections/${s.id}/students`, { student: other.student.id, from: '2026-12-07' });
      expect(refused.status).toBe(400);
      expect(textOf(refused.html)).toContain('This student is not enrolled at this school this year on that day.');
    }
    const unknown = await office.client.post(`/staff/attendance/sections/${s.id}/students`, { student: 'SIS-NOBODY', from: '2026-12-07' });
    expect(textOf(unknown.html)).toContain('No student has this ID.');
    // Picked from the roll, from the day of entry.
    const page = await office.client.get(`/staff/attendance/sections/${s.id}`);
    expect(page.html).toContain(`<option value="${elm.student.id}"`);
    expect(page.html).not.toContain(`<option value="${sunrise.student.id}"`);
    const added = await office.client.post(`/staff/attendance/sections/${s.id}/students`, { pick: elm.student.id, student: '', from: '2026-09-08' });
    expect(added.status).toBe(303);
    const again = await office.client.post(`/staff/attendance/sections/${s.id}/students`, { pick: elm.student.id, from: '2026-10-01' });
    expect(again.status).toBe(400);
    expect(textOf(again.html)).toContain('The student is already in this section from Tuesday, September 8, 2026.');
    const m = await t.deps.db.selectFrom('section_students').selectAll().where('section_id', '=', s.id).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ student_id: elm.student.id, from_date: '2026-09-08', to_date: null, school_id: ROLL.elm });
    // Taking attendance reads the section's roster from these dates.
    const repo = attendanceContext(t.deps, new AuditLog(t.deps.db, t.deps.clock), new RollScope(t.deps.db), []).repo;
    expect((await repo.rosterOn(s, '2026-12-07')).map((x) => x.studentId)).toEqual([elm.student.id]);

    await office.client.get(`/staff/attendance/sections/${s.id}`);
    const before = await office.client.post(`/staff/attendance/sections/${s.id}/students/${m.id}/end`, { [`to_${m.id}`]: '2026-09-01' });
    expect(before.status).toBe(400);
    expect(textOf(before.html)).toContain('The last day must be on or after the first day, Tuesday, September 8, 2026.');
    expect(before.html).toContain(`href="#field-to_${m.id}"`);
    const ended = await office.client.post(`/staff/attendance/sections/${s.id}/students/${m.id}/end`, { [`to_${m.id}`]: '2026-12-04' });
    expect(ended.status).toBe(303);
    const twice = await office.client.post(`/staff/attendance/sections/${s.id}/students/${m.id}/end`, { [`to_${m.id}`]: '2026-12-05' });
    expect(twice.status).toBe(400);
    expect(await t.deps.db.selectFrom('section_students').select(['from_date', 'to_date']).where('section_id', '=', s.id).execute()).toEqual([{ from_date: '2026-09-08', to_date: '2026-12-04' }]);
    // The page still lists the student with both days; today's count leaves them out.
    const after = textOf((await office.client.get(`/staff/attendance/sections/${s.id}`)).html);
    expect(after).toContain('0 students are in this section today.');
    expect(after).toContain('Tuesday, September 8, 2026 Friday, December 4, 2026');
    expect((await audited(office.id, 'attendance.section.student.end', 'allowed')).map((e) => e.entity_id)).toEqual([elm.student.id]);
  });

  describe('the CSV import', () => {
    const csv = (lines: string[]) => ['section_code,section_name,period,teacher_email,student_source_id,from_date,to_date', ...lines].join('\n');
    const upload = async (c: TestClient, text: string, school = ROLL.sunrise) => {
      await c.get(`/staff/attendance/import?school=${school}`);
      return c.postMultipart(`/staff/attendance/import?school=${encodeURIComponent(school)}&year=${ROLL.year}`, {}, [{ field: 'file', filename: 'sections.csv', contentType: 'text/csv', data: Buffer.from(text) }]);
    };
    const stateAt = async (school: string) => ({
      sections: await t.deps.db.selectFrom('sections').select(['code', 'name', 'period_code', 'teacher_id']).where('school_id', '=', school).orderBy('code').execute(),
      members: await t.deps.db.selectFrom('section_students').innerJoin('sections', 'sections.id', 'section_students.section_id')
        .select(['sections.code', 'section_students.student_id', 'section_students.from_date', 'section_students.to_date']).where('sections.school_id', '=', school)
        .orderBy('sections.code').orderBy('section_students.student_id').orderBy('section_students.from_date').execute(),
    });
    let students: { id: string }[];

    beforeAll(async () => {
      await bellSchedule(t, ROLL.sunrise, 'period');
      students = [];
      for (let i = 1; i <= 3; i++) {
        const e = await enrolledStudent(t, { schoolId: ROLL.sunrise });
        await t.deps.db.insertInto('student_sources').values({ district_id: ROLL.district, source_id: `SIS-70${i}`, student_id: e.student.id, created_at: t.clock.now().toISOString() }).execute();
        students.push(e.student);
      }
    });

    const good = () => csv([
      `ENG2-03,English 2,3,${sunriseTeacher.email},SIS-701,2026-08-13,`,
      `ENG2-03,English 2,3,${sunriseTeacher.email},SIS-702,8/13/2026,2026-11-20`,
      // The product's own student id works as well.
      `HIST-1,History,4,,${'{id3}'},2026-09-08,`,
      'ART-1,Art,5,,,,',
    ]);

    it('a file with three bad lines names each with what is wrong, and imports nothing', async () => {
      const text = csv([
        `ENG2-03,English 2,3,${sunriseTeacher.email},SIS-701,2026-08-13,`,
        `ENG2-03,English 2,3,${sunriseTeacher.email},SIS-799,2026-08-13,`,
        `HIST-1,History,4,${teacher.email},SIS-702,2026-09-08,`,
        `ART-1,Art,9,,SIS-703,2026-09-08,2026-09-01`,
      ]);
      const r = await upload(admin.client, text);
      expect(r.status).toBe(400);
      const page = textOf(r.html);
      expect(page).toContain('Nothing was imported');
      expect(page).toContain('sections.csv has problems on 3 lines.');
      expect(page).toContain('Line 3: No student has the ID SIS-799.');
      expect(page).toContain(`Line 4: ${teacher.email} is not a teacher given this school.`);
      expect(page).toMatch(/Line 5: to_date \(.*\) is before from_date \(.*\)\. Period 9 is not in this school's bell schedule\./);
      expect(await stateAt(ROLL.sunrise)).toEqual({ sections: [], members: [] });
      const refused = await audited(admin.id, 'attendance.sections.import', 'allowed');
      expect(refused.map((e) => JSON.parse(e.detail!).result)).toEqual(['refused']);
    });

    it('a good file is imported whole; the same file again leaves the same state; a later file with a last day ends a membership', async () => {
      const text = good().replace('{id3}', students[2].id);
      const first = await upload(admin.client, text);
      expect(first.status).toBe(303);
      const flash = textOf((await admin.client.follow(first)).html);
      expect(flash).toContain('Imported: 3 sections added, 0 changed; 3 students added to sections, 0 given a last day; 0 already as in the file.');
      const state = await stateAt(ROLL.sunrise);
      expect(state.sections).toEqual([
        { code: 'ART-1', name: 'Art', period_code: '5', teacher_id: null },
        { code: 'ENG2-03', name: 'English 2', period_code: '3', teacher_id: sunriseTeacher.id },
        { code: 'HIST-1', name: 'History', period_code: '4', teacher_id: null },
      ]);
      expect(state.members).toHaveLength(3);
      expect(state.members.find((m) => m.student_id === students[1].id)).toMatchObject({ code: 'ENG2-03', from_date: '2026-08-13', to_date: '2026-11-20' });

      const second = await upload(admin.client, text);
      expect(second.status).toBe(303);
      expect(textOf((await admin.client.follow(second)).html)).toContain('Imported: 0 sections added, 0 changed; 0 students added to sections, 0 given a last day; 3 already as in the file.');
      expect(await stateAt(ROLL.sunrise)).toEqual(state);

      const later = await upload(admin.client, csv([`ENG2-03,English 2,3,${sunriseTeacher.email},SIS-701,2026-08-13,2026-12-04`]));
      expect(later.status).toBe(303);
      const now = await stateAt(ROLL.sunrise);
      expect(now.members.find((m) => m.student_id === students[0].id)).toMatchObject({ to_date: '2026-12-04' });
      expect(now.members).toHaveLength(3);
    });

    it('a file over 10 MB is refused on the file field without being imported', async () => {
      const before = await stateAt(ROLL.sunrise);
      const big = csv([`BIG-1,Big,5,,,,`]) + '\n' + 'x'.repeat(10 * 1024 * 1024);
      const r = await upload(admin.client, big);
      expect(r.status).toBe(400);
      expect(textOf(r.html)).toContain('The file is larger than 10 MB. Split it into smaller files.');
      expect(r.html).toContain('href="#field-file"');
      expect(await stateAt(ROLL.sunrise)).toEqual(before);
    });

    it('a line the same as an earlier one is refused with both line numbers named', async () => {
      const r = await upload(admin.client, csv([`ART-1,Art,5,,SIS-703,2026-09-08,`, `ART-1,Art,5,,SIS-703,2026-09-08,`]));
      expect(r.status).toBe(400);
      expect(textOf(r.html)).toContain('Line 3: The same student, section and first day as line 2.');
    });
  });

  it('PRV-1 PRV-2 a teacher is told their role cannot, the permit office and another district find nothing; each refusal audited; the service refuses without the route', async () => {
    const s = (await sectionByCode(ROLL.elm, 'MATH-1'))!;
    const clerk = await staffMember(t, ROLL.district, 'permit_staff');
    const pOffice = await staffMember(t, 'paramount-sample', 'school_office', ['101']);
    for (const path of ['/staff/attendance/sections', `/staff/attendance/sections/${s.id}`, '/staff/attendance/schedule', '/staff/attendance/import', '/staff/attendance/sections/new']) {
      expect((await teacher.client.get(path)).status, path).toBe(403);
      expect((await clerk.client.get(path)).status, path).toBe(404);
    }
    expect((await pOffice.client.get(`/staff/attendance/sections?school=${ROLL.elm}`)).status).toBe(404);
    expect((await pOffice.client.get(`/staff/attendance/sections/${s.id}`)).status).toBe(404);
    // The office of Elm Street does not reach Sunrise Avenue.
    expect((await office.client.get(`/staff/attendance/sections?school=${ROLL.sunrise}`)).status).toBe(404);
    await teacher.client.get('/staff/reports');
    const posted = await teacher.client.post(`/staff/attendance/sections/${s.id}`, { code: 'MATH-1', name: 'Taken over', period: '1', teacher: teacher.id });
    expect(posted.status).toBe(403);
    expect((await sectionByCode(ROLL.elm, 'MATH-1'))!.name).toBe('Math 1');
    expect((await audited(teacher.id, 'attendance.section.update', 'refused')).map((e) => JSON.parse(e.detail!).refusal)).toEqual(['forbidden']);
    expect((await audited(pOffice.id, 'attendance.section.view', 'refused')).map((e) => e.entity_id)).toEqual([s.id]);
    expect((await audited(clerk.id, 'attendance.sections.view', 'refused'))).toHaveLength(1);

    // The service checks who may, whatever route calls it.
    const sections = new Sections(attendanceContext(t.deps, new AuditLog(t.deps.db, t.deps.clock), new RollScope(t.deps.db), []));
    const asTeacher: SessionStaff = { id: teacher.id, role: 'teacher', districtId: ROLL.district, email: teacher.email, firstName: 'Permit', lastName: 'Clerk' } as SessionStaff;
    const r = await sections.create(asTeacher, ROLL.elm, ROLL.year, { code: 'X-1', name: 'X', period: '1', teacher: '' }, '127.0.0.1');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problem.code).toBe('forbidden');
    expect(await sectionByCode(ROLL.elm, 'X-1')).toBeUndefined();
  });
});
