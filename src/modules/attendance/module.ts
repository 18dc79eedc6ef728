import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { attendanceContext } from './context.js';
import { parentRecordSection, staffRecordSection } from './record-sections.js';
import { AttendanceRecordDocuments } from './record-document.js';
import { recordRoutes } from './record-routes.js';
import { rollAttendanceSection } from './roll-section.js';
import type { RequestScope } from '../access/request-scope.js';
import { StudentAttendance } from './student-attendance.js';
import { parentAttendanceSection, studentAttendanceRoutes } from './student-attendance-routes.js';
import { Truancy, truancyAfterTotals } from './truancy.js';
import { Referrals } from './referrals.js';
import { parentTruancySection, truancyRoutes } from './truancy-routes.js';
import { canKeepAttendance } from '../access/roles.js';
import { Taking } from './take.js';
import { takeRoutes } from './take-routes.js';
import { ChronicAbsence, writeSnapshots } from './chronic.js';
import { chronicRoutes } from './chronic-routes.js';
import { Explanations, removeOldNotes, remindUnexplained } from './explanations.js';
import { explanationRoutes, parentExplanationsSection } from './explanation-routes.js';
import { Sections } from './sections.js';
import { SectionsImport } from './sections-import.js';
import { sectionsRoutes } from './sections-routes.js';
import { ParentExcusedLimits } from './limits.js';
import { limitRoutes } from './limit-routes.js';

/**
 * Attendance (issue 16): a school's sections and bell schedule, every period taken in its first
 * fifteen minutes, every absence explained, caps, chronic absence and truancy acted on — kept on
 * the school's roll. Built here once from the wiring.
 */
export function attendanceModule(deps: Deps, built: { audit: AuditLog; rollScope: RollScope; scope: RequestScope }): ModuleDeclaration {
  const ctx = attendanceContext(deps, built.audit, built.rollScope, [truancyAfterTotals(deps)]);
  void ctx;
  /** ATT-5, ATT-8: truancy notifications (the first sent by the hook above), the worklist, and referrals. */
  const truancy = new Truancy(ctx);
  const referrals = new Referrals(ctx);
  /** Issue 16 point 9: a student's attendance page, the office's, a teacher's and the parent's. */
  const studentPages = new StudentAttendance(ctx);
  /** ATT-1, ATT-7: taking attendance, correcting it, and the office's later change of a mark. */
  const taking = new Taking(ctx);
  /** ATT-4: chronic absence, from the year's totals, and its trend from the evening's snapshots. */
  const chronic = new ChronicAbsence(ctx);
  /** ATT-2: explanations of absences, from the parent's account or given to the office, and the office's answer. */
  const explanations = new Explanations(ctx);
  /** Issue 16 point 1: sections and their students, the bell schedule and mode, and their CSV import. */
  const sections = new Sections(ctx);
  const sectionsImport = new SectionsImport(ctx, sections);
  /** ATT-6: a school's lower limit of parent-excused absences for a student (caps.ts refuses the days beyond it). */
  const limits = new ParentExcusedLimits(ctx);
  /** Issue 16 point 10: the latest attendance record, issued by the permit office as a request's document. */
  const recordDocuments = new AttendanceRecordDocuments(deps, built.scope, built.audit);
  return {
    name: 'attendance',
    routes: async (app) => {
      await recordRoutes(app, ctx, recordDocuments);
      void app;
      await truancyRoutes(app, ctx, truancy, referrals);
      await studentAttendanceRoutes(app, ctx, studentPages);
      await takeRoutes(app, ctx, taking);
      await chronicRoutes(app, ctx, chronic);
      await explanationRoutes(app, ctx, explanations);
      await sectionsRoutes(app, ctx, sections, sectionsImport);
      await limitRoutes(app, ctx, limits);
    },
    sections: {
      /** Issue 16 point 10: the record behind a decision for attendance (parent), the record beside a request (permit office). */
      applicationPage: [parentRecordSection(ctx)],
      staffRequestPage: [staffRecordSection(ctx, recordDocuments)],
      /** The office's page of one student on the roll: this year's attendance and the way to its page. */
      rollStudentPage: [rollAttendanceSection(studentPages)],
      studentPage: [parentAttendanceSection(studentPages), parentTruancySection(ctx, truancy), parentExplanationsSection(explanations)],
    },
    steps: [
      /** ATT-4's trend: each school day's evening, every school's counts of chronic absence, once per school and day. */
      { name: 'chronic-snapshots', run: 'deadlines', step: (now) => writeSnapshots(deps, now) },
      /** ATT-2: the parent reminded of an absence still unexplained after the district's school days, once per absence. */
      { name: 'absence-reminders', run: 'deadlines', step: (now) => remindUnexplained(ctx, now) },
      /** ATT-2: notes and their photos removed five years after they were given, what was removed logged. */
      { name: 'explanation-notes-retention', run: 'deadlines', step: (now) => removeOldNotes(ctx, now, explanations.log) },
    ],
    reports: [
      /** Issue 16 point 1: a school's class sections, their students, the bell schedule and the sections import. */
      { id: 'attendance-sections', titleKey: 'attendance-sections.report.title', descriptionKey: 'attendance-sections.report.description', path: '/staff/attendance/sections', format: 'page', openedBy: canKeepAttendance },
      /** ATT-1: the sections whose period started more than fifteen minutes ago today with no roster submitted. */
      { id: 'attendance-not-submitted', titleKey: 'attendance-take.report.title', descriptionKey: 'attendance-take.report.description', path: '/staff/attendance/not-submitted', format: 'page', openedBy: canKeepAttendance },
      /** ATT-4: a school's (or the district's) chronically absent and at-risk students, with the trend; and as a spreadsheet. */
      { id: 'attendance-chronic', titleKey: 'attendance-chronic.report.title', descriptionKey: 'attendance-chronic.report.description', path: '/staff/attendance/chronic', format: 'page', openedBy: canKeepAttendance },
      { id: 'attendance-chronic-csv', titleKey: 'attendance-chronic.report.csvTitle', descriptionKey: 'attendance-chronic.report.csvDescription', path: '/staff/attendance/chronic.csv', format: 'csv', openedBy: canKeepAttendance },
      /** ATT-5: a school's truancy worklist (notifications proposed, habitual truants flagged for SARB). */
      { id: 'attendance-truancy', titleKey: 'attendance-truancy.report.title', descriptionKey: 'attendance-truancy.report.description', path: '/staff/attendance/truancy', format: 'page', openedBy: canKeepAttendance },
      /** ATT-2: a school's explanations of absences to decide, and its absences with no explanation. */
      { id: 'attendance-explanations', titleKey: 'attendance-explanations.report.title', descriptionKey: 'attendance-explanations.report.description', path: '/staff/attendance/explanations', format: 'page', openedBy: canKeepAttendance },
    ],
  };
}
