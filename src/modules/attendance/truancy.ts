import { sql, type Transaction } from 'kysely';
import type { Database, TruancyNoticesTable } from '../../platform/db/schema.js';
import type { Db } from '../../platform/db/kysely.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { localDate } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import { translator, type Translator } from '../../platform/i18n/translator.js';
import { enqueueEmail } from '../../platform/mail/outbox.js';
import { createPdf } from '../../platform/pdf/pdf.js';
import { refusable, refuse } from '../../platform/db/refuse.js';
import { err, ok, type Err, type Result } from '../../platform/result.js';
import type { Deps } from '../../deps.js';
import { canKeepAttendance } from '../access/roles.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { AttendanceContext } from './context.js';
import type { TotalsChange } from './days.js';
import type { AfterTotals } from './marks.js';
import { yearOf } from './school-days.js';
import { prepared } from '../../platform/db/prepared.js';

/**
 * Truancy (issue 16 point 8; ATT-5, ATT-8; EC 48260, 48260.5, 48261, 48262). A student's truant
 * days in a year are kept with the totals (days.ts, from each mark's truancy flag). When they
 * reach three, the first notification is made and sent by itself, once (the unique (student,
 * year, number) of truancy_notices), in the transaction that changed the totals: the email to the
 * linked parent through the outbox, the notice in the account, the letter printable in the
 * family's language. Each further truant day after a sent notification proposes the next one (2,
 * then 3) on the office's worklist (EC 48261); the office sends it. Three notifications and a
 * conference make the student a habitual truant, flagged for SARB (EC 48262). A day excused
 * later lowers the count but never unsends a notification.
 */

/** ATT-8 (EC 48260): truant at this many truant days in a school year. */
export const TRUANT_AT_DAYS = 3;
/** EC 48260.5, 48261: notifications 1 to 3 in a year; after them the student is referred (EC 48262). */
export const MAX_NOTICES = 3;
export const NOTICE_LANGUAGES = ['en', 'es'] as const;
export type NoticeLanguage = (typeof NOTICE_LANGUAGES)[number];

export const asNoticeLanguage = (l: string | null | undefined): NoticeLanguage | null => ((NOTICE_LANGUAGES as readonly string[]).includes(l ?? '') ? (l as NoticeLanguage) : null);

const notFound = (): Err => err('not-found', 'common.notFound.message');
const forbidden = (): Err => err('forbidden', 'attendance-truancy.errors.forbidden');

/** The parent the notifications go to: the student's linked account, if any. */
async function familyOf(db: Db, studentId: string): Promise<{ first_name: string; last_name: string; account_id: string | null; email: string | null; language: string | null; parent_first: string | null; parent_last: string | null }> {
  const row = (await q.family(db, { studentId })).rows[0];
  if (!row) throw new Error(`no student ${studentId}`);
  return row;
}

/** The student's truant days in the year, every school of it counted (a move mid-year keeps them). */
async function truantDaysInYear(db: Db, studentId: string, schoolYear: string): Promise<number> {
  return Number((await q.truantDays(db, { studentId, schoolYear })).rows[0]?.n ?? 0);
}

/** The statements the truancy step runs when a roster adds a truant day, each built once (platform/db/prepared.ts). */
const q = {
  family: prepared((db, p: { studentId: string }) =>
    db
      .selectFrom('students')
      .leftJoin('users', 'users.id', 'students.account_id')
      .select(['students.first_name', 'students.last_name', 'students.account_id', 'users.email', 'users.language', 'users.first_name as parent_first', 'users.last_name as parent_last'])
      .where('students.id', '=', p.studentId),
  ),
  truantDays: prepared((db, p: { studentId: string; schoolYear: string }) =>
    db.selectFrom('attendance_totals').select((eb) => eb.fn.sum<number>('truant_days').as('n')).where('student_id', '=', p.studentId).where('school_year', '=', p.schoolYear),
  ),
  notices: prepared((db, p: { studentId: string; schoolYear: string }) =>
    db.selectFrom('truancy_notices').selectAll().where('student_id', '=', p.studentId).where('school_year', '=', p.schoolYear).orderBy('number', 'desc'),
  ),
};

/**
 * The email of a sent notification, in the outbox once per notice (its dedupe key), written in
 * the transaction that sends it; none when no account is linked (the letter is mailed instead).
 */
