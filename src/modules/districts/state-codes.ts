/**
 * The code sets of the state (California CALPADS) and of the Ed-Fi Data Standard that a
 * district's enrollment codes map to (WDR-4). This is the one place the districts module keeps
 * them: a district file may only name a CALPADS code listed here, and a descriptor in the
 * ed-fi.org namespace only with a code value listed here.
 *
 * Source: the project's reference page on codes and standards (STANDARDS.md, sections "Ed-Fi
 * (Data Standard 5.x / 6.x)" and "California CALPADS"), which gathers them from the Ed-Fi
 * descriptors and the California Department of Education's CALPADS documentation. The state
 * changes its codes from year to year: when it does, change this list and the sample files.
 */

/** CALPADS enrollment status. */
export const CALPADS_ENROLLMENT_STATUSES = {
  '10': 'primary',
  '20': 'secondary',
  '30': 'short-term (30 days or less)',
  '50': 'non-ADA',
} as const;

/** CALPADS student school transfer code (enrollment field 1.30). */
export const CALPADS_TRANSFER_CODES = {
  '1': 'formal inter-district transfer agreement (a permit)',
  '2': 'public school choice',
  '4': 'district of choice',
  '5': 'disciplinary / county office',
  '6': 'other',
} as const;

/** CALPADS exit (withdrawal) reason codes in common use. */
export const CALPADS_EXIT_CODES = {
  E130: 'died',
  E140: 'no known enrollment, truant (only after at least 3 unexcused days and due diligence)',
  E150: 'mid-year update (grade, transfer code or district of residence changed)',
  E155: 'year-end update, same school',
  E156: 'grade 12 continuing',
  E230: 'completer (graduated)',
  E300: 'expelled, no known enrollment',
  T160: 'transfer to a California public school',
  T165: 'disciplinary transfer',
  T167: 'transfer by referral',
  T180: 'private school',
  T200: 'school in another state',
  T240: 'school in another country',
  T260: 'adult education',
  T280: 'college',
  N470: 'no show',
} as const;

/** The namespace of the Ed-Fi Alliance's own descriptors. */
export const EDFI_NAMESPACE = 'uri://ed-fi.org';

/** Ed-Fi EntryTypeDescriptor code values. */
export const EDFI_ENTRY_TYPES = ['Transfer', 'New to education system', 'Next year school', 'Re-entry', 'Other'] as const;

/** Ed-Fi ExitWithdrawTypeDescriptor code values. */
export const EDFI_EXIT_WITHDRAW_TYPES = [
  'Completed',
  'Died or is permanently incapacitated',
  'Dropout',
  'End of school year',
  'Enrolled in a high school diploma program',
  'Expelled',
  'Graduated',
  'Incarcerated',
  'Invalid enrollment',
  'Involuntarily removed',
  'No show',
  'Other',
  'Reached maximum age',
  'Transferred',
  'Withdrawn',
] as const;

/** Ed-Fi AttendanceEventCategoryDescriptor code values (ATT: a district's attendance codes map to one each). */
export const EDFI_ATTENDANCE_EVENT_CATEGORIES = ['Present', 'In Attendance', 'Tardy', 'Early departure', 'Partial', 'Excused Absence', 'Unexcused Absence'] as const;
export type EdfiAttendanceEventCategory = (typeof EDFI_ATTENDANCE_EVENT_CATEGORIES)[number];

/**
 * The reasons an absence may be excused for (ATT-2), the keys an attendance code names as its
 * `reason`. Source: STANDARDS.md, "EC 48205", and the bulletin's capped reasons (ATT-3), two of
 * which the Education Code excuses in other sections (religious instruction, EC 46014;
 * entertainment work permit, EC 48225.5). `none`: the code is not an excused absence.
 */
export const EXCUSED_ABSENCE_REASONS = {
  illness: 'the student\'s illness, mental and behavioural health included (EC 48205)',
  quarantine: 'quarantine under the direction of a county or city health officer (EC 48205)',
  medical: 'medical, dental, optometric or chiropractic services (EC 48205)',
  funeral: 'funeral services or grieving of an immediate family member or close associate (EC 48205)',
  'grief-support': 'victim or grief support services or safety planning after such a death (EC 48205, SB 350)',
  'jury-duty': 'jury duty (EC 48205)',
  'own-child': 'the illness or medical appointment of a child of whom the student is the custodial parent (EC 48205)',
  court: 'justifiable personal reasons: appearance in court (EC 48205)',
  religious: 'justifiable personal reasons: a religious holiday, ceremony or retreat (EC 48205)',
  conference: 'justifiable personal reasons: an employment or educational conference (EC 48205)',
  'election-board': 'serving on a precinct board for an election (EC 48205)',
  'military-family': 'time with an immediate family member on active military duty (EC 48205)',
  naturalization: 'the student\'s naturalization ceremony (EC 48205)',
  'cultural-ceremony': 'a cultural ceremony or event (EC 48205)',
  'religious-instruction': 'religious exercises or instruction, having attended at least a minimum day (EC 46014)',
  'entertainment-work': 'work under an entertainment work permit (EC 48225.5)',
  none: 'not an excused absence',
} as const;
export type ExcusedAbsenceReason = keyof typeof EXCUSED_ABSENCE_REASONS;
