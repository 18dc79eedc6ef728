import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD } from './support/parents.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';
import { staffMember } from './support/staff.js';
import { newId } from '../src/platform/ids.js';

/**
 * Taking attendance (issue 16 point 2): a teacher's roster of a period, everyone present by
 * default (ATT-1); the "attendance not submitted" report at fifteen minutes (ATT-1); what is
 * refused and what a correction keeps (ATT-7), through the pages as a teacher and the office use them.
 */
describe.each(databases)('taking attendance ($name)', ({ url }) => {
  let t: TestApp;
  /** Monday, December 7, 2026, 8:05 in Los Angeles: period 1 started at 8:00. */
  const MONDAY_0805 = '2026-12-07T16:05:00.000Z';
  const day = '2026-12-07';

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: MONDAY_0805 });
    await bellSchedule(t);
  });
  afterAll(async () => t?.close());

  const rosterPath = (sectionId: string, date = day) => `/staff/attendance/sections/${sectionId}/days/${date}`;
  const hidden = (html: string, name: string) => new RegExp(`name="${name}" value="([^"]*)"`).exec(html)?.[1] ?? '';
  const marksOf = async (sectionId: string) =>
    (await t.deps.db.selectFrom('attendance_marks').select(['student_id', 'code', 'minutes']).where('section_id', '=', sectionId).orderBy('code').execute()).map((m) => ({ ...m, minutes: m.minutes === null ? null : Number(m.minutes) }));
  const changesOf = (sectionId: string) =>
    t.deps.db.selectFrom('attendance_changes').select(['student_id', 'from_code', 'to_code', 'reason', 'paper_record', 'changed_by']).where('section_id', '=', sectionId).orderBy('changed_at').orderBy('id').execute();

  /** A teacher with a period-1 section of `n` students enrolled at Elm Street. */
  const classOf = async (n: number, period = '1') => {
    const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    const students = [];
    for (let i = 0; i < n; i++) students.push((await enrolledStudent(t)).student);
    const s = await section(t, { students: students.map((x) => x.id), teacherId: teacher.id, period });
    return { teacher, students, section: s };
  };

  /** Opens the roster and posts it with these marks; every student not named stays as the form had them (present). */
  const take = async (client: TestClient, sectionId: string, marks: Record<string, string>, extra: Record<string, string> = {}, date = day) => {
    const page = await client.get(rosterPath(sectionId, date));
    const form: Record<string, string> = { seen: hidden(page.html, 'seen'), _idem: hidden(page.html, '_idem') };
    for (const m of page.html.matchAll(/name="(mark-[^"]+)" value="([^"]+)" checked/g)) form[m[1]] = m[2];
    return client.post(rosterPath(sectionId, date), { ...form, ...marks, ...extra });
  };

  it('ATT-1 a teacher takes a period: everyone present by default, one absent, one tardy 12 minutes', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, students, section: s } = await classOf(3);
    const [ana, ben, eva] = students;
    const today = await teacher.client.get('/staff/attendance');
    expect(today.status).toBe(200);
    expect(textOf(today.html)).toContain('Not submitted');
    const page = await teacher.client.get(rosterPath(s.id));
    expect(page.status).toBe(200);
    // Every student's radios start at Present.
    for (const st of students) expect(page.html).toMatch(new RegExp(`name="mark-${st.id}" value="P" checked`));
    expect(textOf(page.html)).toContain('Submit attendance');
    const res = await take(teacher.client, s.id, { [`mark-${ben.id}`]: 'A', [`mark-${eva.id}`]: 'T', [`minutes-${eva.id}`]: '12' });
    expect(res.status).toBe(303);
    // The confirmation rides on the address (no session write beside the roster's commit).
    expect(res.location).toBe(`${rosterPath(s.id)}?done=0`);
    const after = await teacher.client.get(res.location!);
    expect(textOf(after.html)).toContain('Attendance submitted.');
    // A crafted address says nothing of a roster not submitted.
    const other = await classOf(1);
    const untaken = await other.teacher.client.get(`${rosterPath(other.section.id)}?done=0`);
    expect(untaken.status).toBe(200);
    expect(textOf(untaken.html)).not.toContain('Attendance submitted.');
    // The form in its corrected state: the marks recorded, the submission known.
    expect(after.html).toMatch(new RegExp(`name="mark-${ben.id}" value="A" checked`));
    expect(after.html).toMatch(new RegExp(`name="minutes-${eva.id}"[^>]*value="12"`));
    expect(hidden(after.html, 'seen')).not.toBe('');
    // Present by default writes nothing; the two marks are rows.
    expect(await marksOf(s.id)).toEqual([{ student_id: ben.id, code: 'A', minutes: null }, { student_id: eva.id, code: 'T', minutes: 12 }]);
    expect(await t.deps.db.selectFrom('attendance_marks').select('id').where('student_id', '=', ana.id).execute()).toEqual([]);
    expect(await t.deps.db.selectFrom('roster_submissions').select('submitted_by').where('section_id', '=', s.id).execute()).toEqual([{ submitted_by: `staff:${teacher.id}` }]);
    // PRV-2: the submit is on the record, with the section.
    const logged = await t.deps.db.selectFrom('audit_log').select(['detail']).where('staff_id', '=', teacher.id).where('action', '=', 'attendance.roster').where('entity_id', '=', s.id).execute();
    expect(logged.map((l) => JSON.parse(l.detail!))).toEqual(expect.arrayContaining([expect.objectContaining({ date: day, first: true, written: 2, changed: 0 })]));
    const todayAfter = await teacher.client.get('/staff/attendance');
    expect(textOf(todayAfter.html)).toMatch(/Submitted/);
  });

  it('ATT-1 the "not submitted" report lists a section once its period started more than 15 minutes ago, until its roster is submitted', async () => {
    t.clock.set('2026-12-07T16:00:00.000Z');
    const { teacher, section: s } = await classOf(1);
    const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    const report = () => office.client.get('/staff/attendance/not-submitted');
    t.clock.set('2026-12-07T16:14:00.000Z'); // 8:14
    let page = await report();
    expect(page.status).toBe(200);
    expect(page.html).not.toContain(s.code);
    t.clock.set('2026-12-07T16:16:00.000Z'); // 8:16
    page = await report();
    expect(page.html).toContain(s.code);
    expect(page.html).toContain(teacher.email);
    expect(textOf(page.html)).toContain('08:00');
    // A period that starts at 9:00 is not due yet; a section with nobody in it today has no roster to submit.
    const later = await classOf(1, '2');
    const empty = await classOf(0);
    page = await report();
    expect(page.html).not.toContain(later.section.code);
    expect(page.html).not.toContain(empty.section.code);
    expect(page.html).toContain(s.code);
    expect((await take(teacher.client, s.id, {})).status).toBe(303);
    page = await report();
    expect(page.html).not.toContain(s.code);
    // The report is listed for the office, not for a teacher, who is refused it (audited).
    expect((await office.client.get('/staff/reports')).html).toContain('/staff/attendance/not-submitted');
    expect((await teacher.client.get('/staff/attendance/not-submitted')).status).toBe(403);
    // A day without school says so.
    t.clock.set('2026-12-05T17:00:00.000Z'); // Saturday
    const weekend = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    expect(textOf((await weekend.client.get('/staff/attendance/not-submitted')).html)).toContain('is not a school day');
  });

  it('ATT-1 a district administrator reads the report for every school or one; a school in daily mode is due 15 minutes after its first period', async () => {
    // Sunrise Avenue takes attendance daily; its homeroom's period is not in the bell schedule: it starts with the first period.
    await bellSchedule(t, ROLL.sunrise, 'daily');
    t.clock.set('2026-12-07T16:10:00.000Z');
    const teacher = await staffMember(t, ROLL.district, 'teacher', ['1002']);
    const student = (await enrolledStudent(t, { schoolId: ROLL.sunrise })).student;
    const homeroom = await section(t, { schoolId: ROLL.sunrise, period: 'HR', teacherId: teacher.id, students: [student.id] });
    const admin = await staffMember(t, ROLL.district, 'district_admin');
    t.clock.set('2026-12-07T16:15:00.000Z'); // 8:15: exactly fifteen minutes, not more
    expect((await admin.client.get('/staff/attendance/not-submitted')).html).not.toContain(homeroom.code);
    t.clock.set('2026-12-07T16:15:30.000Z');
    const every = await admin.client.get('/staff/attendance/not-submitted');
    expect(every.status).toBe(200);
    expect(every.html).toContain(homeroom.code);
    expect(textOf(every.html)).toContain('Sunrise Avenue');
    expect((await admin.client.get(`/staff/attendance/not-submitted?school=${encodeURIComponent(ROLL.elm)}`)).html).not.toContain(homeroom.code);
    expect((await admin.client.get(`/staff/attendance/not-submitted?school=${encodeURIComponent(ROLL.sunrise)}`)).html).toContain(homeroom.code);
    // Elm Street's office does not see another school's sections, and another school is not found to it.
    const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    expect((await office.client.get('/staff/attendance/not-submitted')).html).not.toContain(homeroom.code);
    expect((await office.client.get(`/staff/attendance/not-submitted?school=${encodeURIComponent(ROLL.sunrise)}`)).status).toBe(404);
  });

  it("ATT-1 another teacher's section is not found, and the attempt is audited", async () => {
    t.clock.set(MONDAY_0805);
    const { section: s, students } = await classOf(1);
    const other = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    expect((await other.client.get(rosterPath(s.id))).status).toBe(404);
    await other.client.get('/staff/attendance');
    const posted = await other.client.post(rosterPath(s.id), { seen: '', [`mark-${students[0].id}`]: 'A' });
    expect(posted.status).toBe(404);
    const refused = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_type']).where('staff_id', '=', other.id).where('outcome', '=', 'refused').where('entity_id', '=', s.id).execute();
    expect(refused).toEqual([{ action: 'attendance.roster', entity_type: 'section' }, { action: 'attendance.roster', entity_type: 'section' }]);
    expect(await marksOf(s.id)).toEqual([]);
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toEqual([]);
  });

  it('ATT-1 a day without school and a day not come yet are refused, nothing written', async () => {
    t.clock.set(MONDAY_0805);
    const { section: s, students } = await classOf(1);
    const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    const saturday = await office.client.get(rosterPath(s.id, '2026-12-05'));
    expect(textOf(saturday.html)).toContain('is not a school day');
    await office.client.get(rosterPath(s.id));
    const res = await office.client.post(rosterPath(s.id, '2026-12-05'), { seen: '', [`mark-${students[0].id}`]: 'A', paperRecord: 'sheet' });
    expect(res.status).toBe(409);
    expect(textOf(res.html)).toContain('Saturday, December 5, 2026 is not a school day');
    const future = await office.client.post(rosterPath(s.id, '2026-12-08'), { seen: '', [`mark-${students[0].id}`]: 'A' });
    expect(future.status).toBe(409);
    expect(textOf(future.html)).toContain('has not come yet');
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toEqual([]);
  });

  it('ATT-1 a student not in the section that day is refused by name, and nothing is written', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(1);
    // In the section until Friday: no longer on Monday's roster.
    const left = (await enrolledStudent(t, { student: { first_name: 'Mateo', last_name: 'Ibarra' } })).student;
    await t.deps.db.insertInto('section_students').values({ id: newId(), section_id: s.id, student_id: left.id, school_id: ROLL.elm, from_date: '2026-09-08', to_date: '2026-12-04' }).execute();
    const res = await take(teacher.client, s.id, { [`mark-${students[0].id}`]: 'A', [`mark-${left.id}`]: 'A' });
    expect(res.status).toBe(400);
    expect(textOf(res.html)).toContain('Mateo Ibarra is not in this section on Monday, December 7, 2026');
    expect(await marksOf(s.id)).toEqual([]);
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toEqual([]);
  });

  it('ATT-7 two devices submit at once: the later one is accepted as one change, with the automatic reason', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(1);
    const [ana] = students;
    // Both forms opened before either was submitted.
    const phone = await teacher.client.get(rosterPath(s.id));
    const laptop = await teacher.client.get(rosterPath(s.id));
    expect(hidden(phone.html, 'seen')).toBe('');
    expect((await teacher.client.post(rosterPath(s.id), { seen: '', _idem: hidden(phone.html, '_idem'), [`mark-${ana.id}`]: 'A' })).status).toBe(303);
    t.clock.set('2026-12-07T16:06:00.000Z');
    const second = await teacher.client.post(rosterPath(s.id), { seen: '', _idem: hidden(laptop.html, '_idem'), [`mark-${ana.id}`]: 'T', [`minutes-${ana.id}`]: '5' });
    expect(second.status).toBe(303);
    expect(await marksOf(s.id)).toEqual([{ student_id: ana.id, code: 'T', minutes: 5 }]);
    expect(await changesOf(s.id)).toEqual([{ student_id: ana.id, from_code: 'A', to_code: 'T', reason: 'Submitted again from another device', paper_record: null, changed_by: `staff:${teacher.id}` }]);
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toHaveLength(1);
    // The page names the automatic reason in the reader's language.
    await teacher.client.get(`/language?to=es&next=${encodeURIComponent(rosterPath(s.id))}`);
    const es = textOf((await teacher.client.get(rosterPath(s.id))).html);
    expect(es).toContain('Entregada de nuevo desde otro dispositivo');
    expect(es).toContain('Entregar la asistencia');
    expect(es).toContain('Llegada tarde (T)');
    await teacher.client.get('/language?to=en&next=/staff/attendance');
  });

  it('ATT-7 two devices submitting at the same moment: both accepted, one submission, the later one change with the automatic reason', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(1);
    const [ana] = students;
    const phone = await teacher.client.get(rosterPath(s.id));
    const laptop = await teacher.client.get(rosterPath(s.id));
    const [a, b] = await Promise.all([
      teacher.client.post(rosterPath(s.id), { seen: '', _idem: hidden(phone.html, '_idem'), [`mark-${ana.id}`]: 'A' }),
      teacher.client.post(rosterPath(s.id), { seen: '', _idem: hidden(laptop.html, '_idem'), [`mark-${ana.id}`]: 'T', [`minutes-${ana.id}`]: '5' }),
    ]);
    expect([a.status, b.status]).toEqual([303, 303]);
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toHaveLength(1);
    const changes = await changesOf(s.id);
    expect(changes).toHaveLength(1);
    expect(changes[0].reason).toBe('Submitted again from another device');
    // The mark is the later one's, the earlier one's kept as the change's "before".
    const [mark] = await marksOf(s.id);
    expect(mark.code).toBe(changes[0].to_code);
    expect([changes[0].from_code, changes[0].to_code].sort()).toEqual(['A', 'T']);
  });

  it('ATT-7 a correction with no reason is refused with what was chosen kept; with a reason it is recorded and the original kept', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(2);
    const [ana, ben] = students;
    expect((await take(teacher.client, s.id, { [`mark-${ana.id}`]: 'A' })).status).toBe(303);
    const refused = await take(teacher.client, s.id, { [`mark-${ana.id}`]: 'T', [`minutes-${ana.id}`]: '20' });
    expect(refused.status).toBe(400);
    expect(textOf(refused.html)).toContain('Enter why the marks change.');
    expect(refused.html).toMatch(new RegExp(`name="mark-${ana.id}" value="T" checked`));
    expect(await marksOf(s.id)).toEqual([{ student_id: ana.id, code: 'A', minutes: null }]);
    expect(await changesOf(s.id)).toEqual([]);
    const done = await take(teacher.client, s.id, { [`mark-${ana.id}`]: 'T', [`minutes-${ana.id}`]: '20', [`mark-${ben.id}`]: 'A', reason: 'Came in with a pass from the nurse' });
    expect(done.status).toBe(303);
    expect(await marksOf(s.id)).toEqual([{ student_id: ben.id, code: 'A', minutes: null }, { student_id: ana.id, code: 'T', minutes: 20 }]);
    const changes = await changesOf(s.id);
    expect(changes).toEqual(expect.arrayContaining([
      { student_id: ana.id, from_code: 'A', to_code: 'T', reason: 'Came in with a pass from the nurse', paper_record: null, changed_by: `staff:${teacher.id}` },
      { student_id: ben.id, from_code: null, to_code: 'A', reason: 'Came in with a pass from the nurse', paper_record: null, changed_by: `staff:${teacher.id}` },
    ]));
    // Both marks, the original and the correction, are on the page.
    const page = textOf((await teacher.client.get(rosterPath(s.id))).html);
    expect(page).toContain('Came in with a pass from the nurse');
    expect(page).toContain('Absent, not excused (A)');
  });

  it('ATT-1 a teacher may not mark a code of the office nor give a tardy no minutes', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(2);
    const [ana, ben] = students;
    const res = await take(teacher.client, s.id, { [`mark-${ana.id}`]: 'IL', [`mark-${ben.id}`]: 'T', [`minutes-${ben.id}`]: '' });
    expect(res.status).toBe(400);
    const text = textOf(res.html);
    expect(text).toMatch(/You cannot mark .* with the code IL/);
    expect(text).toMatch(/Enter how many minutes late .* was, from 1 to 600/);
    // The office's codes are not offered to a teacher.
    expect(res.html).not.toContain('value="IL"');
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toEqual([]);
  });

  it('ATT-7 a teacher cannot take or change yesterday; the office changes it later on a paper record', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(1);
    const [ana] = students;
    expect((await take(teacher.client, s.id, { [`mark-${ana.id}`]: 'A' })).status).toBe(303);
    // Tuesday, 8:05.
    t.clock.set('2026-12-08T16:05:00.000Z');
    // A day later the session has timed out: the teacher signs in again.
    const tuesdayTeacher = new TestClient(t.app, '10.61.0.1');
    await tuesdayTeacher.get('/staff/sign-in');
    expect((await tuesdayTeacher.post('/staff/sign-in', { email: teacher.email, password: PASSWORD })).status).toBe(303);
    const page = await tuesdayTeacher.get(rosterPath(s.id));
    expect(textOf(page.html)).toContain('Teachers can take and correct only today');
    const res = await tuesdayTeacher.post(rosterPath(s.id), { seen: 'x', [`mark-${ana.id}`]: 'P', reason: 'wrong' });
    expect(res.status).toBe(409);
    expect(await marksOf(s.id)).toEqual([{ student_id: ana.id, code: 'A', minutes: null }]);
    // The teacher may not open the office's change of a mark either: "your role cannot".
    const markPath = `/staff/attendance/students/${ana.id}/marks/${s.id}/${day}`;
    expect((await tuesdayTeacher.get(markPath)).status).toBe(403);

    const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    const form = await office.client.get(markPath);
    expect(form.status).toBe(200);
    const missing = await office.client.post(markPath, { code: 'IL', minutes: '', reason: "Doctor's note", paperRecord: '' });
    expect(missing.status).toBe(400);
    expect(textOf(missing.html)).toContain('Enter the paper record this entry rests on');
    expect(missing.html).toMatch(/>Doctor(&#39;|')s note</);
    expect(await changesOf(s.id)).toEqual([]);
    const done = await office.client.post(markPath, { code: 'IL', minutes: '', reason: "Doctor's note", paperRecord: 'Note 2026-114' });
    expect(done.status).toBe(303);
    expect(await marksOf(s.id)).toEqual([{ student_id: ana.id, code: 'IL', minutes: null }]);
    expect(await changesOf(s.id)).toEqual([{ student_id: ana.id, from_code: 'A', to_code: 'IL', reason: "Doctor's note", paper_record: 'Note 2026-114', changed_by: `staff:${office.id}` }]);
    const history = textOf((await office.client.get(markPath)).html);
    expect(history).toContain('Note 2026-114');
    expect(history).toContain('Absent, not excused (A)');
    // PRV-2: the change is on the student's record.
    const logged = await t.deps.db.selectFrom('audit_log').select('detail').where('staff_id', '=', office.id).where('action', '=', 'attendance.mark').where('entity_type', '=', 'student').where('entity_id', '=', ana.id).execute();
    expect(logged.map((l) => JSON.parse(l.detail!))).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'A', to: 'IL', changed: true })]));
  });

  it('ATT-7 the office takes an earlier day\'s roster only on a paper record', async () => {
    t.clock.set(MONDAY_0805);
    const { section: s, students } = await classOf(1);
    const [ana] = students;
    const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    const friday = '2026-12-04';
    const missing = await take(office.client, s.id, { [`mark-${ana.id}`]: 'A' }, {}, friday);
    expect(missing.status).toBe(400);
    expect(textOf(missing.html)).toContain('Enter the paper record this entry rests on');
    expect(await t.deps.db.selectFrom('roster_submissions').select('date').where('section_id', '=', s.id).execute()).toEqual([]);
    const done = await take(office.client, s.id, { [`mark-${ana.id}`]: 'A' }, { paperRecord: 'Sign-in sheet, period 1' }, friday);
    expect(done.status).toBe(303);
    expect(await t.deps.db.selectFrom('attendance_marks').select(['code', 'date']).where('section_id', '=', s.id).execute()).toEqual([{ code: 'A', date: friday }]);
    // The submission keeps the paper record it rests on.
    expect(await t.deps.db.selectFrom('roster_submissions').select(['date', 'paper_record']).where('section_id', '=', s.id).execute()).toEqual([{ date: friday, paper_record: 'Sign-in sheet, period 1' }]);
    const logged = await t.deps.db.selectFrom('audit_log').select('detail').where('staff_id', '=', office.id).where('action', '=', 'attendance.roster').where('entity_id', '=', s.id).execute();
    expect(logged.map((l) => JSON.parse(l.detail!))).toEqual(expect.arrayContaining([expect.objectContaining({ date: friday, first: true, paperRecord: 'Sign-in sheet, period 1' })]));
  });

  it('ATT-1 a retried post (the same form sent twice) writes once', async () => {
    t.clock.set(MONDAY_0805);
    const { teacher, section: s, students } = await classOf(1);
    const [ana] = students;
    const page = await teacher.client.get(rosterPath(s.id));
    const form = { seen: '', _idem: hidden(page.html, '_idem'), [`mark-${ana.id}`]: 'A' };
    const first = await teacher.client.post(rosterPath(s.id), form);
    expect(first.status).toBe(303);
    // The retry carries the same key: the first answer again, nothing done twice — even with other marks in it.
    const again = await teacher.client.post(rosterPath(s.id), { ...form, [`mark-${ana.id}`]: 'T', [`minutes-${ana.id}`]: '3' });
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    expect(await marksOf(s.id)).toEqual([{ student_id: ana.id, code: 'A', minutes: null }]);
    expect(await changesOf(s.id)).toEqual([]);
    const submits = await t.deps.db.selectFrom('audit_log').select('detail').where('action', '=', 'attendance.roster').where('entity_id', '=', s.id).where('outcome', '=', 'allowed').execute();
    expect(submits.filter((l) => !JSON.parse(l.detail!).read)).toHaveLength(1);
  });
});