async function emailNotice(deps: Deps, trx: Transaction<Database>, notice: TruancyNoticesTable, nowIso: string): Promise<boolean> {
  const family = await familyOf(trx, notice.student_id);
  if (!family.account_id || !family.email) return false;
  const school = deps.districts.schoolById(notice.school_id)?.name ?? notice.school_id;
  const base = deps.config.publicUrl;
  await enqueueEmail(
    trx,
    deps.catalogs,
    {
      dedupeKey: `truancy-notice:${notice.id}`,
      to: family.email,
      language: notice.language,
      template: 'attendance-truancy.email',
      params: {
        name: family.first_name,
        number: notice.number,
        school,
        days: notice.truant_days,
        letter: `${base}/students/${notice.student_id}/attendance/letters/${notice.id}.pdf`,
        page: `${base}/students/${notice.student_id}`,
      },
      accountId: family.account_id,
    },
    nowIso,
  );
  return true;
}

/**
 * ATT-5: the hook the one writer of marks runs when a student's totals change (marks.ts
 * AfterTotals), in its transaction. Only a rise of truant days does anything.
 */
export const truancyAfterTotals =
  (deps: Deps): AfterTotals =>
  async (trx, change: TotalsChange) => {
    if (change.after.truant_days <= change.before.truant_days) return;
    const days = await truantDaysInYear(trx, change.studentId, change.schoolYear);
    if (days < TRUANT_AT_DAYS) return;
    const notices = (await q.notices(trx, { studentId: change.studentId, schoolYear: change.schoolYear })).rows;
    const last = notices[0];
    const nowIso = deps.clock.now().toISOString();
    if (!last) {
      // EC 48260.5: the first classification as truant — the first notification, sent now, once.
      const family = await familyOf(trx, change.studentId);
      const notice: TruancyNoticesTable = {
        id: newId(),
        district_id: change.district.slug,
        school_id: change.schoolId,
        student_id: change.studentId,
        school_year: change.schoolYear,
        number: 1,
        status: 'sent',
        truant_days: days,
        language: asNoticeLanguage(family.language) ?? 'en',
        proposed_at: nowIso,
        sent_at: nowIso,
        sent_by: 'system',
      };
      const put = await trx.insertInto('truancy_notices').values(notice).onConflict((oc) => oc.columns(['student_id', 'school_year', 'number']).doNothing()).executeTakeFirst();
      if (Number(put.numInsertedOrUpdatedRows ?? 0n) > 0) await emailNotice(deps, trx, notice, nowIso);
      return;
    }
    // EC 48261: a truant day after a notification was sent is reported again — proposed to the office.
    if (last.status !== 'sent' || last.number >= MAX_NOTICES || days <= last.truant_days) return;
    const family = await familyOf(trx, change.studentId);
    await trx
      .insertInto('truancy_notices')
      .values({
        id: newId(),
        district_id: change.district.slug,
        school_id: change.schoolId,
        student_id: change.studentId,
        school_year: change.schoolYear,
        number: last.number + 1,
        status: 'proposed',
        truant_days: days,
        language: asNoticeLanguage(family.language) ?? 'en',
        proposed_at: nowIso,
        sent_at: null,
        sent_by: null,
      })
      .onConflict((oc) => oc.columns(['student_id', 'school_year', 'number']).doNothing())
      .execute();
  };

/** One student on the worklist. */
export interface WorklistRow {
  studentId: string;
  firstName: string;
  lastName: string;
  truantDays: number;
  /** Notifications sent this year. */
  sent: number;
  /** The notice waiting for the office to send it, if any. */
  proposed: TruancyNoticesTable | null;
  /** Every notice of the year, first first. */
  notices: TruancyNoticesTable[];
  /** No parent's account linked: the letter is printed and mailed. */
  noAccount: boolean;
  conference: boolean;
  lastReferral: { kind: string; heldOn: string } | null;
  /** EC 48262: three or more notifications in the year and at least one conference. */
  habitual: boolean;
}

export interface Worklist {
  schoolId: string;
  schoolYear: string;
  /** The first WORKLIST_SHOWN of each list. */
  proposed: WorklistRow[];
  habitual: WorklistRow[];
  notified: WorklistRow[];
  /** How many students each list holds in all. */
  counts: { proposed: number; habitual: number; notified: number };
}

/** Students shown in each list of the worklist: the office works through them, the count says how many more. */
export const WORKLIST_SHOWN = 25;

