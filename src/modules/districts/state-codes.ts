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
