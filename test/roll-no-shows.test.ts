import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { staffMember } from './support/staff.js';
import { backgroundRunner } from '../src/modules/index.js';
import { flagNoShows, lastDueDay } from '../src/modules/enrollment/no-shows.js';
import { Roll } from '../src/modules/enrollment/roll.js';

/** Tuesday, December 1, 2026, 10:00 in Los Angeles. */
const DEC_1_MORNING = '2026-12-01T18:00:00Z';
/** 5:59 p.m. and 6:00 p.m. in Los Angeles on December 1 (PST, UTC−8). */
const DEC_1_BEFORE = '2026-12-02T01:59:00Z';
const DEC_1_EVENING = '2026-12-02T02:00:00Z';
/** Wednesday, December 2, 2026, 9:00 in Los Angeles. */
const DEC_2_MORNING = '2026-12-02T17:00:00Z';

for (const db of databases) {
  describe(`WDR-3 no-shows (${db.name})`, () => {
    let t: TestApp;
    let roll: Roll;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: DEC_1_MORNING });
      roll = new Roll(t.deps);
    });
    afterAll(() => t.close());

    const noShow = (enrollmentId: string) => t.deps.db.selectFrom('no_shows').selectAll().where('enrollment_id', '=', enrollmentId).executeTakeFirst();
    /** A student pre-enrolled at Elm (or `schoolId`) and expected on `day`. */
    const expected = async (day: string, firstName = 'Ana', schoolId: string = ROLL.elm) =>
      enrolledStudent(t, { entryDate: null, expectedFirstDay: day, schoolId, student: { first_name: firstName, last_name: 'López' } });
    /** The evening step as the server runs it: every step of the deadlines run. */
    const sweep = async (at: string) => {
      t.clock.set(at);
      return backgroundRunner(t.deps, 'deadlines').runOnce();
    };

    it('WDR-3 the step flags a pre-enrolled student who did not come on the evening of the first expected day, not before 6 p.m., once', async () => {
      const absent = await expected('2026-12-01', 'Ana');
      const tomorrow = await expected('2026-12-02', 'Lucía');
      // Came on the first day: the office recorded it, so never flagged.
      const came = await expected('2026-12-01', 'Mateo');
      expect((await roll.start('staff:test', came.enrollment.id, '2026-12-01')).ok).toBe(true);

      // During the day and at 5:59 p.m., the day is not over.
      await sweep(DEC_1_MORNING);
      await sweep(DEC_1_BEFORE);
      expect(await noShow(absent.enrollment.id)).toBeUndefined();

      // 6:00 p.m. in Los Angeles: flagged that evening, with the day expected.
      const report = await sweep(DEC_1_EVENING);
      expect(report.noShowsFlagged).toBe(1);
      expect(await noShow(absent.enrollment.id)).toMatchObject({ school_id: ROLL.elm, school_year: ROLL.year, expected_day: '2026-12-01', flagged_at: new Date(DEC_1_EVENING).toISOString(), resolved_at: null });
      expect(await noShow(came.enrollment.id)).toBeUndefined();
      expect(await noShow(tomorrow.enrollment.id)).toBeUndefined();

      // A second run, and two at once (two instances), add nothing.
      expect((await sweep(DEC_1_EVENING)).noShowsFlagged).toBe(0);
      const twice = await Promise.all([flagNoShows(t.deps, new Date(DEC_1_EVENING)), flagNoShows(t.deps, new Date(DEC_1_EVENING))]);
      expect(twice.map((r) => r.noShowsFlagged)).toEqual([0, 0]);
      const rows = await t.deps.db.selectFrom('no_shows').select('enrollment_id').where('enrollment_id', 'in', [absent.enrollment.id, came.enrollment.id, tomorrow.enrollment.id]).execute();
      expect(rows).toEqual([{ enrollment_id: absent.enrollment.id }]);

      // A flag that crossed a first day being recorded (the two statements at one moment) is resolved on the next run.
      await t.deps.db.insertInto('no_shows').values({ enrollment_id: came.enrollment.id, school_id: ROLL.elm, school_year: ROLL.year, expected_day: '2026-12-01', flagged_at: DEC_1_EVENING, resolved_at: null, resolution: null }).execute();
      expect((await sweep(DEC_1_EVENING)).noShowsResolvedLate).toBe(1);
      expect(await noShow(came.enrollment.id)).toMatchObject({ resolution: 'came', resolved_at: new Date(DEC_1_EVENING).toISOString() });
      expect(await noShow(absent.enrollment.id)).toMatchObject({ resolution: null, resolved_at: null });
    });

    it('WDR-3 the evening is the district\'s: 6 p.m. in its time zone, the day before until then', () => {
      const district = t.deps.districts.get(ROLL.district)!;
      expect(lastDueDay(district, new Date(DEC_1_MORNING))).toBe('2026-11-30');
      expect(lastDueDay(district, new Date(DEC_1_BEFORE))).toBe('2026-11-30');
      expect(lastDueDay(district, new Date(DEC_1_EVENING))).toBe('2026-12-01');
      // Summer time (PDT, UTC−7): 6 p.m. on September 14 is 01:00 UTC the next day.
      expect(lastDueDay(district, new Date('2026-09-15T00:59:00Z'))).toBe('2026-09-13');
      expect(lastDueDay(district, new Date('2026-09-15T01:00:00Z'))).toBe('2026-09-14');
      // A district that ends its day at 8 p.m. (enrollmentCodes.noShowsAt): not yet at 6.
      const late = { ...district, enrollmentCodes: { ...district.enrollmentCodes, noShowsAt: '20:00' } };
      expect(lastDueDay(late, new Date(DEC_1_EVENING))).toBe('2026-11-30');
      expect(lastDueDay(late, new Date('2026-12-02T04:00:00Z'))).toBe('2026-12-01');
    });

    it('WDR-3 the office sees its school\'s open no-shows with the contact attempts, logs one, and the student who came goes off the list as active', async () => {
      t.clock.set(DEC_1_MORNING);
      const a = await expected('2026-12-01', 'Valentina');
      const other = await expected('2026-12-01', 'Santiago', ROLL.sunrise);
      await sweep(DEC_1_EVENING);
      t.clock.set(DEC_2_MORNING);
      const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);

      // Linked from the school's roll.
      expect((await office.client.get('/staff/roll')).html).toContain(`href="/staff/roll/no-shows?school=${encodeURIComponent(ROLL.elm)}"`);
      const page = await office.client.get('/staff/roll/no-shows');
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain('Valentina López');
      expect(text).toContain('Tuesday, December 1, 2026');
      expect(text).toContain('None logged yet');
      // Another school's no-show is not on this office's list.
      expect(text).not.toContain('Santiago');
      // The no-show exit goes through the withdrawal form with the district's N470 code.
      expect(page.html).toContain(`/staff/roll/enrollments/${a.enrollment.id}/withdraw?code=N470`);

      // A contact attempt with nothing chosen: refused beside its fields, what was typed kept.
      const bad = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/contacts`, { contacted_at: '2026-12-02T08:15', method: '', reached: 'mother', outcome: '' });
      expect(bad.status).toBe(400);
      expect(textOf(bad.html)).toContain('Choose how the contact was made.');
      expect(bad.html).toContain('value="mother"');
      expect(await t.deps.db.selectFrom('contact_attempts').select('id').where('enrollment_id', '=', a.enrollment.id).execute()).toEqual([]);

      const logged = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/contacts`, { contacted_at: '2026-12-02T08:15', method: 'phone', reached: 'mother', outcome: 'located_will_attend', note: '' });
      expect(logged.status).toBe(303);
      const contacts = await t.deps.db.selectFrom('contact_attempts').selectAll().where('enrollment_id', '=', a.enrollment.id).execute();
      // 8:15 a.m. in Los Angeles, kept as an instant; purpose no_show, logged by the clerk.
      expect(contacts).toEqual([expect.objectContaining({ purpose: 'no_show', contacted_at: '2026-12-02T16:15:00.000Z', method: 'phone', reached: 'mother', outcome: 'located_will_attend', logged_by: `staff:${office.id}` })]);
      const after = textOf((await office.client.follow(logged)).html);
      expect(after).toContain('The contact attempt is logged.');
      expect(after).toContain('Phone call, Located, will attend (mother)');

      // The student came: a day in the future is refused on its field, then the real first day.
      const future = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/came`, { entry_date: '2026-12-03' });
      expect(future.status).toBe(400);
      expect(textOf(future.html)).toContain('The first day in the seat cannot be in the future.');
      expect(future.html).toContain('value="2026-12-03"');
      const came = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/came`, { entry_date: '2026-12-02' });
      expect(came.status).toBe(303);
      expect(await noShow(a.enrollment.id)).toMatchObject({ resolution: 'came', resolved_at: new Date(DEC_2_MORNING).toISOString() });
      expect(await t.deps.db.selectFrom('enrollments').select(['status', 'entry_date']).where('id', '=', a.enrollment.id).executeTakeFirst()).toEqual({ status: 'active', entry_date: '2026-12-02' });
      const list = textOf((await office.client.follow(came)).html);
      expect(list).toContain('The first day is recorded.');
      expect(list).not.toContain('Valentina');
      // A retried post changes nothing more and says why.
      const again = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/came`, { entry_date: '2026-12-02' });
      expect(again.status).toBe(409);
      expect(textOf(again.html)).toContain('no longer on the no-show list');

      // PRV-2: the list's read, the contact and the first day are in the audit log.
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id', 'outcome']).where('staff_id', '=', office.id).execute();
      expect(audit).toEqual(expect.arrayContaining([
        { action: 'roll.no-shows.view', entity_id: ROLL.elm, outcome: 'allowed' },
        { action: 'roll.no-show.contact', entity_id: a.enrollment.id, outcome: 'allowed' },
        { action: 'roll.no-show.came', entity_id: a.enrollment.id, outcome: 'allowed' },
      ]));
      void other;
    });

    it('WDR-3 WDR-4 the no-show exit: a pre-enrolled student leaves only with the no-show code, dated on the first expected day or the day before, which resolves the no-show', async () => {
      t.clock.set(DEC_1_MORNING);
      const a = await expected('2026-12-01', 'Camila');
      await sweep(DEC_1_EVENING);
      t.clock.set(DEC_2_MORNING);
      // Another code (a transfer) is not a no-show's exit.
      expect(await roll.exit('staff:test', { enrollmentId: a.enrollment.id, exitCode: 'T160', exitDate: '2026-12-01' })).toMatchObject({ ok: false, problem: { code: 'enrollment.pre-enrolled-no-show-only', field: 'exitCode' } });
      // WDR-4: on the first expected day or the day before, not later.
      expect(await roll.exit('staff:test', { enrollmentId: a.enrollment.id, exitCode: 'N470', exitDate: '2026-12-02' })).toMatchObject({ ok: false, problem: { code: 'enrollment.no-show-exit-date', field: 'exitDate' } });
      expect((await noShow(a.enrollment.id))?.resolved_at).toBeNull();
      const r = await roll.exit('staff:test', { enrollmentId: a.enrollment.id, exitCode: 'N470', exitDate: '2026-11-30' });
      expect(r.ok && r.value).toMatchObject({ status: 'exited', exit_code: 'N470', exit_date: '2026-11-30', entry_date: null });
      expect(await noShow(a.enrollment.id)).toMatchObject({ resolution: 'exited', resolved_at: new Date(DEC_2_MORNING).toISOString() });
    });

    it('WDR-3 WDR-1 WDR-2 the no-show exit from the list: the attempts logged there are the due diligence, the withdrawal form has N470 chosen, and the student leaves the list', async () => {
      t.clock.set(DEC_1_MORNING);
      const a = await expected('2026-12-01', 'Renata');
      await sweep(DEC_1_EVENING);
      t.clock.set(DEC_2_MORNING);
      const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      const list = await office.client.get('/staff/roll/no-shows');
      for (const [when, method] of [['2026-12-01T17:00', 'phone'], ['2026-12-02T08:00', 'phone'], ['2026-12-02T08:30', 'letter']]) {
        const r = await office.client.post(`/staff/roll/no-shows/${a.enrollment.id}/contacts`, { contacted_at: when, method, reached: '', outcome: 'no_answer', note: '' });
        expect(r.status).toBe(303);
      }
      const link = `/staff/roll/enrollments/${a.enrollment.id}/withdraw?code=N470`;
      expect(list.html).toContain(`href="${link}"`);
      const form = await office.client.get(link);
      expect(form.status).toBe(200);
      expect(form.html).toMatch(/<option[^>]*value="N470"[^>]*selected/);
      const pdf = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');
      const done = await office.client.postMultipart(`/staff/roll/enrollments/${a.enrollment.id}/withdraw`, { exitCode: 'N470', exitDate: '2026-12-01', requestedBy: 'school' }, [
        { field: 'document', filename: 'no-show-letter.pdf', contentType: 'application/pdf', data: pdf },
      ]);
      expect(done.status).toBe(303);
      expect(await t.deps.db.selectFrom('enrollments').select(['status', 'exit_code', 'exit_date']).where('id', '=', a.enrollment.id).executeTakeFirst()).toEqual({ status: 'exited', exit_code: 'N470', exit_date: '2026-12-01' });
      expect(await noShow(a.enrollment.id)).toMatchObject({ resolution: 'exited' });
      expect(textOf((await office.client.get('/staff/roll/no-shows')).html)).not.toContain('Renata');
    });

    it('WDR-3 PRV-1 PRV-2 another school\'s office and another district get "not found", a teacher "not allowed", each audited as refused', async () => {
      t.clock.set(DEC_1_MORNING);
      const a = await expected('2026-12-01', 'Emilia');
      await sweep(DEC_1_EVENING);
      t.clock.set(DEC_2_MORNING);
      const sunrise = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      expect((await sunrise.client.get(`/staff/roll/no-shows?school=${ROLL.elm}`)).status).toBe(404);
      expect((await sunrise.client.post(`/staff/roll/no-shows/${a.enrollment.id}/came`, { entry_date: '2026-12-02' })).status).toBe(404);
      expect(textOf((await sunrise.client.get('/staff/roll/no-shows')).html)).not.toContain('Emilia');
      const paramount = await staffMember(t, 'paramount-sample', 'district_admin');
      expect((await paramount.client.get(`/staff/roll/no-shows?school=${ROLL.elm}`)).status).toBe(404);
      expect((await paramount.client.post(`/staff/roll/no-shows/${a.enrollment.id}/contacts`, { contacted_at: '2026-12-02T08:00', method: 'phone', outcome: 'no_answer' })).status).toBe(404);
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      expect((await teacher.client.get('/staff/roll/no-shows')).status).toBe(403);
      expect((await t.deps.db.selectFrom('no_shows').select('resolved_at').where('enrollment_id', '=', a.enrollment.id).executeTakeFirst())?.resolved_at).toBeNull();
      expect(await t.deps.db.selectFrom('contact_attempts').select('id').where('enrollment_id', '=', a.enrollment.id).execute()).toEqual([]);
      const refused = await t.deps.db.selectFrom('audit_log').select(['staff_id', 'action', 'outcome']).where('outcome', '=', 'refused').where('staff_id', 'in', [sunrise.id, paramount.id, teacher.id]).execute();
      expect(refused).toEqual(expect.arrayContaining([
        { staff_id: sunrise.id, action: 'roll.no-shows.view', outcome: 'refused' },
        { staff_id: sunrise.id, action: 'roll.no-show.came', outcome: 'refused' },
        { staff_id: paramount.id, action: 'roll.no-shows.view', outcome: 'refused' },
        { staff_id: paramount.id, action: 'roll.no-show.contact', outcome: 'refused' },
        { staff_id: teacher.id, action: 'roll.no-shows.view', outcome: 'refused' },
      ]));

      // A district administrator sees every school's list, in Spanish too.
      const admin = await staffMember(t, ROLL.district, 'district_admin');
      const es = await admin.client.get(`/staff/roll/no-shows?school=${ROLL.elm}&lang=es`);
      expect(es.status).toBe(200);
      expect(textOf(es.html)).toContain('Emilia López');
      expect(textOf(es.html)).toContain('martes, 1 de diciembre de 2026');
    });
  });
}