/** The school year of a day, else the last one begun before it (the summer between two years). */
export function currentYearName(district: DistrictConfig, today: string): string | undefined {
  const y = yearOf(district, today);
  if (y) return y.year.year;
  return [...district.schoolYears].filter((s) => s.firstDay <= today).sort((a, b) => (a.firstDay < b.firstDay ? 1 : -1))[0]?.year;
}

export class Truancy {
  constructor(private ctx: AttendanceContext) {}

  mayKeep(staff: SessionStaff): boolean {
    return canKeepAttendance(staff);
  }

  today(district: DistrictConfig): string {
    return localDate(this.ctx.deps.clock.now(), district.timeZone);
  }

  /**
   * A school's worklist for the current year: refused to a role that does not keep attendance, not
   * found outside the scope. One grouped read of the year's notices by student (a large school has
   * hundreds of truant students) puts each in its list; only the first WORKLIST_SHOWN of each list
   * are read in full and shown, with each list's count.
   */
  async worklist(staff: SessionStaff, schoolId: string): Promise<Result<Worklist>> {
    if (!this.mayKeep(staff)) return forbidden();
    if (!(await this.ctx.scope.hasSchool(staff, schoolId))) return notFound();
    const district = this.ctx.deps.districts.get(staff.districtId)!;
    const schoolYear = currentYearName(district, this.today(district)) ?? '';
    const { db } = this.ctx.deps;
    const empty = { schoolId, schoolYear, proposed: [], habitual: [], notified: [], counts: { proposed: 0, habitual: 0, notified: 0 } };
    const here = () => db.selectFrom('truancy_notices as n').where('n.school_id', '=', schoolId).where('n.school_year', '=', schoolYear);
    const named = ['s.id as student_id', 's.first_name', 's.last_name'] as const;
    // Notices waiting the longest first (the index on school, status and time), then by name.
    const proposedAll = Number((await here().select((eb) => eb.fn.countAll<number>().as('n')).where('n.status', '=', 'proposed').executeTakeFirst())?.n ?? 0);
    const proposed = await here()
      .innerJoin('students as s', 's.id', 'n.student_id')
      .select(named)
      .where('n.status', '=', 'proposed')
      .orderBy('n.proposed_at').orderBy('s.last_name').orderBy('s.first_name').orderBy('s.id')
      .limit(WORKLIST_SHOWN)
      .execute();
    // EC 48262: notification 3 sent (the last there is) and a conference in the year.
    const thirds = (await here().select('n.student_id').where('n.number', '=', MAX_NOTICES).where('n.status', '=', 'sent').execute()).map((r) => r.student_id);
    const habitualIds: string[] = [];
    for (let i = 0; i < thirds.length; i += 500) {
      const chunk = thirds.slice(i, i + 500);
      const rows = await db.selectFrom('attendance_referrals').select('student_id').distinct().where('student_id', 'in', chunk).where('school_year', '=', schoolYear).where('kind', '=', 'conference').execute();
      habitualIds.push(...rows.map((r) => r.student_id));
    }
    const collator = new Intl.Collator('en');
    const byName = (a: { last_name: string; first_name: string }, b: { last_name: string; first_name: string }) => collator.compare(a.last_name, b.last_name) || collator.compare(a.first_name, b.first_name);
    const habitual: { student_id: string; first_name: string; last_name: string }[] = [];
    for (let i = 0; i < habitualIds.length; i += 500) habitual.push(...(await db.selectFrom('students as s').select(named).where('s.id', 'in', habitualIds.slice(i, i + 500)).execute()));
    habitual.sort(byName);
    // The others notified this year at the school: no notice waiting, not habitual; by name. The
    // school's notices are read once, grouped by student (a correlated NOT EXISTS made SQLite
    // walk the school's proposed notices for each student; NOT IN, PostgreSQL test each of the
    // district's students against a list).
    const notifiedQuery = () => {
      let query = db.selectFrom('students as s').where(
        's.id',
        'in',
        here()
          .select('n.student_id')
          .groupBy('n.student_id')
          .having(sql<number>`max(case when n.status = 'proposed' then 1 else 0 end)`, '=', 0),
      );
      if (habitualIds.length) query = query.where('s.id', 'not in', habitualIds);
      return query;
    };
    const notifiedAll = Number((await notifiedQuery().select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst())?.n ?? 0);
    const notified = await notifiedQuery().select(named).orderBy('s.last_name').orderBy('s.first_name').orderBy('s.id').limit(WORKLIST_SHOWN).execute();
    const shown = [proposed, habitual.slice(0, WORKLIST_SHOWN), notified];
    const counts = { proposed: proposedAll, habitual: habitual.length, notified: notifiedAll };
    const ids = shown.flat().map((r) => r.student_id);
    if (!ids.length) return ok({ ...empty, counts });
    const notices = await db.selectFrom('truancy_notices').selectAll().where('student_id', 'in', ids).where('school_year', '=', schoolYear).where('school_id', '=', schoolId).orderBy('number').execute();
    const accounts = new Map((await db.selectFrom('students').select(['id', 'account_id']).where('id', 'in', ids).execute()).map((s) => [s.id, s.account_id]));
    const totals = new Map<string, number>();
    for (const r of await db.selectFrom('attendance_totals').select(['student_id', 'truant_days']).where('student_id', 'in', ids).where('school_year', '=', schoolYear).execute()) {
      totals.set(r.student_id, (totals.get(r.student_id) ?? 0) + r.truant_days);
    }
    const referrals = await db.selectFrom('attendance_referrals').select(['student_id', 'kind', 'held_on']).where('student_id', 'in', ids).where('school_year', '=', schoolYear).orderBy('held_on').orderBy('recorded_at').execute();
    const row = (r: { student_id: string; first_name: string; last_name: string }): WorklistRow => {
      const id = r.student_id;
      const mine = notices.filter((n) => n.student_id === id);
      const theirs = referrals.filter((x) => x.student_id === id);
      const sent = mine.filter((n) => n.status === 'sent').length;
      const conference = theirs.some((x) => x.kind === 'conference');
      const last = theirs[theirs.length - 1];
      return {
        studentId: id, firstName: r.first_name, lastName: r.last_name, truantDays: totals.get(id) ?? 0, sent,
        proposed: mine.find((n) => n.status === 'proposed') ?? null, notices: mine, noAccount: !accounts.get(id),
        conference, lastReferral: last ? { kind: last.kind, heldOn: last.held_on } : null, habitual: sent >= MAX_NOTICES && conference,
      };
    };
    return ok({
      schoolId, schoolYear,
      proposed: shown[0].map(row), habitual: shown[1].map(row), notified: shown[2].map(row),
      counts,
    });
  }

