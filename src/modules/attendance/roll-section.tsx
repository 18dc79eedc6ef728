import type { RollStudentSection } from '../../platform/modules.js';
import type { StudentAttendance } from './student-attendance.js';
import { percent } from './views/student-attendance.js';

/**
 * Issue 16 on the office's page of one student on the roll: this year's attendance in a line and
 * the way to the student's attendance page — shown only to those who may open that page (a
 * teacher: a student of their own sections).
 */
export const rollAttendanceSection =
  (pages: StudentAttendance): RollStudentSection =>
  async (_req, staff, studentId) => {
    if (!(await pages.mayRead(staff, studentId))) return null;
    const summary = await pages.summary(studentId);
    return (c) => (
      <section aria-labelledby="roll-attendance-heading" class="margin-top-4">
        <h2 id="roll-attendance-heading">{c.t('attendance-record.roll.heading')}</h2>
        {summary ? (
          <p>
            {c.t('attendance-record.roll.summary', {
              school: summary.schoolName,
              year: summary.year,
              absent: summary.daysAbsent,
              unexplained: summary.unexplained,
              rate: summary.attendanceRate === null ? '—' : percent(c, summary.attendanceRate),
            })}
          </p>
        ) : null}
        <p>
          <a class="usa-link" href={`/staff/attendance/students/${encodeURIComponent(studentId)}`}>{c.t('attendance-record.roll.link')}</a>
        </p>
      </section>
    );
  };
