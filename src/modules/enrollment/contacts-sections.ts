import type { StudentPageSection } from '../../platform/modules.js';
import { canKeepRoll } from '../access/roles.js';
import type { RecordSection, RollContext } from './context.js';
import type { EmergencyContacts } from './emergency-contacts.js';
import { ContactsRecordSection } from './views/contacts-list.js';
import { ParentEnrollmentSection, type ParentEnrollmentRow } from './views/parent-enrollment.js';

/**
 * ENR-4 on the office's page of one student: the page has checked the student is in the staff
 * member's scope and audited the read; a teacher reads the contacts, the office may change them.
 */
export const contactsRecordSection =
  (contacts: EmergencyContacts): RecordSection =>
  async (_req, staff, studentId) => {
    const list = await contacts.list(studentId);
    const last = await contacts.lastChange(list);
    return (ctx) => ContactsRecordSection({ ctx, studentId, contacts: list, last, canChange: canKeepRoll(staff) });
  };

/**
 * Issue 15 on the parent's student page (/students/:id): the child's school, enrollment history
 * and emergency contacts. The page has checked the student is the parent's own (PRV-1); a parent
 * reading their child is not a staff read (no audit line). Nothing is shown for a student who was
 * never on a roll and has no contacts.
 */
export const parentEnrollmentSection =
  (ctx: RollContext, contacts: EmergencyContacts): StudentPageSection =>
  async (_req, student) => {
    const [history, list] = await Promise.all([ctx.repo.history(student.id), contacts.list(student.id)]);
    if (!history.length && !list.length) return null;
    const { districts } = ctx.deps;
    const rows: (ParentEnrollmentRow & { primary: boolean })[] = history.map((e) => {
      const district = districts.get(e.district_id);
      const exit = district && e.exit_code ? districts.exitCode(district, e.exit_code) : undefined;
      return {
        id: e.id,
        schoolName: districts.schoolById(e.school_id)?.name ?? e.school_id,
        schoolYear: e.school_year,
        grade: e.grade,
        status: e.status,
        entryDate: e.entry_date,
        expectedFirstDay: e.expected_first_day,
        exitDate: e.exit_date,
        exitReason: exit ? exit.label : null,
        primary: e.is_primary === 1,
      };
    });
    const current = rows.find((r) => r.primary && r.status === 'active') ?? rows.filter((r) => r.primary && r.status === 'pre_enrolled').at(-1) ?? null;
    const view = { studentId: student.id, firstName: student.first_name, current, history: rows, contacts: list };
    return (page) => ParentEnrollmentSection({ ctx: page, view });
  };
