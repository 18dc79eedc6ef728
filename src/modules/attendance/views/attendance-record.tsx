import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { percent } from './student-attendance.js';
import type { AttendanceSnapshot, SchoolAttendance } from '../../decisions/attendance-hooks.js';

/**
 * Issue 16 point 10: a student's attendance record as the permit office reads it beside a
 * request, and as a decision for attendance kept it — a row per school of the year, with both
 * chronic-absence lines in words (never colour alone).
 */
export function AttendanceRecordTable({ ctx, id, caption, record, schoolName }: { ctx: PageContext; id: string; caption: string; record: AttendanceSnapshot; schoolName: (id: string) => string }) {
  const { t, i18n } = ctx;
  const flags = (s: SchoolAttendance) =>
    [s.chronicState ? t('attendance-record.chronicState') : null, s.chronicDistrict ? t('attendance-record.chronicDistrict') : null].filter(Boolean).join('; ') || t('attendance-record.notChronic');
  return (
    <DataTable<SchoolAttendance>
      id={id}
      caption={`${caption} — ${t('attendance-record.asOf', { date: i18n.date(record.asOf) })}`}
      variants={['stacked', 'compact']}
      rows={record.schools}
      rowKey={(s) => s.schoolId}
      columns={[
        { header: t('attendance-record.school'), rowHeader: true, cell: (s) => `${schoolName(s.schoolId)} (${s.schoolYear})` },
        { header: t('attendance-record.daysEnrolled'), cell: (s) => s.daysEnrolled },
        { header: t('attendance-record.daysAbsent'), cell: (s) => s.daysAbsent },
        { header: t('attendance-record.daysExcused'), cell: (s) => s.daysExcused },
        { header: t('attendance-record.tardyDays'), cell: (s) => s.tardyDays },
        { header: t('attendance-record.truantDays'), cell: (s) => s.truantDays },
        { header: t('attendance-record.rate'), cell: (s) => percent(ctx, s.attendanceRate / 100) },
        { header: t('attendance-record.chronic'), cell: flags },
        { header: t('attendance-record.notices'), cell: (s) => s.truancyNotices },
      ]}
    />
  );
}

/** The records kept with a request's decisions for attendance, each under its decision's date. */
export function KeptRecords({ ctx, kept, schoolName }: { ctx: PageContext; kept: { decidedOn: string; kind: string; record: AttendanceSnapshot }[]; schoolName: (id: string) => string }) {
  const { t, i18n } = ctx;
  return (
    <>
      {kept.map((k, i) => (
        <AttendanceRecordTable key={i} ctx={ctx} id={`attendance-kept-${i}`} caption={t('attendance-record.kept', { date: i18n.date(k.decidedOn), decision: t(`decisions.letter.title.${k.kind}`) })} record={k.record} schoolName={schoolName} />
      ))}
    </>
  );
}
