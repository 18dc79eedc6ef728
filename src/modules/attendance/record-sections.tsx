import type { ApplicationPageSection, StaffRequestSection } from '../../platform/modules.js';
import type { AttendanceSnapshot } from '../decisions/attendance-hooks.js';
import type { AttendanceContext } from './context.js';
import { attendanceRecordOf } from './record.js';
import { localDate } from '../../platform/clock.js';
import { AttendanceRecordTable, KeptRecords } from './views/attendance-record.js';
import type { AttendanceRecordDocuments } from './record-document.js';
import { CsrfField } from '../../platform/views/forms.js';

/** The records kept with a request's decisions for attendance (decision_attendance), oldest first. */
async function keptFor(ctx: AttendanceContext, applicationId: string): Promise<{ decidedOn: string; kind: string; record: AttendanceSnapshot }[]> {
  const rows = await ctx.deps.db
    .selectFrom('decision_attendance as da')
    .innerJoin('decisions as d', 'd.id', 'da.decision_id')
    .select(['d.decided_on', 'd.kind', 'da.record'])
    .where('d.application_id', '=', applicationId)
    .orderBy('d.decided_at')
    .execute();
  return rows.map((r) => ({ decidedOn: r.decided_on, kind: r.kind, record: JSON.parse(r.record) as AttendanceSnapshot }));
}

/**
 * Issue 16 point 10 on the staff request page: the student's attendance record as it stands in
 * the hosted districts (the permit office decides with the real record, DEC-7, DEC-10), and the
 * records kept with the request's decisions for attendance. The page has checked the request is
 * in the staff member's scope and audited its read (PRV-2); the record is part of that page.
 */
export const staffRecordSection =
  (ctx: AttendanceContext, records: AttendanceRecordDocuments): StaffRequestSection =>
  async (staff, application) => {
    const district = ctx.deps.districts.get(application.district_id);
    const today = localDate(ctx.deps.clock.now(), district?.timeZone);
    const [now, kept] = await Promise.all([attendanceRecordOf(ctx.deps.db, ctx.deps.districts, { studentId: application.student_id, asOf: today }), keptFor(ctx, application.id)]);
    const schoolName = (id: string) => ctx.deps.districts.schoolById(id)?.name ?? id;
    const offer = await records.offer(staff, application, Boolean(now));
    return (page) => (
      <section aria-labelledby="attendance-record-heading" class="margin-top-4">
        <h2 id="attendance-record-heading">{page.t('attendance-record.heading')}</h2>
        {now ? <AttendanceRecordTable ctx={page} id="attendance-record-now" caption={page.t('attendance-record.now')} record={now} schoolName={schoolName} /> : <p>{page.t('attendance-record.none')}</p>}
        {offer.issued.length ? (
          <ul class="usa-list">
            {offer.issued.map((r) => <li key={r.code}>{page.t('attendance-record.issuedOn', { date: page.i18n.date(r.issuedOn), code: r.code })}</li>)}
          </ul>
        ) : null}
        {offer.canIssue ? (
          <form method="post" action={`/staff/requests/${application.id}/attendance-record`} class="margin-bottom-2">
            <CsrfField ctx={page} />
            <p class="usa-hint">{page.t('attendance-record.issueHint')}</p>
            <button type="submit" class="usa-button usa-button--outline">{page.t('attendance-record.issue')}</button>
          </form>
        ) : null}
        <p class="usa-hint">{page.t('attendance-record.keptHint')}</p>
        <KeptRecords ctx={page} kept={kept} schoolName={schoolName} />
      </section>
    );
  };

/** Issue 16 point 10 on the parent's application page: the attendance record a denial or revocation for attendance rests on. */
export const parentRecordSection = (ctx: AttendanceContext): ApplicationPageSection => ({
  place: 'decision',
  load: async (_req, application) => {
    const kept = await keptFor(ctx, application.id);
    if (!kept.length) return null;
    const schoolName = (id: string) => ctx.deps.districts.schoolById(id)?.name ?? id;
    return (page) => (
      <section aria-labelledby="attendance-behind-heading" class="margin-top-4">
        <h2 id="attendance-behind-heading">{page.t('attendance-record.behindHeading')}</h2>
        <p>{page.t('attendance-record.behindIntro')}</p>
        <KeptRecords ctx={page} kept={kept} schoolName={schoolName} />
      </section>
    );
  },
});
