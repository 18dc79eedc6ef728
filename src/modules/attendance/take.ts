import { inLanguage } from '../../platform/i18n/translator.js';
import { localDate } from '../../platform/clock.js';
import type { AttendanceChangesTable, AttendanceMarksTable, BellPeriodsTable, RosterSubmissionsTable, SectionsTable } from '../../platform/db/schema.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { FormState } from '../../platform/views/context.js';
import { canKeepAttendance, canTakeAttendance } from '../access/roles.js';
import type { AttendanceCodeConfig, DistrictConfig } from '../districts/config-schema.js';
import { isSchoolDay } from '../permit-life/calendar.js';
import { checkCaps, type CapRefusal } from './caps.js';
import { categoryOf, isAbsence } from './codes.js';
import type { AttendanceContext } from './context.js';
import { ReasonRequired, type RosterEntry } from './marks.js';
import type { RosterStudent } from './repository.js';
import { yearOf } from './school-days.js';

/**
 * ATT-7: the reason stored when a roster is submitted a second time by a form that did not know
 * it had been submitted (two devices at once). Stored in English, as every stored reason is; the
 * pages show it in the reader's language (`AUTOMATIC_REASONS`). ADR 0039.
 */
export const RESUBMITTED_REASON = 'Submitted again from another device';
/** Stored automatic reasons and the catalog key each is shown with. */
export const AUTOMATIC_REASONS: Record<string, string> = { [RESUBMITTED_REASON]: 'attendance-take.reasons.resubmitted' };

/** A tardy's or an early departure's minutes: from 1 to 600 (ten hours, longer than any school day). */
export const MINUTES_MAX = 600;
export const REASON_MAX = 500;
export const PAPER_RECORD_MAX = 200;

const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Whether a text is a real calendar day 'YYYY-MM-DD'. */
export const isDay = (d: string): boolean => DATE.test(d) && new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) === d;

/** A tardy or an early departure carries its minutes late or missed; every other code none. */
export const takesMinutes = (code: Pick<AttendanceCodeConfig, 'edfi'>): boolean => {
  const c = categoryOf(code);
  return c === 'tardy' || c === 'early-departure';
};

/** Who marks with which codes: a teacher the codes for teachers, the office and a district administrator the office's. */
const codeUser = (staff: Pick<SessionStaff, 'role'>): 'teacher' | 'office' => (staff.role === 'teacher' ? 'teacher' : 'office');

export interface TodayRow {
  section: SectionsTable;
  schoolName: string;
  periodLabel: string | null;
  /** Local 'HH:MM', from the bell schedule; null when the schedule has no such period. */
  startsAt: string | null;
  submission: RosterSubmissionsTable | null;
  absent: number;
  tardy: number;
}

export interface TodayView {
  district: DistrictConfig;
  date: string;
  today: string;
  schoolDay: boolean;
  /** The office's schools to choose from (empty for a teacher, who sees their own sections). */
  schools: { id: string; name: string }[];
  schoolId: string | null;
  rows: TodayRow[];
}

export interface RosterLine extends RosterStudent {
  mark: AttendanceMarksTable | null;
}

export interface ChangeLine extends AttendanceChangesTable {
  studentName: string;
  byName: string;
}

export interface RosterView {
  district: DistrictConfig;
  section: SectionsTable;
  schoolName: string;
  period: Pick<BellPeriodsTable, 'label' | 'starts_at'> | null;
  date: string;
  today: string;
  students: RosterLine[];
  submission: RosterSubmissionsTable | null;
  /** The codes the reader may mark with, in the district's order. */
  codes: AttendanceCodeConfig[];
  /** Why the roster cannot be taken or corrected by this reader on this day (a catalog key), or null. */
  closed: string | null;
  /** The office taking a day before today: the changes rest on a paper record (ATT-7). */
  afterTheFact: boolean;
  changes: ChangeLine[];
}

/** What a roster form sends: each student's code and minutes (by student id), and the form's own fields. */
export interface RosterInput {
  marks: Map<string, { code: string; minutes: string }>;
  /** The submission's submitted_at the form was rendered with, '' when it had not been submitted. */
  seen: string;
  reason: string;
  paperRecord: string;
}

