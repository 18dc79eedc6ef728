import type { SessionStaff } from '../../platform/http/sessions.js';

/**
 * Who may change a student's record (review documents, ask for items, decide, enter the
 * student ID): the permit office. Site administrators and auditors read only.
 */
export const canChangeRecords = (staff: Pick<SessionStaff, 'role'>): boolean => staff.role === 'district_admin' || staff.role === 'permit_staff';

/** Who manages the district's own set-up (its staff, its address ranges): district administrators. */
export const canManageDistrict = (staff: Pick<SessionStaff, 'role'>): boolean => staff.role === 'district_admin';

/** PRV-2: who searches the district's audit log: district administrators and auditors. */
export const canSearchAudit = (staff: Pick<SessionStaff, 'role'>): boolean => staff.role === 'district_admin' || staff.role === 'auditor';

/**
 * Who keeps a school's roll (issue 15): enrolls, withdraws, logs contacts, investigates — the
 * school's attendance and enrollment office for its schools, and district administrators for
 * every school of the district.
 */
export const canKeepRoll = (staff: Pick<SessionStaff, 'role'>): boolean => staff.role === 'district_admin' || staff.role === 'school_office';

/** Who reads a school's roll: those who keep it, and teachers of the school (read only). */
export const canReadRoll = (staff: Pick<SessionStaff, 'role'>): boolean => canKeepRoll(staff) || staff.role === 'teacher';

/**
 * The roles of a school (the roll's office and teachers): PRV-1, they see their schools' roll
 * and nothing of the permit office's requests.
 */
export const isSchoolRole = (staff: Pick<SessionStaff, 'role'>): boolean => staff.role === 'school_office' || staff.role === 'teacher';

/**
 * PRV-1: who sees the permit office's work — its requests, queue, dashboard, documents, letters
 * and permit reviews: every role but a school's (the office and teachers keep and read the roll).
 */
export const canSeeRequests = (staff: Pick<SessionStaff, 'role'>): boolean => !isSchoolRole(staff);

/**
 * ATT-1: who takes a section's attendance: its teacher (a section of their own, checked by the
 * attendance module), and the school office and district administrators for any section of their
 * schools.
 */
export const canTakeAttendance = (staff: Pick<SessionStaff, 'role'>): boolean => canReadRoll(staff);

/** ATT-2…ATT-7: who keeps a school's attendance (changes any mark, explanations, caps, truancy): those who keep its roll. */
export const canKeepAttendance = (staff: Pick<SessionStaff, 'role'>): boolean => canKeepRoll(staff);