  /** One notice a staff member may act on: not found outside their schools (PRV-1), forbidden to a role that does not keep attendance. */
  async noticeFor(staff: SessionStaff, noticeId: string): Promise<Result<TruancyNoticesTable>> {
    const n = await this.ctx.deps.db.selectFrom('truancy_notices').selectAll().where('id', '=', noticeId).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!n || !(await this.ctx.scope.hasSchool(staff, n.school_id))) return notFound();
    if (!this.mayKeep(staff)) return forbidden();
    return ok(n);
  }

  /**
   * EC 48261: the office sends a proposed notification — the email (if an account is linked) and
   * the letter — once: the row changes from proposed to sent only if it still is proposed, so a
   * second send (or two at once) is refused and nothing is doubled.
   */
  async send(staff: SessionStaff, noticeId: string, ip: string): Promise<Result<{ notice: TruancyNoticesTable; emailed: boolean }>> {
    const found = await this.noticeFor(staff, noticeId);
    if (!found.ok) return found;
    if (found.value.status === 'sent') return err('already-sent', 'attendance-truancy.errors.alreadySent', { params: { number: found.value.number } });
    const { deps } = this.ctx;
    const nowIso = deps.clock.now().toISOString();
    return refusable(() =>
      deps.db.transaction().execute(async (trx) => {
        const family = await familyOf(trx, found.value.student_id);
        const days = await truantDaysInYear(trx, found.value.student_id, found.value.school_year);
        const language = asNoticeLanguage(family.language) ?? found.value.language;
        const moved = await trx
          .updateTable('truancy_notices')
          .set({ status: 'sent', sent_at: nowIso, sent_by: `staff:${staff.id}`, truant_days: Math.max(days, found.value.truant_days), language })
          .where('id', '=', noticeId)
          .where('status', '=', 'proposed')
          .executeTakeFirst();
        if (Number(moved.numUpdatedRows) === 0) refuse(err('already-sent', 'attendance-truancy.errors.alreadySent', { params: { number: found.value.number } }));
        const notice = await trx.selectFrom('truancy_notices').selectAll().where('id', '=', noticeId).executeTakeFirstOrThrow();
        const emailed = await emailNotice(deps, trx, notice, nowIso);
        // PRV-2: a change of the student's attendance record.
        await this.ctx.audit.in(trx).record(staff, 'attendance.truancy.send', { type: 'student', id: notice.student_id }, ip, { notice: notice.id, number: notice.number, language, emailed });
        return { notice, emailed };
      }),
    );
  }

  /** A parent's sent notifications of their own child (the page has checked the child is theirs), first first. */
  parentNotices(studentId: string): Promise<TruancyNoticesTable[]> {
    return this.ctx.deps.db.selectFrom('truancy_notices').selectAll().where('student_id', '=', studentId).where('status', '=', 'sent').orderBy('school_year').orderBy('number').execute();
  }

  /** A sent notice of the parent's own linked child; undefined otherwise (404, PRV-1). */
  async parentNotice(accountId: string, studentId: string, noticeId: string): Promise<TruancyNoticesTable | undefined> {
    return this.ctx.deps.db
      .selectFrom('truancy_notices')
      .innerJoin('students', 'students.id', 'truancy_notices.student_id')
      .selectAll('truancy_notices')
      .where('truancy_notices.id', '=', noticeId)
      .where('truancy_notices.status', '=', 'sent')
      .where('students.id', '=', studentId)
      .where('students.account_id', '=', accountId)
      .executeTakeFirst();
  }

  /**
   * The notification's letter (EC 48260.5), every word in `language`: that the student is truant,
   * the parent's duty to compel attendance, the infraction, alternative programs, the right to
   * meet school staff, prosecution and driving privileges, and the advice to come to school with
   * the student for a day; for the later notifications, that the student was reported again
   * (EC 48261) and what follows (EC 48262).
   */
  async letter(notice: TruancyNoticesTable, language: NoticeLanguage): Promise<Buffer> {
    const { deps } = this.ctx;
    const district = deps.districts.get(notice.district_id)!;
    const i18n: Translator = translator(deps.catalogs, language, district.timeZone);
    const { t } = i18n;
    const family = await familyOf(deps.db, notice.student_id);
    const school = deps.districts.schoolById(notice.school_id);
    const schoolName = school?.name ?? notice.school_id;
    const schoolPhone = school?.phone ?? district.contact.phone;
    const districtName = district.name[language] ?? district.name.en;
    const name = `${family.first_name} ${family.last_name}`;
    const title = t('attendance-truancy.letter.title', { number: notice.number });
    const day = localDate(new Date(notice.sent_at ?? notice.proposed_at), district.timeZone);
    const pdf = createPdf({ title, language, author: districtName });
    pdf.title(districtName);
    pdf.paragraph(`${district.contact.address} · ${district.contact.phone} · ${district.contact.email}`);
    pdf.heading(title);
    pdf.fields([
      [t('attendance-truancy.letter.date'), i18n.date(day)],
      [t('attendance-truancy.letter.to'), family.parent_first ? `${family.parent_first} ${family.parent_last ?? ''}`.trim() : t('attendance-truancy.letter.toGuardianOf', { name })],
      [t('attendance-truancy.letter.student'), name],
      [t('attendance-truancy.letter.school'), `${schoolName}${school?.address ? `, ${school.address}` : ''}`],
      [t('attendance-truancy.letter.schoolYear'), notice.school_year],
      [t('attendance-truancy.letter.truantDays'), String(notice.truant_days)],
    ]);
    pdf.paragraph(t('attendance-truancy.letter.greeting'));
    pdf.paragraph(t(notice.number === 1 ? 'attendance-truancy.letter.truant' : 'attendance-truancy.letter.again', { name, days: notice.truant_days, number: notice.number }));
    pdf.heading(t('attendance-truancy.letter.lawHeading'));
    pdf.bullets([
      t('attendance-truancy.letter.compel', { name }),
      t('attendance-truancy.letter.infraction'),
      t('attendance-truancy.letter.alternatives'),
      t('attendance-truancy.letter.meet', { school: schoolName, phone: schoolPhone }),
      t('attendance-truancy.letter.prosecution', { name }),
      t('attendance-truancy.letter.driving'),
      t('attendance-truancy.letter.attendWith', { name }),
    ]);
    if (notice.number >= MAX_NOTICES) pdf.paragraph(t('attendance-truancy.letter.habitual'));
    pdf.paragraph(t('attendance-truancy.letter.closing', { school: schoolName, phone: schoolPhone }));
    return pdf.finish();
  }
}
