import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { sampleJpeg, samplePdf } from './support/files.js';
import { signedInParent } from './support/parents.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';
import { bellSchedule, section } from './support/attendance.js';
import { attendanceContext, type AttendanceContext } from '../src/modules/attendance/context.js';
import { removeOldNotes, remindUnexplained } from '../src/modules/attendance/explanations.js';
import { AuditLog } from '../src/modules/access/audit-log.js';
import { RollScope } from '../src/modules/access/roll-scope.js';
import type { SectionsTable } from '../src/platform/db/schema.js';
import type { DistrictConfig } from '../src/modules/districts/config-schema.js';

/**
 * ATT-2, every absence explained (issue 16 point 5): the parent explains an absence of their own
 * child from the account (in English or Spanish, a photo of a note if they have one), the office
 * records one given to it, accepts it (the absence marks become the excused code, ATT-7's history
 * kept, the totals follow) or refuses it with a reason the parent reads; the parent is reminded of
 * an absence still unexplained, and notes are removed five years on.
 */
describe.each(databases)('absence explanations ($name)', ({ url }) => {
  let t: TestApp;
  let ctx: AttendanceContext;
  let district: DistrictConfig;
  let office: Awaited<ReturnType<typeof staffMember>>;
  const now = '2026-12-07T16:05:00.000Z'; // Monday, December 7, 2026, 8:05 in Los Angeles

  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: url, now });
    district = t.deps.districts.get(ROLL.district)!;
    ctx = attendanceContext(t.deps, new AuditLog(t.deps.db, t.deps.clock), new RollScope(t.deps.db), []);
    await bellSchedule(t);
    office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
  });
  afterAll(async () => t?.close());

  /** A Spanish-speaking parent signed in, their child enrolled at Elm Street in two period sections. */
  const family = async (language = 'es') => {
    const parent = await signedInParent(t, { language, first_name: 'Ana', last_name: 'López' });
    const { student } = await enrolledStudent(t, { accountId: parent.user.id, student: { first_name: 'Mateo', last_name: 'López' } });
    const sections = [await section(t, { students: [student.id], period: '1' }), await section(t, { students: [student.id], period: '2' })];
    if (language === 'es') await parent.client.get('/language?to=es&next=/account');
    return { parent, student, sections };
  };

  /** The student marked with `code` in every one of the sections on `date` (each roster's first submission). */
  const mark = async (studentId: string, sections: SectionsTable[], date: string, code = 'A') => {
    await t.deps.db.transaction().execute(async (trx) => {
      for (const s of sections) await ctx.marks.writeRoster(trx, { district, section: s, date, by: 'staff:teacher', at: now, entries: [{ studentId, code, minutes: code === 'T' ? 10 : null }], reason: null });
    });
  };

  const explain = (f: Awaited<ReturnType<typeof family>>, fields: Record<string, string>, files: Parameters<typeof f.parent.client.postMultipart>[2] = []) =>
    f.parent.client.postMultipart(`/students/${f.student.id}/attendance/explain`, { toDate: '', part: 'whole', reason: 'illness', note: 'Tenía fiebre y se quedó en casa.', ...fields }, files);

  const explanationsOf = (studentId: string) => t.deps.db.selectFrom('absence_explanations').selectAll().where('student_id', '=', studentId).orderBy('created_at').execute();
  const dayOf = (studentId: string, date: string) => t.deps.db.selectFrom('attendance_days').selectAll().where('student_id', '=', studentId).where('date', '=', date).executeTakeFirstOrThrow();
  const totalsOf = (studentId: string) => t.deps.db.selectFrom('attendance_totals').selectAll().where('student_id', '=', studentId).executeTakeFirstOrThrow();

  it('ATT-2 a parent explains an absence in Spanish with a photo of a note: kept with its language and photo, and the day is no longer unexplained', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-03');
    expect((await dayOf(f.student.id, '2026-12-03')).unexplained).toBe(1);
    expect((await totalsOf(f.student.id)).unexplained_days).toBe(1);

    const form = await f.parent.client.get(`/students/${f.student.id}/attendance/explain?date=2026-12-03`);
    expect(form.status).toBe(200);
    expect(textOf(form.html)).toContain('Explicar una ausencia de Mateo López');
    expect(form.html).toContain('value="2026-12-03"');

    const sent = await explain(f, { fromDate: '2026-12-03' }, [{ field: 'document', filename: 'nota-del-medico.jpg', contentType: 'image/jpeg', data: sampleJpeg() }]);
    expect(sent.status).toBe(303);
    const [row] = await explanationsOf(f.student.id);
    expect(row).toMatchObject({ channel: 'account', account_id: f.parent.user.id, from_date: '2026-12-03', to_date: '2026-12-03', part: 'whole', reason: 'illness', language: 'es', status: 'pending', document_name: 'nota-del-medico.jpg', document_type: 'image/jpeg', school_id: ROLL.elm });
    expect(await t.deps.storage.exists(row.document_key!)).toBe(true);
    expect((await dayOf(f.student.id, '2026-12-03')).unexplained).toBe(0);
    expect((await totalsOf(f.student.id)).unexplained_days).toBe(0);

    // The child's page lists it, waiting for the school, in Spanish.
    const page = textOf((await f.parent.client.follow(sent)).html);
    expect(page).toContain('Su explicación se envió a la escuela');
    expect(page).toContain('En espera de la escuela');
  });

  it('ATT-2 ATT-7 the office accepts: each absence mark becomes the excused code of the reason, the mark before kept, and the totals excuse the day (no longer truant); accepting twice is refused', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-04');
    const before = await totalsOf(f.student.id);
    expect([before.days_absent, before.days_excused, before.truant_days]).toEqual([1, 0, 1]);
    // Unexplained, it is on the office's second list with a way to record an explanation given to the office.
    const unexplained = await office.client.get('/staff/attendance/explanations');
    expect(unexplained.html).toContain(`/staff/attendance/students/${f.student.id}/explanations/new?date=2026-12-04`);
    await explain(f, { fromDate: '2026-12-04' });
    const [x] = await explanationsOf(f.student.id);

    const queue = textOf((await office.client.get('/staff/attendance/explanations')).html);
    expect(queue).toMatch(/Explanations to decide .*López, Mateo .*Friday, December 4, 2026/);
    const page = await office.client.get(`/staff/attendance/explanations/${x.id}`);
    expect(page.status).toBe(200);
    // The code whose reason is the explanation's (illness: IL) is chosen already.
    expect(page.html).toMatch(/<option value="IL" selected/);

    const accepted = await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'accept', code: 'IL' });
    expect(accepted.status).toBe(303);
    const marks = await t.deps.db.selectFrom('attendance_marks').select(['code', 'category', 'explanation_id']).where('student_id', '=', f.student.id).execute();
    expect(marks).toEqual([
      { code: 'IL', category: 'excused', explanation_id: x.id },
      { code: 'IL', category: 'excused', explanation_id: x.id },
    ]);
    const changes = await t.deps.db.selectFrom('attendance_changes').select(['from_code', 'to_code', 'changed_by', 'reason']).where('student_id', '=', f.student.id).execute();
    expect(changes).toEqual([
      { from_code: 'A', to_code: 'IL', changed_by: `explanation:${x.id}`, reason: 'Explanation accepted' },
      { from_code: 'A', to_code: 'IL', changed_by: `explanation:${x.id}`, reason: 'Explanation accepted' },
    ]);
    const after = await totalsOf(f.student.id);
    expect([after.days_absent, after.days_excused, after.truant_days, after.unexplained_days]).toEqual([1, 1, 0, 0]);
    expect(await explanationsOf(f.student.id)).toMatchObject([{ status: 'accepted', code: 'IL', decided_by: `staff:${office.id}`, refusal: null }]);
    const result = textOf((await office.client.follow(accepted)).html);
    expect(result).toContain('Accepted with code IL. Marks changed: 2.');

    // Decided once: a second acceptance or a refusal now changes nothing.
    const again = await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'accept', code: 'MD' });
    expect(again.status).toBe(409);
    expect(textOf(again.html)).toContain('This explanation has already been decided; nothing was changed.');
    expect((await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'refuse', refusal: 'No.' })).status).toBe(409);
    expect((await t.deps.db.selectFrom('attendance_changes').select('id').where('student_id', '=', f.student.id).execute()).length).toBe(2);
    const audited = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('action', '=', 'attendance.explanation.accept').where('entity_id', '=', f.student.id).execute();
    expect(audited).toHaveLength(1);
  });

  it('ATT-2 the office refuses with a reason (required), which the parent reads on the child\'s page; the marks stay as they were', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-02');
    await explain(f, { fromDate: '2026-12-02', reason: 'other', note: 'Se nos hizo tarde.' });
    const [x] = await explanationsOf(f.student.id);

    const empty = await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'refuse', refusal: '  ' });
    expect(empty.status).toBe(400);
    expect(textOf(empty.html)).toContain('Write the reason for refusing. The family reads it.');
    expect((await explanationsOf(f.student.id))[0].status).toBe('pending');

    const refused = await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'refuse', refusal: 'Llegar tarde por la mañana no es un motivo justificado.' });
    expect(refused.status).toBe(303);
    expect(await explanationsOf(f.student.id)).toMatchObject([{ status: 'refused', refusal: 'Llegar tarde por la mañana no es un motivo justificado.' }]);
    expect((await t.deps.db.selectFrom('attendance_marks').select('code').where('student_id', '=', f.student.id).execute()).map((m) => m.code)).toEqual(['A', 'A']);

    const child = textOf((await f.parent.client.get(`/students/${f.student.id}`)).html);
    expect(child).toContain('No aceptada');
    expect(child).toContain('La escuela dice: Llegar tarde por la mañana no es un motivo justificado.');
    // Refused: it cannot be accepted afterwards.
    expect((await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'accept', code: 'IL' })).status).toBe(409);
  });

  it('ATT-2 a date the student was present is refused with the date, what was typed kept, nothing saved', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-03');
    const r = await explain(f, { fromDate: '2026-12-02', toDate: '2026-12-03', note: 'Dos días con gripe.' });
    expect(r.status).toBe(400);
    const text = textOf(r.html);
    expect(text).toContain('El estudiante no tiene una ausencia el miércoles, 2 de diciembre de 2026.');
    expect(r.html).toContain('Dos días con gripe.');
    expect(r.html).toContain('value="2026-12-02"');
    // A tardy is not an absence of the whole day, but part of one.
    await mark(f.student.id, [f.sections[0]], '2026-12-01', 'T');
    expect((await explain(f, { fromDate: '2026-12-01' })).status).toBe(400);
    expect(await explanationsOf(f.student.id)).toEqual([]);
    expect((await explain(f, { fromDate: '2026-12-01', part: 'part', reason: 'medical', note: 'Cita con el dentista.' })).status).toBe(303);
    const [x] = await explanationsOf(f.student.id);
    expect(x).toMatchObject({ from_date: '2026-12-01', part: 'part', reason: 'medical' });
    // Accepted: a late arrival keeps its mark and its minutes (a part-day explanation excuses the periods missed).
    expect((await office.client.post(`/staff/attendance/explanations/${x.id}`, { action: 'accept', code: 'MD' })).status).toBe(303);
    const kept = await t.deps.db.selectFrom('attendance_marks').select(['date', 'code', 'minutes']).where('student_id', '=', f.student.id).where('date', '=', '2026-12-01').execute();
    expect(kept).toEqual([{ date: '2026-12-01', code: 'T', minutes: 10 }]);
  });

  it('ATT-2 a date the student was not enrolled, a day in the future and a note too long are refused beside their fields', async () => {
    const f = await family('en');
    const before = await explain(f, { fromDate: '2026-09-03' });
    expect(before.status).toBe(400);
    expect(textOf(before.html)).toContain('The student was not enrolled at a school on Thursday, September 3, 2026.');
    const future = await explain(f, { fromDate: '2026-12-08' });
    expect(future.status).toBe(400);
    expect(textOf(future.html)).toContain('An absence can be explained once it has happened');
    const long = await explain(f, { fromDate: '2026-12-03', note: 'x'.repeat(1001) });
    expect(long.status).toBe(400);
    expect(textOf(long.html)).toContain('The note can be at most 1000 characters.');
    expect(await explanationsOf(f.student.id)).toEqual([]);
  });

  it('ATT-2 PRV-1 another parent\'s child is not found: the form, the post, and nothing is kept', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-03');
    const other = await signedInParent(t, { first_name: 'Rosa', last_name: 'Díaz' });
    expect((await other.client.get(`/students/${f.student.id}/attendance/explain`)).status).toBe(404);
    await other.client.get('/account');
    const r = await other.client.postMultipart(`/students/${f.student.id}/attendance/explain`, { fromDate: '2026-12-03', part: 'whole', reason: 'illness', note: 'x' }, [{ field: 'document', filename: 'n.pdf', contentType: 'application/pdf', data: samplePdf('other') }]);
    expect(r.status).toBe(404);
    expect(await explanationsOf(f.student.id)).toEqual([]);
    expect((await dayOf(f.student.id, '2026-12-03')).unexplained).toBe(1);
  });

  it('ATT-2 a retried post (the same form sent twice) makes one explanation and answers both the same', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-02');
    await f.parent.client.get(`/students/${f.student.id}/attendance/explain`);
    const idem = 'retry-key-0123456789abcdef';
    const first = await explain(f, { _idem: idem, fromDate: '2026-12-02' });
    const second = await explain(f, { _idem: idem, fromDate: '2026-12-02' });
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(second.location).toBe(first.location);
    expect(await explanationsOf(f.student.id)).toHaveLength(1);
    // A new form for the same day is told it is explained already.
    const third = await explain(f, { fromDate: '2026-12-02' });
    expect(third.status).toBe(400);
    expect(textOf(third.html)).toContain('Ya se dio una explicación para el miércoles, 2 de diciembre de 2026.');
  });

  it('ATT-2 the office records an explanation given by phone; a teacher cannot', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-01');
    const form = await office.client.get(`/staff/attendance/students/${f.student.id}/explanations/new?date=2026-12-01`);
    expect(form.status).toBe(200);
    const missing = await office.client.postMultipart(`/staff/attendance/students/${f.student.id}/explanations/new`, { fromDate: '2026-12-01', part: 'whole', reason: 'medical', note: 'Called: dentist.' }, []);
    expect(missing.status).toBe(400);
    expect(textOf(missing.html)).toContain('Say how the explanation was given');
    const r = await office.client.postMultipart(`/staff/attendance/students/${f.student.id}/explanations/new`, { channel: 'phone', fromDate: '2026-12-01', part: 'whole', reason: 'medical', note: 'Called: dentist.' }, []);
    expect(r.status).toBe(303);
    expect(await explanationsOf(f.student.id)).toMatchObject([{ channel: 'phone', account_id: null, created_by: `staff:${office.id}`, language: 'en' }]);
    const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
    expect((await teacher.client.get(`/staff/attendance/students/${f.student.id}/explanations/new`)).status).toBe(403);
  });

  it('ATT-2 the parent is reminded once, in their language, of an absence still unexplained three school days after it', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-01');
    await mark(f.student.id, f.sections, '2026-12-04'); // only one school day ago: not yet
    const reminders = () => t.deps.db.selectFrom('outbox').select(['dedupe_key', 'language', 'subject', 'to_address']).where('dedupe_key', 'like', `attendance-reminder:${f.student.id}:%`).execute();
    await remindUnexplained(ctx, t.clock.now());
    await remindUnexplained(ctx, t.clock.now());
    expect(await reminders()).toEqual([{ dedupe_key: `attendance-reminder:${f.student.id}:2026-12-01`, language: 'es', subject: 'Una ausencia de Mateo necesita una explicación', to_address: f.parent.user.email }]);
    // Explained: no reminder for it later.
    await explain(f, { fromDate: '2026-12-04' });
    t.clock.set('2026-12-10T16:05:00.000Z');
    try {
      await remindUnexplained(ctx, t.clock.now());
    } finally {
      t.clock.set(now);
    }
    expect((await reminders()).map((r) => r.dedupe_key)).toEqual([`attendance-reminder:${f.student.id}:2026-12-01`]);
  });

  it('ATT-2 five years after it was given, a note and its photo are removed (the file deleted, the removal logged), once', async () => {
    const f = await family();
    await mark(f.student.id, f.sections, '2026-12-02');
    await explain(f, { fromDate: '2026-12-02' }, [{ field: 'document', filename: 'nota.pdf', contentType: 'application/pdf', data: samplePdf('five-years') }]);
    const [x] = await explanationsOf(f.student.id);
    expect(await t.deps.storage.exists(x.document_key!)).toBe(true);
    const logged: Record<string, unknown>[] = [];
    const log = (entry: Record<string, unknown>) => void logged.push(entry);

    // A day short of five years: kept.
    await removeOldNotes(ctx, new Date('2031-12-06T16:05:00.000Z'), log);
    expect((await explanationsOf(f.student.id))[0].removed_at).toBeNull();

    const at = new Date('2031-12-08T16:05:00.000Z');
    const first = await removeOldNotes(ctx, at, log);
    expect(first.explanationNotesRemoved).toBeGreaterThanOrEqual(1);
    const [after] = await explanationsOf(f.student.id);
    expect(after).toMatchObject({ note: '', document_key: null, document_name: null, document_type: null, removed_at: at.toISOString(), status: 'pending', from_date: '2026-12-02' });
    expect(await t.deps.storage.exists(x.document_key!)).toBe(false);
    expect(logged).toContainEqual(expect.objectContaining({ explanation: x.id, student: f.student.id, fileRemoved: true }));
    // Run again: nothing more to remove.
    expect(await removeOldNotes(ctx, at, log)).toEqual({ explanationNotesRemoved: 0, explanationFilesRemoved: 0 });
  });
});
