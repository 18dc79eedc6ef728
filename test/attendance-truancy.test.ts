import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type TestClient } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { newId } from '../src/platform/ids.js';
import { pdfText } from './support/pdf.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';
import { bellSchedule, section } from './support/attendance.js';
import { attendanceContext } from '../src/modules/attendance/context.js';
import type { AttendanceMarks } from '../src/modules/attendance/marks.js';
import { truancyAfterTotals } from '../src/modules/attendance/truancy.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import type { DistrictConfig } from '../src/modules/districts/config-schema.js';
import type { SectionsTable } from '../src/platform/db/schema.js';

/**
 * Truancy (issue 16 point 8; ATT-5, ATT-8; EC 48260, 48260.5, 48261, 48262): the truant days a
 * student's marks add up to, the first notification sent by itself and once in the family's
 * language, the next ones proposed on the office's worklist and sent by it once, the letter and
 * what the law makes it say, conferences and referrals, and who may see and do any of it.
 *
 * Marks are written through the one writer of marks with the truancy hook, as module.ts builds it.
 */
/** Monday, December 7, 2026, 08:05 in Los Angeles; the school days before it are the truant days. */
const NOW = '2026-12-07T16:05:00.000Z';
const DAYS = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-07'];

describe.each(databases)('truancy ($name)', ({ url }) => {
  let t: TestApp;
  let marks: AttendanceMarks;
  let district: DistrictConfig;
  let office: { client: TestClient; id: string };
  let teacher: { client: TestClient; id: string };
  let sunriseOffice: { client: TestClient; id: string };
  let paramountOffice: { client: TestClient; id: string };

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now: NOW });
    district = t.deps.districts.get(ROLL.district)!;
    marks = attendanceContext(t.deps, new AuditLog(t.deps.db, t.clock), new RollScope(t.deps.db), [truancyAfterTotals(t.deps)]).marks;
    await bellSchedule(t);
    office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
    teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    sunriseOffice = await staffMember(t, ROLL.district, 'school_office', ['1002']);
    paramountOffice = await staffMember(t, 'paramount-sample', 'school_office', ['101']);
  });
  afterAll(async () => t?.close());

  /** One mark on a section's day, as a roster submit (the first) or a change (after). */
  const mark = (s: SectionsTable, studentId: string, date: string, code: string, minutes: number | null = null) =>
    t.deps.db.transaction().execute(async (trx) => {
      const before = await trx.selectFrom('roster_submissions').select('section_id').where('section_id', '=', s.id).where('date', '=', date).executeTakeFirst();
      if (!before) await marks.writeRoster(trx, { district, section: s, date, by: 'staff:teacher', at: NOW, entries: [{ studentId, code, minutes }], reason: null });
      else await marks.changeMark(trx, { district, section: s, studentId, date, code, minutes, by: 'staff:office', at: NOW, reason: 'corrected from the sign-in sheet' });
    });
  const totals = async (studentId: string) => (await t.deps.db.selectFrom('attendance_totals').select('truant_days').where('student_id', '=', studentId).executeTakeFirst())?.truant_days ?? 0;
  const notices = (studentId: string) => t.deps.db.selectFrom('truancy_notices').selectAll().where('student_id', '=', studentId).orderBy('number').execute();
  const emails = (studentId: string) => t.deps.db.selectFrom('outbox').select(['subject', 'language', 'to_address', 'text_body', 'dedupe_key']).where('dedupe_key', 'like', 'truancy-notice:%').where('text_body', 'like', `%/students/${studentId}/%`).orderBy('created_at').execute();

  /** A student of Elm Street in periods 1 and 2, linked to `accountId` (or to no account). */
  const truantToBe = async (accountId: string | null, name = 'Mateo') => {
    const { student } = await enrolledStudent(t, { accountId, student: { first_name: name, last_name: 'López' } });
    const p1 = await section(t, { students: [student.id], period: '1' });
    const p2 = await section(t, { students: [student.id], period: '2' });
    return { student, p1, p2 };
  };
  /** Three truant days (an unexcused absence from period 1 on each of the first three days): the first notification. */
  const threeTruantDays = async (s: SectionsTable, studentId: string) => {
    for (const d of DAYS.slice(0, 3)) await mark(s, studentId, d, 'A');
  };

  it('ATT-8 a tardy of 30 minutes is not a truant day and one of 31 is; full days and period absences add up to three, and only then the first notification', async () => {
    const { student, p1, p2 } = await truantToBe(null);
    await mark(p1, student.id, DAYS[0], 'T', 30);
    expect(await totals(student.id)).toBe(0);
    await mark(p1, student.id, DAYS[1], 'T', 31);
    expect(await totals(student.id)).toBe(1);
    // A whole day absent (both periods): one truant day, not two.
    await mark(p1, student.id, DAYS[2], 'A');
    await mark(p2, student.id, DAYS[2], 'A');
    expect(await totals(student.id)).toBe(2);
    await mark(p2, student.id, DAYS[3], 'T', 30);
    expect(await totals(student.id)).toBe(2);
    expect(await notices(student.id)).toEqual([]);
    // The third truant day: an unexcused absence from a 50-minute period.
    await mark(p2, student.id, DAYS[4], 'A');
    expect(await totals(student.id)).toBe(3);
    const [first, ...more] = await notices(student.id);
    expect(more).toEqual([]);
    expect(first).toMatchObject({ number: 1, status: 'sent', truant_days: 3, school_id: ROLL.elm, school_year: ROLL.year, sent_by: 'system' });
  });

  it('ATT-5 the first notification is sent once, automatically, in the family\'s language (Spanish), never twice: not for a fourth mark of the same day, nor for a change back and forth; excusing a day later does not unsend it', async () => {
    const parent = await signedInParent(t, { language: 'es', first_name: 'Ana', last_name: 'López' });
    const { student, p1, p2 } = await truantToBe(parent.user.id);
    await threeTruantDays(p1, student.id);
    let sent = await notices(student.id);
    expect(sent.map((n) => [n.number, n.status, n.language])).toEqual([[1, 'sent', 'es']]);
    let mail = await emails(student.id);
    expect(mail).toHaveLength(1);
    expect(mail[0]).toMatchObject({ subject: 'Notificación de ausentismo injustificado 1 sobre Mateo', language: 'es', to_address: parent.user.email });
    expect(mail[0].text_body).toContain(`/students/${student.id}/attendance/letters/${sent[0].id}.pdf`);

    // A fourth mark of the same (third) day: the day was already truant.
    await mark(p2, student.id, DAYS[2], 'A');
    // The third day excused, then unexcused again: two, then three truant days.
    for (const s of [p1, p2]) await mark(s, student.id, DAYS[2], 'IL');
    expect(await totals(student.id)).toBe(2);
    for (const s of [p1, p2]) await mark(s, student.id, DAYS[2], 'A');
    expect(await totals(student.id)).toBe(3);
    // Excused again later: the notification stays sent.
    for (const s of [p1, p2]) await mark(s, student.id, DAYS[2], 'IL');
    sent = await notices(student.id);
    expect(sent.map((n) => [n.number, n.status])).toEqual([[1, 'sent']]);
    mail = await emails(student.id);
    expect(mail).toHaveLength(1);

    // The parent reads it on the child's page, in Spanish, and opens the letter.
    await parent.client.get('/language?to=es&next=/account');
    const page = await parent.client.get(`/students/${student.id}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain('Notificaciones de ausentismo injustificado');
    expect(page.html).toContain(`/students/${student.id}/attendance/letters/${sent[0].id}.pdf`);
    const letter = await parent.client.get(`/students/${student.id}/attendance/letters/${sent[0].id}.pdf`);
    expect(letter.status).toBe(200);
    expect(letter.headers['content-type']).toBe('application/pdf');
    const text = await pdfText(letter.body);
    expect(text).toContain('Notificación de ausentismo injustificado 1');
    expect(text).toContain('Mateo López');
    expect(text).toContain('48260.5');
    expect(text).not.toContain('Truancy notification');

    // Another family's parent: not found (PRV-1).
    const other = await signedInParent(t);
    expect((await other.client.get(`/students/${student.id}/attendance/letters/${sent[0].id}.pdf`)).status).toBe(404);
  });

  it('ATT-5 the letter says what EC 48260.5 requires, in English for an English account; the office\'s copy is audited', async () => {
    const parent = await signedInParent(t, { language: 'en' });
    const { student, p1 } = await truantToBe(parent.user.id, 'Lucas');
    await threeTruantDays(p1, student.id);
    const [notice] = await notices(student.id);
    const res = await office.client.get(`/staff/attendance/truancy/${notice.id}/letter.pdf`);
    expect(res.status).toBe(200);
    const text = await pdfText(res.body);
    for (const said of [
      'Truancy notification 1',
      'is classified as truant',
      'are obligated to compel the attendance of Lucas López at school',
      'may be guilty of an infraction',
      'Alternative educational programs are available',
      'right to meet with appropriate school personnel to discuss solutions',
      'may be subject to prosecution',
      'suspension, restriction, or delay of driving privileges',
      'accompany Lucas López to school and attend classes with Lucas López for one day',
    ]) expect(text, said).toContain(said);
    const mail = await emails(student.id);
    expect(mail.map((m) => m.subject)).toEqual(['Truancy notification 1 for Lucas']);
    // The office may print it in Spanish for a family that reads Spanish.
    const es = await pdfText((await office.client.get(`/staff/attendance/truancy/${notice.id}/letter.pdf?language=es`)).body);
    expect(es).toContain('Se le recomienda acompañar a Lucas López a la escuela');
    const audit = await t.deps.db.selectFrom('audit_log').select(['outcome', 'entity_type', 'entity_id']).where('staff_id', '=', office.id).where('action', '=', 'attendance.truancy.letter').execute();
    expect(audit).toEqual([
      { outcome: 'allowed', entity_type: 'student', entity_id: student.id },
      { outcome: 'allowed', entity_type: 'student', entity_id: student.id },
    ]);
  });

  it('ATT-5 the next truant day proposes notification 2; the office sends it once (a second send is refused, nothing doubled); three notifications and a conference flag the student for SARB', async () => {
    const parent = await signedInParent(t, { language: 'en' });
    const { student, p1 } = await truantToBe(parent.user.id, 'Sofía');
    await threeTruantDays(p1, student.id);
    await mark(p1, student.id, DAYS[3], 'A');
    let rows = await notices(student.id);
    expect(rows.map((n) => [n.number, n.status, n.truant_days])).toEqual([[1, 'sent', 3], [2, 'proposed', 4]]);
    // A further truant day while 2 waits: nothing more is proposed.
    await mark(p1, student.id, DAYS[4], 'A');
    expect((await notices(student.id)).length).toBe(2);

    let list = await office.client.get('/staff/attendance/truancy');
    expect(list.status).toBe(200);
    const proposed = /<h2 id="proposed-heading">[\s\S]*?<h2 id="habitual-heading">/.exec(list.html)![0];
    expect(textOf(proposed)).toContain('Sofía López');
    expect(proposed).toContain(`action="/staff/attendance/truancy/${rows[1].id}/send"`);

    const send = await office.client.post(`/staff/attendance/truancy/${rows[1].id}/send`, {});
    expect(send.status).toBe(303);
    rows = await notices(student.id);
    expect(rows[1]).toMatchObject({ status: 'sent', sent_by: `staff:${office.id}`, truant_days: 5 });
    expect((await emails(student.id)).map((m) => m.subject)).toEqual(['Truancy notification 1 for Sofía', 'Truancy notification 2 for Sofía']);

    await office.client.get('/staff/attendance/truancy');
    const again = await office.client.post(`/staff/attendance/truancy/${rows[1].id}/send`, {});
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain('Truancy notification 2 was already sent. It is sent only once');
    expect((await emails(student.id)).length).toBe(2);
    expect((await notices(student.id)).length).toBe(2);

    // The next truant day proposes the third; sent, the student has three notifications.
    await mark(p1, student.id, DAYS[5], 'A');
    rows = await notices(student.id);
    expect(rows.map((n) => [n.number, n.status])).toEqual([[1, 'sent'], [2, 'sent'], [3, 'proposed']]);
    await office.client.get('/staff/attendance/truancy');
    expect((await office.client.post(`/staff/attendance/truancy/${rows[2].id}/send`, {})).status).toBe(303);
    list = await office.client.get('/staff/attendance/truancy');
    const habitualBefore = /<h2 id="habitual-heading">[\s\S]*?<h2 id="notified-heading">/.exec(list.html)![0];
    expect(textOf(habitualBefore)).not.toContain('Sofía López');

    // ATT-5, EC 48262: a conference recorded makes three notifications a habitual truancy, flagged for SARB.
    const form = await office.client.get(`/staff/attendance/students/${student.id}/referrals`);
    expect(form.status).toBe(200);
    const recorded = await office.client.post(`/staff/attendance/students/${student.id}/referrals`, { kind: 'conference', held_on: '2026-12-04', participants: 'Ana López (mother), Sofía, the counselor', outcome: 'Agreed on a morning check-in' });
    expect(recorded.status).toBe(303);
    const shown = await office.client.follow(recorded);
    expect(textOf(shown.html)).toContain('Agreed on a morning check-in');
    list = await office.client.get('/staff/attendance/truancy');
    const habitual = /<h2 id="habitual-heading">[\s\S]*?<h2 id="notified-heading">/.exec(list.html)![0];
    expect(textOf(habitual)).toContain('Sofía López');
    expect(textOf(habitual)).toContain('Conference with the parent and student');
    const audit = await t.deps.db.selectFrom('audit_log').select('action').where('staff_id', '=', office.id).where('entity_id', '=', student.id).where('action', 'in', ['attendance.truancy.send', 'attendance.referral.record']).orderBy('at').execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['attendance.referral.record', 'attendance.truancy.send', 'attendance.truancy.send']);
  });

  it('ATT-5 through the app as built: the office\'s after-the-fact marks make the third truant day, and the first notification goes out with the last of them', async () => {
    const parent = await signedInParent(t, { language: 'es' });
    const { student, p1 } = await truantToBe(parent.user.id, 'Julia');
    for (const [i, date] of DAYS.slice(0, 3).entries()) {
      await office.client.get(`/staff/attendance/students/${student.id}/marks/${p1.id}/${date}`);
      const res = await office.client.post(`/staff/attendance/students/${student.id}/marks/${p1.id}/${date}`, { code: 'A', minutes: '', reason: 'Not in class per the sign-in sheet', paperRecord: `Sheet ${i + 1}` });
      expect(res.status, date).toBe(303);
      expect((await notices(student.id)).length, date).toBe(i === 2 ? 1 : 0);
    }
    expect((await emails(student.id)).map((m) => m.subject)).toEqual(['Notificación de ausentismo injustificado 1 sobre Julia']);
  });

  it('ATT-5 a student with no linked account: the notification is still made, no email, and the worklist says to print and mail the letter', async () => {
    const { student, p1 } = await truantToBe(null, 'Elena');
    await threeTruantDays(p1, student.id);
    const [notice] = await notices(student.id);
    expect(notice).toMatchObject({ number: 1, status: 'sent', language: 'en' });
    expect(await emails(student.id)).toEqual([]);
    const list = await office.client.get(`/staff/attendance/truancy?school=${ROLL.elm}`);
    const row = /<tr[^>]*id="truant-[^"]*"[\s\S]*?<\/tr>/g;
    const elena = [...list.html.matchAll(row)].map((m) => textOf(m[0])).find((r) => r.includes('Elena López'))!;
    expect(elena).toContain('No account linked: print the letter and mail it');
    // With no account to say the family's language, the office may print the letter in Spanish.
    expect(list.html).toContain(`href="/staff/attendance/truancy/${notice.id}/letter.pdf?language=es"`);
    expect(elena).toContain('En español (PDF)');
  });

  it('ATT-5 a large school\'s worklist shows the 25 notifications waiting longest, and says how many wait in all', async () => {
    const day = (i: number) => `2026-12-0${1 + Math.floor(i / 10)}T1${i % 10}:00:00.000Z`;
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const s = await buildStudent(t, null as never, { first_name: `Waiting${String(i).padStart(2, '0')}`, last_name: 'Ruiz' });
      ids.push(s.id);
      await t.deps.db.insertInto('truancy_notices').values([
        { id: newId(), district_id: ROLL.district, school_id: ROLL.sunrise, student_id: s.id, school_year: ROLL.year, number: 1, status: 'sent', truant_days: 3, language: 'en', proposed_at: day(i), sent_at: day(i), sent_by: 'system' },
        // The later the student, the earlier the second notice was proposed: the last ones wait longest.
        { id: newId(), district_id: ROLL.district, school_id: ROLL.sunrise, student_id: s.id, school_year: ROLL.year, number: 2, status: 'proposed', truant_days: 4, language: 'en', proposed_at: day(26 - i), sent_at: null, sent_by: null },
      ]).execute();
    }
    const list = await sunriseOffice.client.get(`/staff/attendance/truancy?school=${ROLL.sunrise}`);
    expect(list.status).toBe(200);
    const proposed = textOf(/<h2 id="proposed-heading">[\s\S]*?<h2 id="habitual-heading">/.exec(list.html)![0]);
    expect(proposed).toContain('27 students with a notification to send');
    expect(proposed).toContain('Only the first 25 of 27 are shown.');
    expect([...list.html.matchAll(/id="truant-([^"]+)"/g)].map((m) => m[1])).toEqual(ids.slice(2).reverse());
  });

  it('ATT-5 a referral needs its kind, a date not in the future, participants and an outcome; what was typed is kept and nothing is saved', async () => {
    const { student } = await truantToBe(null, 'Diego');
    await office.client.get(`/staff/attendance/students/${student.id}/referrals`);
    const res = await office.client.post(`/staff/attendance/students/${student.id}/referrals`, { kind: 'sart', held_on: '2026-12-08', participants: '', outcome: 'Plan agreed' });
    expect(res.status).toBe(400);
    const text = textOf(res.html);
    // Every field's problem at once, beside its field and in the summary.
    expect(text).toContain('The date cannot be in the future');
    expect(text).toContain('Enter who took part.');
    expect(res.html).toContain('href="#field-held_on"');
    expect(res.html).toContain('href="#field-participants"');
    expect(res.html).toContain('Plan agreed');
    const missing = await office.client.post(`/staff/attendance/students/${student.id}/referrals`, { kind: 'sart', held_on: '2026-12-07', participants: '', outcome: 'Plan agreed' });
    expect(missing.status).toBe(400);
    expect(textOf(missing.html)).toContain('Enter who took part.');
    expect(await t.deps.db.selectFrom('attendance_referrals').select('id').where('student_id', '=', student.id).execute()).toEqual([]);
    const ok = await office.client.post(`/staff/attendance/students/${student.id}/referrals`, { kind: 'sarb', held_on: '2026-12-07', participants: 'The SARB panel, the parent', outcome: 'Referred to the district SARB hearing' });
    expect(ok.status).toBe(303);
    expect(await t.deps.db.selectFrom('attendance_referrals').select(['kind', 'held_on', 'school_id', 'school_year', 'recorded_by']).where('student_id', '=', student.id).execute())
      .toEqual([{ kind: 'sarb', held_on: '2026-12-07', school_id: ROLL.elm, school_year: ROLL.year, recorded_by: `staff:${office.id}` }]);
  });

  it('ATT-5 PRV-1 another school\'s or district\'s office finds neither the notice nor the student; a teacher is refused; each refusal audited', async () => {
    const { student, p1 } = await truantToBe(null, 'Pablo');
    await threeTruantDays(p1, student.id);
    await mark(p1, student.id, DAYS[3], 'A');
    const [, proposed] = await notices(student.id);
    const refused = async (id: string) => Number((await t.deps.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('staff_id', '=', id).where('outcome', '=', 'refused').executeTakeFirstOrThrow()).n);
    for (const who of [sunriseOffice, paramountOffice]) {
      const before = await refused(who.id);
      expect((await who.client.get(`/staff/attendance/truancy/${proposed.id}/letter.pdf`)).status).toBe(404);
      expect((await who.client.get(`/staff/attendance/students/${student.id}/referrals`)).status).toBe(404);
      await who.client.get('/staff/attendance/truancy');
      expect((await who.client.post(`/staff/attendance/truancy/${proposed.id}/send`, {})).status).toBe(404);
      expect((await who.client.get(`/staff/attendance/truancy?school=${ROLL.elm}`)).status).toBe(404);
      expect(await refused(who.id)).toBe(before + 4);
    }
    const before = await refused(teacher.id);
    expect((await teacher.client.get('/staff/attendance/truancy')).status).toBe(403);
    expect((await teacher.client.get(`/staff/attendance/students/${student.id}/referrals`)).status).toBe(403);
    expect((await teacher.client.post(`/staff/attendance/truancy/${proposed.id}/send`, {})).status).toBe(403);
    expect(await refused(teacher.id)).toBe(before + 3);
    // Nothing was sent by any of them.
    expect((await notices(student.id))[1].status).toBe('proposed');
    // The Sunrise office's own worklist does not list Elm Street's student.
    const sunrise = await sunriseOffice.client.get('/staff/attendance/truancy');
    expect(sunrise.status).toBe(200);
    expect(textOf(sunrise.html)).not.toContain('Pablo López');
  });
});
