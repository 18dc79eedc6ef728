import type { PageContext } from '../../../platform/views/context.js';
import type { AttendanceSummary } from '../student-attendance.js';
import { percent } from './student-attendance.js';

/** The parent's student page: this year's attendance in three figures and the way to the whole page. */
export function ParentAttendanceSummary({ ctx, summary, firstName }: { ctx: PageContext; summary: AttendanceSummary; firstName: string }) {
  const { t } = ctx;
  return (
    <section aria-labelledby="attendance-summary-heading">
      <h2 id="attendance-summary-heading">{t('attendance-student.summary.heading')}</h2>
      <p>{t('attendance-student.summary.intro', { school: summary.schoolName, year: summary.year })}</p>
      <dl class="app-summary">
        <dt>{t('attendance-student.summary.daysAbsent')}</dt>
        <dd>{t('attendance-student.rates.days', { count: summary.daysAbsent })}</dd>
        <dt>{t('attendance-student.summary.rate')}</dt>
        <dd>{summary.attendanceRate === null ? t('attendance-student.summary.noRate') : percent(ctx, summary.attendanceRate)}</dd>
        <dt>{t('attendance-student.summary.unexplained')}</dt>
        <dd>{t('attendance-student.rates.days', { count: summary.unexplained })}</dd>
      </dl>
      <p>
        <a class="usa-link" href={`/students/${encodeURIComponent(summary.studentId)}/attendance`}>{t('attendance-student.summary.link', { name: firstName })}</a>
      </p>
    </section>
  );
}