export type Submit<T> =
  | { ok: true; value: T }
  | { ok: false; access: 'not-found' | 'forbidden' }
  | { ok: false; access?: undefined; errors: FormState['errors']; alert?: { key: string; params?: Record<string, string | number> }; status?: number };

export interface MarkView {
  district: DistrictConfig;
  section: SectionsTable;
  schoolName: string;
  student: RosterStudent;
  date: string;
  today: string;
  mark: AttendanceMarksTable | null;
  codes: AttendanceCodeConfig[];
  changes: ChangeLine[];
}

export interface MarkInput {
  code: string;
  minutes: string;
  reason: string;
  paperRecord: string;
}

/**
 * Taking attendance (issue 16 point 2; ATT-1, ATT-7): a teacher's and an office's day, a
 * section's roster on a day with its marks, a roster submitted (everyone present unless marked,
 * through the one writer of marks in a group commit), and one mark changed later by the office.
 * Every check of who may do it is here, not only in the routes: outside the reader's sections
 * or schools a section is "not found".
 */
export class Taking {
  constructor(private ctx: AttendanceContext) {}

  district(staff: Pick<SessionStaff, 'districtId'>): DistrictConfig {
    const d = this.ctx.deps.districts.get(staff.districtId);
    if (!d) throw new Error(`no district ${staff.districtId}`);
    return d;
  }

