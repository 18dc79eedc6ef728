import type { Deps } from '../../deps.js';
import type { ModuleDeclaration } from '../../platform/modules.js';
import type { AuditLog } from '../access/audit-log.js';
import type { RollScope } from '../access/roll-scope.js';
import { rollContext, type RecordSection } from './context.js';
import { RollNotices } from './notices.js';
import { noticesRoutes } from './notices-routes.js';
import { noticesRecordSection } from './notices-record-section.js';
import { rollRoutes, rollStudentPage } from './roll-routes.js';
import { canKeepRoll, canReadRoll } from '../access/roles.js';
import { investigationRecordSection } from './investigation-record-section.js';
import { investigationRoutes } from './investigation-routes.js';
import { Investigations } from './investigations.js';
import { linkRecordSection } from './link-record-section.js';
import { Linking } from './linking.js';
import { linkingRoutes } from './linking-routes.js';
import { EmergencyContacts } from './emergency-contacts.js';
import { contactsRoutes } from './contacts-routes.js';
import { contactsRecordSection, parentEnrollmentSection } from './contacts-sections.js';
import { flagNoShows, NoShows } from './no-shows.js';
import { noShowRoutes } from './no-show-routes.js';
import { RollImport } from './roll-import.js';
import { importRoutes } from './import-routes.js';
import { Withdrawals } from './withdrawal.js';
import { contactLogSection, withdrawalRoutes } from './withdrawal-routes.js';
import { enrollRoutes, enrollService, factsSection } from './enroll-routes.js';
import { NotAttendingLetters } from './not-attending-letters.js';
import { lettersRecordSection, lettersRoutes, parentLettersSection } from './letters-routes.js';

/**
 * A school's roll (issue 15): enrollments from the first day in a seat to an exit with its code,
 * its document and its due diligence. Built here once from the wiring: the office's pages, the
 * parent's, the background steps and the reports.
 */
export function enrollmentModule(deps: Deps, built: { audit: AuditLog; rollScope: RollScope }): ModuleDeclaration {
  const ctx = rollContext(deps, built.audit, built.rollScope);
  /** ENR-7, DEC-10, DEC-13: what a revoked permit or a move tells the office (written by from-permit.ts). */
  const notices = new RollNotices(ctx);
  /** ENR-6: address investigations; PRV-1: linking a family to a student on the roll. */
  const investigations = new Investigations(ctx);
  const linking = new Linking(ctx);
  /** ENR-4: emergency contacts, given by the parent or entered by the office. */
  const contacts = new EmergencyContacts(ctx);
  /** WDR-3: the school's no-show list, made each evening by the step below. */
  const noShows = new NoShows(ctx);
  /** Issue 15 point 11: existing enrollments from a student information system's CSV, all or nothing. */
  const rollImport = new RollImport(ctx);
  /** WDR-1, WDR-2, WDR-4: withdrawals with their document and due diligence, and the contact log. */
  const withdrawals = new Withdrawals(ctx);
  /** The office's enrollment form, a student's roll facts, the first day and a transfer (ENR-1, ENR-2, ENR-3, ENR-5). */
  const enrolling = enrollService(ctx);
  /** WDR-1, WDR-3: the not-attending / no-show letter, in the family's language, kept with the enrollment. */
  const letters = new NotAttendingLetters(ctx);
  /** The sections of the office's page of one student, in this order. */
  const recordSections: RecordSection[] = [noticesRecordSection(notices, (id) => deps.districts.schoolById(id)?.name ?? id), factsSection(ctx), contactsRecordSection(contacts), investigationRecordSection(investigations, (id) => deps.districts.schoolById(id)?.name ?? id), linkRecordSection(linking), lettersRecordSection(letters), contactLogSection(ctx)];
  void ctx;
  return {
    name: 'enrollment',
    routes: async (app, pages) => {
      /** The office's page of one student (the sections above, then those of the modules above the roll), shown by its route and again by the actions that refuse on it. */
      const showRollStudent = rollStudentPage(ctx, recordSections, pages.rollStudentSections);
      await rollRoutes(app, ctx, showRollStudent);
      await contactsRoutes(app, ctx, contacts);
      await investigationRoutes(app, ctx, investigations);
      await linkingRoutes(app, ctx, linking);
      await noticesRoutes(app, ctx, notices);
      await noShowRoutes(app, ctx, noShows);
      await importRoutes(app, ctx, rollImport);
      await withdrawalRoutes(app, ctx, withdrawals);
      await enrollRoutes(app, ctx, enrolling, showRollStudent);
      await lettersRoutes(app, ctx, letters);
    },
    sections: {
      /** The parent's student page: the child's school, enrollment history and emergency contacts. */
      studentPage: [parentEnrollmentSection(ctx, contacts), parentLettersSection(ctx, letters)],
    },
    /** WDR-3: each evening (the district's noShowsAt, 18:00 local by default) the pre-enrolled who did not come go on the no-show list. */
    steps: [{ name: 'no-shows', run: 'deadlines', step: (now) => flagNoShows(deps, now) }],
    reports: [
      /** WDR-3: a school's open no-shows with their contact attempts. */
      { id: 'roll-no-shows', titleKey: 'no-shows.report.title', descriptionKey: 'no-shows.report.description', path: '/staff/roll/no-shows', format: 'page', openedBy: canKeepRoll },
      /** ENR-7, DEC-10, DEC-13: a school's open notices of permits revoked or ended by a move. */
      { id: 'roll-notices', titleKey: 'roll-notices.report.title', descriptionKey: 'roll-notices.report.description', path: '/staff/roll/notices', format: 'page', openedBy: canKeepRoll },
      /** A school's roll with its filters: ENR-4's students with no emergency contact among them. */
      { id: 'roll', titleKey: 'roll.report.title', descriptionKey: 'roll.report.description', path: '/staff/roll', format: 'page', openedBy: canReadRoll },
      /** ENR-6: a school's open address investigations. */
      { id: 'roll-investigations', titleKey: 'investigations.report.title', descriptionKey: 'investigations.report.description', path: '/staff/roll/investigations', format: 'page', openedBy: canKeepRoll },
    ],
  };
}
