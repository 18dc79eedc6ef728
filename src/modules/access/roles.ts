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