  /** Today in the district's time zone. */
  todayIn(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /**
   * A section the staff member may take attendance for: in their district and schools, and for a
   * teacher one of their own. Anything else is "not found" (PRV-1).
   */
  async sectionFor(staff: SessionStaff, sectionId: string): Promise<Result<SectionsTable>> {
    if (!canTakeAttendance(staff)) return err('not-found', 'common.notFound.title');
    const s = await this.ctx.repo.section(sectionId);
    if (!s || s.district_id !== staff.districtId || !(await this.ctx.scope.hasSchool(staff, s.school_id))) return err('not-found', 'common.notFound.title');
    if (staff.role === 'teacher' && s.teacher_id !== staff.id) return err('not-found', 'common.notFound.title');
    return ok(s);
  }

  /** A teacher's sections on a day, or the office's sections of one school (ATT-1: each taken or not). */
  async today(staff: SessionStaff, asked: { school?: string; date?: string }): Promise<Result<TodayView>> {
    if (!canTakeAttendance(staff)) return err('not-found', 'common.notFound.title');
    const district = this.district(staff);
    const today = this.todayIn(district);
    const date = asked.date && isDay(asked.date) ? asked.date : today;
    const y = yearOf(district, date);
    const schoolDay = isSchoolDay(district, date);
    let schools: { id: string; name: string }[] = [];
    let schoolId: string | null = null;
    let sections: SectionsTable[] = [];
    if (staff.role === 'teacher') {
      if (y) {
        const mine = await this.ctx.scope.schools(staff);
        sections = (await this.ctx.repo.sectionsOfTeacher(staff.id, y.year.year)).filter((s) => s.district_id === staff.districtId && (mine === null || mine.includes(s.school_id)));
      }
    } else {
      const ids = await this.ctx.scope.schoolIdsIn(staff, district);
      schools = ids.map((id) => ({ id, name: this.ctx.deps.districts.schoolById(id)?.name ?? id }));
      schoolId = asked.school ?? ids[0] ?? null;
      if (!schoolId || !ids.includes(schoolId)) return err('not-found', 'common.notFound.title');
      if (y) sections = await this.ctx.repo.sectionsAt(schoolId, y.year.year);
    }
    const rows = await this.rowsFor(sections, date);
    return ok({ district, date, today, schoolDay, schools, schoolId, rows });
  }

  /** Each section with its period's start, its submission and its counts, by start time: three queries for any number of sections. */
  private async rowsFor(sections: SectionsTable[], date: string): Promise<TodayRow[]> {
    if (sections.length === 0) return [];
    const db = this.ctx.deps.db;
    const ids = sections.map((s) => s.id);
    const schoolIds = [...new Set(sections.map((s) => s.school_id))];
    const years = [...new Set(sections.map((s) => s.school_year))];
    const [bells, subs, counts] = await Promise.all([
      db.selectFrom('bell_periods').selectAll().where('school_id', 'in', schoolIds).where('school_year', 'in', years).execute(),
      db.selectFrom('roster_submissions').selectAll().where('section_id', 'in', ids).where('date', '=', date).execute(),
      db.selectFrom('attendance_marks').select(['section_id', 'category']).select((eb) => eb.fn.countAll<number>().as('n')).where('section_id', 'in', ids).where('date', '=', date).groupBy(['section_id', 'category']).execute(),
    ]);
    const bell = new Map(bells.map((b) => [`${b.school_id}|${b.school_year}|${b.code}`, b]));
    const sub = new Map(subs.map((s) => [s.section_id, s]));
    const rows = sections.map((s): TodayRow => {
      const b = bell.get(`${s.school_id}|${s.school_year}|${s.period_code}`);
      const mine = counts.filter((c) => c.section_id === s.id);
      const count = (pred: (c: string) => boolean) => mine.filter((c) => pred(c.category)).reduce((n, c) => n + Number(c.n), 0);
      return {
        section: s,
        schoolName: this.ctx.deps.districts.schoolById(s.school_id)?.name ?? s.school_id,
        periodLabel: b?.label ?? null,
        startsAt: b?.starts_at ?? null,
        submission: sub.get(s.id) ?? null,
        absent: count((c) => isAbsence(c as never)),
        tardy: count((c) => c === 'tardy'),
      };
    });
    return rows.sort((a, b) => (a.startsAt ?? '99').localeCompare(b.startsAt ?? '99') || a.section.period_code.localeCompare(b.section.period_code) || a.section.code.localeCompare(b.section.code));
  }

  /** Why this reader may not take or correct this roster on this day, or null when they may. */
  private closedFor(staff: SessionStaff, district: DistrictConfig, date: string, today: string): string | null {
    if (!yearOf(district, date) || !isSchoolDay(district, date)) return 'attendance-take.errors.not-school-day';
    if (date > today) return 'attendance-take.errors.future';
    if (staff.role === 'teacher' && date !== today) return 'attendance-take.errors.teacher-today-only';
    return null;
  }

  /** ATT-1: a section's roster on a day, with the marks recorded and the submission, for the form. */
  async roster(staff: SessionStaff, sectionId: string, date: string): Promise<Result<RosterView>> {
    if (!isDay(date)) return err('not-found', 'common.notFound.title');
    const found = await this.sectionFor(staff, sectionId);
    if (!found.ok) return found;
    const section = found.value;
    const district = this.district(staff);
    const today = this.todayIn(district);
    const db = this.ctx.deps.db;
    const [students, marks, submission, period, changes] = await Promise.all([
      this.ctx.repo.rosterOn(section, date),
      this.ctx.repo.marksOn(section.id, date),
      db.selectFrom('roster_submissions').selectAll().where('section_id', '=', section.id).where('date', '=', date).executeTakeFirst(),
      db.selectFrom('bell_periods').select(['label', 'starts_at']).where('school_id', '=', section.school_id).where('school_year', '=', section.school_year).where('code', '=', section.period_code).executeTakeFirst(),
      this.changesOf(section.id, date),
    ]);
    const codes = this.ctx.deps.districts.attendanceCodesFor(district, codeUser(staff));
    return ok({
      district,
      section,
      schoolName: this.ctx.deps.districts.schoolById(section.school_id)?.name ?? section.school_id,
      period: period ?? null,
      date,
      today,
      students: students.map((s) => ({ ...s, mark: marks.get(s.studentId) ?? null })),
      submission: submission ?? null,
      codes,
      closed: this.closedFor(staff, district, date, today),
      afterTheFact: date < today,
      changes,
    });
  }

  /** ATT-7: the changes of a section's day (one student's when given), oldest first, with who made them. */
  private async changesOf(sectionId: string, date: string, studentId?: string): Promise<ChangeLine[]> {
    const db = this.ctx.deps.db;
    let q = db
      .selectFrom('attendance_changes as c')
      .innerJoin('students as s', 's.id', 'c.student_id')
      .selectAll('c')
      .select(['s.first_name', 's.last_name'])
      .where('c.section_id', '=', sectionId)
      .where('c.date', '=', date);
    if (studentId) q = q.where('c.student_id', '=', studentId);
    const rows = await q.orderBy('c.changed_at').orderBy('c.id').execute();
    const staffIds = [...new Set(rows.map((r) => r.changed_by).filter((b) => b.startsWith('staff:')).map((b) => b.slice(6)))];
    const staff = staffIds.length ? await db.selectFrom('staff').select(['id', 'first_name', 'last_name']).where('id', 'in', staffIds).execute() : [];
    const names = new Map(staff.map((s) => [`staff:${s.id}`, `${s.first_name} ${s.last_name}`]));
    return rows.map(({ first_name, last_name, ...c }) => ({ ...c, studentName: `${first_name} ${last_name}`, byName: names.get(c.changed_by) ?? c.changed_by }));
  }

  /**
   * ATT-1, ATT-7: a roster submitted. Every refusal is found before anything is written and shown
   * on the form: a day without school, a future day, a day other than today for a teacher, a
   * student not on that day's roster (named), a code the reader may not use, a tardy's minutes,
   * a deliberate correction with no reason, the office's after-the-fact entry with no paper record.
   * A second submission from a form that did not know of the first (two devices) is accepted as a
   * change with the automatic reason. Written in a group commit (rosters are the heaviest write).
   */
  async submit(staff: SessionStaff, sectionId: string, date: string, input: RosterInput, ip: string): Promise<Submit<{ first: boolean; written: number; changed: number }>> {
    if (!isDay(date)) return { ok: false, access: 'not-found' };
    const found = await this.sectionFor(staff, sectionId);
    if (!found.ok) return { ok: false, access: 'not-found' };
    const section = found.value;
    const district = this.district(staff);
    const today = this.todayIn(district);
    const closed = this.closedFor(staff, district, date, today);
    if (closed) return { ok: false, errors: {}, alert: { key: closed, params: { date } }, status: 409 };

    const db = this.ctx.deps.db;
    // The roster's ids only: names are read only to say what is wrong with a student's mark.
    const [onRoster, marks, submission] = await Promise.all([this.ctx.repo.rosterIdsOn(section, date), this.ctx.repo.marksOn(section.id, date), this.ctx.repo.submissionOn(section.id, date)]);
    /** Refusals by field, each with the student it names (their name is filled in below). */
    const refused: { field: string; studentId: string; key: string; params: Record<string, string | number> }[] = [];

    // A student the form names who is not on the roster that day: named, when the section ever had them.
    const strangers = [...input.marks.keys()].filter((id) => !onRoster.has(id));
    if (strangers.length) {
      const known = await db.selectFrom('section_students').select('student_id').where('section_id', '=', section.id).where('student_id', 'in', strangers).execute();
      const seated = new Set(known.map((k) => k.student_id));
      for (const id of strangers) refused.push({ field: `mark-${id}`, studentId: seated.has(id) ? id : '', key: 'attendance-take.errors.not-on-roster', params: { student: id.slice(0, 40), date } });
    }

    const usable = new Set(this.ctx.deps.districts.attendanceCodesFor(district, codeUser(staff)).map((c) => c.code));
    const entries: RosterEntry[] = [];
    let changes = 0;
    /** Changes of what was recorded before: a mark that exists, or any mark on a roster already submitted. */
    let corrections = 0;
    for (const [studentId, given] of input.marks) {
      if (!onRoster.has(studentId)) continue;
      const before = marks.get(studentId);
      const code = this.ctx.deps.districts.attendanceCode(district, given.code);
      // A code the reader may not mark, unless it is the mark the student already has (kept as it is).
      if (!code || (!usable.has(code.code) && before?.code !== code.code)) {
        refused.push({ field: `mark-${studentId}`, studentId, key: 'attendance-take.errors.code-not-allowed', params: { code: given.code.slice(0, 10) } });
        continue;
      }
      let minutes: number | null = null;
      const typed = given.minutes.trim();
      if (takesMinutes(code)) {
        minutes = /^\d{1,4}$/.test(typed) ? Number(typed) : NaN;
        if (!(minutes >= 1 && minutes <= MINUTES_MAX)) {
          refused.push({ field: `minutes-${studentId}`, studentId, key: 'attendance-take.errors.minutes', params: { max: MINUTES_MAX } });
          continue;
        }
      } else if (typed !== '') {
        refused.push({ field: `minutes-${studentId}`, studentId, key: 'attendance-take.errors.minutes-not-for-code', params: {} });
        continue;
      }
      entries.push({ studentId, code: code.code, minutes });
      const differs = before ? before.code !== code.code || (before.minutes ?? null) !== minutes : categoryOf(code) !== 'present';
      if (differs) changes++;
      if (differs && (before || submission)) corrections++;
    }
    const errors: FormState['errors'] = {};
    if (refused.length) {
      const names = await this.ctx.repo.namesOf([...new Set(refused.map((r) => r.studentId).filter(Boolean))]);
      for (const r of refused) errors[r.field] = { key: r.key, params: { ...r.params, student: names.get(r.studentId) ?? r.params.student ?? r.studentId } };
    }

    const reason = input.reason.trim();
    const paperRecord = input.paperRecord.trim();
    const knew = input.seen !== '';
    // A deliberate correction needs a reason (ATT-7); a roster submitted again by a form that did
    // not know of the first (another device) is a change with the automatic reason.
    if (corrections > 0 && !reason && !(submission && !knew)) errors.reason = { key: 'attendance-take.errors.reason-required' };
    if (reason.length > REASON_MAX) errors.reason = { key: 'attendance-take.errors.reason-too-long', params: { max: REASON_MAX } };
    // After the fact, the entries rest on a paper record (ATT-7).
    if (date < today && changes > 0 && !paperRecord) errors.paperRecord = { key: 'attendance-take.errors.paper-record-required' };
    if (paperRecord.length > PAPER_RECORD_MAX) errors.paperRecord = { key: 'attendance-take.errors.paper-record-too-long', params: { max: PAPER_RECORD_MAX } };
    if (Object.keys(errors).length) return { ok: false, errors };

    const at = this.ctx.deps.clock.now().toISOString();
    try {
      const written = await this.ctx.deps.writer.run(async (trx) => {
        // A form that did not know of a submission and finds one (another device submitted first,
        // maybe while this unit waited on it) is a change with the automatic reason; the writer
        // uses a reason only for a change, so a first submission never records it.
        const why = reason || (knew ? null : RESUBMITTED_REASON);
        const r = await this.ctx.marks.writeRoster(trx, { district, section, date, by: `staff:${staff.id}`, at, entries, reason: why, paperRecord: paperRecord || null });
        const resubmitted = !r.first && !knew;
        await this.ctx.audit.in(trx).record(staff, 'attendance.roster', { type: 'section', id: section.id }, ip, { date, changed: r.changed, written: r.written, first: r.first, ...(resubmitted ? { resubmitted: true } : {}), ...(paperRecord ? { paperRecord } : {}) }); // PRV-2
        // The paper record of an after-the-fact first submission is kept on the submission (its
        // changes keep theirs), and on the audit line above.
        return r;
      });
      return { ok: true, value: written };
    } catch (e) {
      if (e instanceof ReasonRequired) return { ok: false, errors: { reason: { key: 'attendance-take.errors.reason-required' } }, status: 409 };
      throw e;
    }
  }

  /** The office's page of one mark: the student on the section's roster that day, the mark and its history (ATT-7). */
  async mark(staff: SessionStaff, studentId: string, sectionId: string, date: string): Promise<Result<MarkView>> {
    if (!isDay(date)) return err('not-found', 'common.notFound.title');
    const found = await this.sectionFor(staff, sectionId);
    if (!found.ok) return found;
    if (!canKeepAttendance(staff)) return err('forbidden', 'attendance-take.errors.forbidden');
    const section = found.value;
    const district = this.district(staff);
    const today = this.todayIn(district);
    if (!yearOf(district, date) || !isSchoolDay(district, date) || date > today) return err('not-found', 'common.notFound.title');
    const student = (await this.ctx.repo.rosterOn(section, date)).find((s) => s.studentId === studentId);
    if (!student) return err('not-found', 'common.notFound.title');
    const [marks, changes] = await Promise.all([this.ctx.repo.marksOn(section.id, date), this.changesOf(section.id, date, studentId)]);
    return ok({
      district,
      section,
      schoolName: this.ctx.deps.districts.schoolById(section.school_id)?.name ?? section.school_id,
      student,
      date,
      today,
      mark: marks.get(studentId) ?? null,
      codes: this.ctx.deps.districts.attendanceCodesFor(district, 'office'),
      changes,
    });
  }

  /**
   * ATT-7: the office changes one mark later — a code of the office's, the minutes of a tardy, a
   * reason always, and the paper record it rests on when the day is before today. An excused code
   * with a cap is checked against it first (ATT-3, ATT-6): a day beyond it is refused, nothing written.
   */
  async changeMark(staff: SessionStaff, studentId: string, sectionId: string, date: string, input: MarkInput, ip: string, lang = 'en'): Promise<Submit<{ changed: boolean }>> {
    const found = await this.mark(staff, studentId, sectionId, date);
    if (!found.ok) return { ok: false, access: found.problem.code === 'forbidden' ? 'forbidden' : 'not-found' };
    const v = found.value;
    const errors: FormState['errors'] = {};
    const code = v.codes.find((c) => c.code === input.code);
    let minutes: number | null = null;
    if (!input.code) errors.code = { key: 'attendance-take.errors.code-missing' };
    else if (!code) errors.code = { key: 'attendance-take.errors.office-code', params: { code: input.code.slice(0, 10) } };
    else if (takesMinutes(code)) {
      minutes = /^\d{1,4}$/.test(input.minutes.trim()) ? Number(input.minutes.trim()) : NaN;
      if (!(minutes >= 1 && minutes <= MINUTES_MAX)) errors.minutes = { key: 'attendance-take.errors.mark-minutes', params: { max: MINUTES_MAX } };
    } else if (input.minutes.trim() !== '') errors.minutes = { key: 'attendance-take.errors.mark-minutes-not-for-code' };
    const reason = input.reason.trim();
    const paperRecord = input.paperRecord.trim();
    if (!reason) errors.reason = { key: 'attendance-take.errors.reason-required' };
    else if (reason.length > REASON_MAX) errors.reason = { key: 'attendance-take.errors.reason-too-long', params: { max: REASON_MAX } };
    if (date < v.today && !paperRecord) errors.paperRecord = { key: 'attendance-take.errors.paper-record-required' };
    else if (paperRecord.length > PAPER_RECORD_MAX) errors.paperRecord = { key: 'attendance-take.errors.paper-record-too-long', params: { max: PAPER_RECORD_MAX } };
    if (code && !errors.minutes) {
      const same = v.mark ? v.mark.code === code.code && (v.mark.minutes ?? null) === minutes : categoryOf(code) === 'present';
      if (same) errors.code = { key: 'attendance-take.errors.mark-unchanged' };
    }
    if (Object.keys(errors).length || !code) return { ok: false, errors };

    const at = this.ctx.deps.clock.now().toISOString();
    const outcome = await this.ctx.deps.db.transaction().execute(async (trx): Promise<{ refused: CapRefusal } | { changed: boolean }> => {
      if (categoryOf(code) === 'excused' && code.cap) {
        const caps = await checkCaps(trx, v.district, { studentId, schoolId: v.section.school_id, schoolYear: v.section.school_year, code: code.code, dates: [date], explanationId: null, parentExcused: false });
        if (caps.refused.length) return { refused: caps.refused[0] };
      }
      const changed = await this.ctx.marks.changeMark(trx, { district: v.district, section: v.section, studentId, date, code: code.code, minutes, by: `staff:${staff.id}`, at, reason, paperRecord: paperRecord || null });
      await this.ctx.audit.in(trx).record(staff, 'attendance.mark', { type: 'student', id: studentId }, ip, { section: v.section.id, date, from: v.mark?.code ?? null, to: code.code, minutes, changed }); // PRV-2
      return { changed };
    });
    // ATT-3: the code's name in the reader's language (the refusal's params carry the district file's words).
    if ('refused' in outcome) {
      const label = inLanguage(this.ctx.deps.districts.get(staff.districtId)?.attendanceCodes.codes.find((c) => c.code === outcome.refused.params.code)?.label ?? { en: String(outcome.refused.params.label ?? '') }, lang);
      return { ok: false, errors: { code: { key: outcome.refused.key, params: { ...outcome.refused.params, label } } } };
    }
    return { ok: true, value: outcome };
  }
}
