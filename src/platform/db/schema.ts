/**
 * Table types for Kysely. Portable across SQLite and PostgreSQL:
 * ids are text, instants are ISO-8601 UTC text, calendar dates are YYYY-MM-DD text,
 * booleans are integers 0/1.
 */
import type { Generated } from 'kysely';

export interface DistrictsTable {
  id: string;
  slug: string;
  name: string;
  updated_at: string;
}

export interface SchoolsTable {
  id: string; // `${district_slug}:${school_code}`
  district_id: string;
  code: string;
  name: string;
  is_magnet: number;
  lowest_grade: string;
  highest_grade: string;
}

export interface UsersTable {
  id: string;
  email: string; // lower-cased
  first_name: string;
  middle_name: string | null;
  last_name: string;
  password_hash: string | null;
  activated_at: string | null;
  language: string;
  created_at: string;
  updated_at: string;
}

export interface UserTokensTable {
  token_hash: string;
  user_id: string;
  purpose: 'activate' | 'reset';
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface SessionsTable {
  id_hash: string;
  user_id: string | null;
  csrf_token: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  data: string; // small JSON of flash/challenge values, never student data
  staff_id: string | null;
}

export interface RateLimitsTable {
  key: string;
  /** When everything counted against the key has drained (ms since 1970; see RateLimiter). */
  drained_at_ms: number;
  /** 1 if the last attempt was let through. */
  allowed: number;
}

export interface StudentsTable {
  id: string;
  account_id: string | null;
  first_name: string;
  middle_name: string | null;
  last_name: string;
  date_of_birth: string;
  current_grade: string | null;
  current_school: string | null;
  current_district: string | null;
  address_line1: string;
  address_line2: string | null;
  city: string;
  state: string;
  zip: string;
  created_at: string;
  updated_at: string;
}

export interface ApplicationsTable {
  id: string;
  confirmation_number: string;
  kind: 'incoming' | 'outgoing' | 'intra';
  account_id: string;
  student_id: string;
  district_id: string;
  school_year: string; // e.g. "2027-2028"
  grade_requested: string;
  current_grade: string | null;
  reason_code: string;
  requested_school_id: string | null;
  relationship: string;
  decision_email: string;
  language: string;
  status: string;
  submission_key: string;
  // Snapshot of the student at submission, used for the public look-ups (DOC-1).
  student_first_name: string;
  student_last_name: string;
  student_date_of_birth: string;
  received_at: string;
  updated_at: string;
  /** DEC-3: the last day for the district's written decision. */
  decision_due_on: string | null;
  /** DEC-19: bullying victims and military families. */
  priority: number;
  /** The district's own student ID, entered by staff. */
  student_number: string | null;
  /** Outgoing: the receiving district's slug when it is hosted here, and its name as the parent gave it. */
  target_district_slug: string | null;
  target_district_name: string | null;
  /** Outgoing: the school asked for in the receiving district (a code when hosted, else a name). */
  target_school: string | null;
  /** Intra-district: the school of residence for the grade requested (STU-2). */
  residence_school_id: string | null;
  /** A release and the incoming request it became in the receiving district point at each other (DEC-5). */
  linked_application_id: string | null;
  /** Intra-district, where the district requires it: the ID given at registration at the school of residence. */
  registration_number: string | null;
  /** When a forwarded request reached this district (its deadlines count from here); null: received_at. */
  arrived_at: string | null;
}

/**
 * The words of a request's student names (first, middle, last) as the staff queue's search
 * matches them (`nameWords()`, docs/adr/0022), written with the request.
 */
export interface StudentNameWordsTable {
  application_id: string;
  /** The request's district: the search index starts with it. */
  district_id: string;
  word: string;
}

/**
 * The pair keys of a request's name words (`namePairs()`: "mat lopez", "lop mateo"), for a search
 * of two words each common but rare together (docs/adr/0022), written with the request.
 */
export interface StudentNamePairsTable {
  application_id: string;
  /** The request's district: the search index starts with it. */
  district_id: string;
  pair: string;
  /** The request's received_at: the search index reads a pair's requests in queue order. */
  received_at: string;
}

export interface ApplicationEventsTable {
  id: string;
  application_id: string;
  at: string;
  actor: string;
  from_status: string | null;
  to_status: string;
  note: string | null;
}

export interface DocumentsTable {
  id: string;
  application_id: string;
  doc_type: string;
  original_name: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  storage_key: string;
  status: string;
  uploaded_via: 'account' | 'public' | 'release' | 'system'; // 'release': carried over from the release it came with (DEC-5); 'system': made by this system (an attendance record)
  uploaded_at: string;
  /** DOC-3: why a document was rejected (a code the parent reads in their language). */
  review_reason: string | null;
  review_note: string | null;
  reviewed_by: string | null;
  reviewed_at: string | null;
}

export interface OutboxTable {
  id: string;
  dedupe_key: string;
  account_id: string | null;
  application_id: string | null;
  to_address: string;
  language: string;
  template: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: 'pending' | 'sending' | 'committing' | 'sent' | 'failed';
  /** 0 urgent, 1 normal, 2 bulk: the sender takes lower first (src/platform/mail/priority.ts). */
  priority: Generated<number>;
  attempts: number;
  next_attempt_at: string;
  locked_until: string | null;
  sent_at: string | null;
  last_error: string | null;
  created_at: string;
}

/**
 * `school_office`: a school's attendance and enrollment office (issue 15), and `teacher`, both
 * scoped to their schools (staff_schools) as a site administrator is.
 */
export type StaffRole = 'district_admin' | 'permit_staff' | 'site_admin' | 'auditor' | 'school_office' | 'teacher';

export interface StaffTable {
  id: string;
  district_id: string;
  email: string;
  first_name: string;
  last_name: string;
  role: StaffRole;
  password_hash: string | null;
  activated_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface StaffSchoolsTable {
  staff_id: string;
  school_id: string;
}

export interface StaffTokensTable {
  token_hash: string;
  staff_id: string;
  purpose: 'activate' | 'reset';
  expires_at: string;
  used_at: string | null;
  created_at: string;
}

export interface AuditLogTable {
  id: string;
  at: string;
  staff_id: string;
  district_id: string;
  action: string;
  entity_type: string;
  entity_id: string | null;
  ip: string;
  detail: string | null;
  /** PRV-2: 'refused' when the record was not theirs to see or the action not theirs to take. */
  outcome: AuditOutcome;
  /** The actor's own district; a refused attempt is filed under the district of the record tried. */
  actor_district_id: string | null;
}

export type AuditOutcome = 'allowed' | 'refused';

export type DecisionKind = 'approved' | 'denied' | 'deemed_denied' | 'revoked' | 'abandoned';

export interface DecisionsTable {
  id: string;
  application_id: string;
  kind: DecisionKind;
  reasons: string; // JSON array of reason codes
  note: string | null;
  decided_on: string;
  decided_at: string;
  decided_by: string | null;
  appeal_until: string | null;
  no_appeal_reason: string | null;
  language: string;
}

export interface PermitsTable {
  id: string;
  application_id: string;
  decision_id: string;
  verification_code: string;
  school_id: string;
  grade: string;
  first_year: string;
  last_year: string;
  renew_yearly: number;
  status: 'active' | 'revoked';
  issued_at: string;
  revoked_at: string | null;
}

export interface SeatCountsTable {
  school_id: string;
  school_year: string;
  grade: string;
  used: number;
}

export interface InfoRequestsTable {
  id: string;
  application_id: string;
  message: string;
  doc_codes: string; // JSON array
  due_on: string;
  created_by: string;
  created_at: string;
  answered_at: string | null;
  closed_at: string | null;
}

export interface AppealsTable {
  id: string;
  application_id: string;
  decision_id: string;
  filed_on: string;
  outcome: 'pending' | 'upheld' | 'overturned';
  outcome_on: string | null;
  note: string | null;
  recorded_by: string;
  created_at: string;
}

export interface IdempotencyKeysTable {
  key_hash: string;
  route: string;
  status: number | null;
  location: string | null;
  created_at: string;
}

export interface SchoolApprovalsTable {
  id: string;
  application_id: string;
  school_id: string;
  role: 'residence' | 'requested';
  decision: 'approved' | 'denied';
  note: string | null;
  decided_by: string;
  decided_at: string;
}

export interface AddressRangesTable {
  district_id: string;
  street: string; // normalised
  number_from: number;
  number_to: number;
  side: 'odd' | 'even' | 'both';
  zip: string;
  grade_from: number; // index in GRADES
  grade_to: number;
  school_code: string;
  line: number;
}

export interface ProvisionalEnrollmentsTable {
  id: string;
  application_id: string;
  school_id: string;
  first_day: string;
  ends_on: string;
  warn_on: string;
  warned_at: string | null;
  ended_at: string | null;
  recorded_by: string;
  recorded_at: string;
}

export interface PermitReviewsTable {
  id: string;
  permit_id: string;
  reviewed_on: string;
  outcome: 'continue' | 'concern';
  note: string | null;
  reviewed_by: string;
  created_at: string;
}

export interface AddressChangesTable {
  id: string;
  student_id: string;
  moved_on: string;
  reported_on: string;
  late: number;
  old_address: string;
  new_address: string;
  advice: string;
  created_at: string;
}

export type EnrollmentStatus = 'pre_enrolled' | 'active' | 'exited';

/** A student's enrollment at a school for a school year (issue 15; written only by modules/enrollment/roll.ts). */
export interface EnrollmentsTable {
  id: string;
  district_id: string;
  school_id: string;
  student_id: string;
  school_year: string;
  grade: string;
  status: EnrollmentStatus;
  /** A code of the district's entry types (WDR-4), stored as text. */
  entry_type: string;
  /** ENR-3: the first day of in-seat attendance; null while pre-enrolled. */
  entry_date: string | null;
  exit_date: string | null;
  exit_code: string | null;
  /** 1 for the student's primary school: at most one active primary enrollment per student. */
  is_primary: number;
  /** The permit's request this enrollment came from (ENR-7), if any. */
  application_id: string | null;
  /** ENR-7: the CALPADS student school transfer code (e.g. '1', a formal inter-district agreement), if any. */
  transfer_code: string | null;
  /** ENR-7: the district of geographic residence (its CDS code or the hosted district's slug), if known. */
  residence_district: string | null;
  /** WDR-3: the first instructional day a pre-enrolled student is expected in the seat. */
  expected_first_day: string | null;
  /** The grade's place in TK, K, 1 … 12 (0 … 13), so a roll sorts by grade. */
  grade_rank: number;
  /** WDR-1: the document that supports the exit (enrollment_documents.id). */
  exit_document_id: string | null;
  created_at: string;
  updated_at: string;
}

/** ENR-2: a student's immunization status (not dose-level health records). */
export type ImmunizationStatus = 'complete' | 'conditional' | 'exempt' | 'missing';

/** What the roll knows of a student beyond the enrollment (ENR-1, ENR-2, ENR-5). */
export interface RollStudentsTable {
  student_id: string;
  district_id: string;
  /** Special population codes separated by commas ('' for none). */
  populations: string;
  immunization: ImmunizationStatus;
  /** A conditional admission's date (ENR-2). */
  immunization_until: string | null;
  /** JSON array of what is still to be collected ('records', 'immunizations', 'residence_proof'). */
  to_collect: string;
  emancipated: number;
  updated_at: string;
  updated_by: string;
}

/** ENR-4: a student's emergency contacts, in order. */
export interface EmergencyContactsTable {
  id: string;
  student_id: string;
  position: number;
  name: string;
  relationship: string;
  phone: string;
  alt_phone: string | null;
  email: string | null;
  language: string | null;
  created_at: string;
  updated_at: string;
  /** 'account:<id>' or 'staff:<id>'. */
  updated_by: string;
}

/** WDR-1: a document kept with an enrollment (a withdrawal's support). */
export interface EnrollmentDocumentsTable {
  id: string;
  enrollment_id: string;
  kind: string;
  storage_key: string;
  file_name: string;
  content_type: string;
  size_bytes: number;
  uploaded_by: string;
  uploaded_at: string;
}

export type ContactPurpose = 'due_diligence' | 'no_show' | 'investigation';

/** The contact log: due diligence (WDR-2), no-shows (WDR-3), investigations (ENR-6). */
export interface ContactAttemptsTable {
  id: string;
  enrollment_id: string;
  purpose: ContactPurpose;
  investigation_id: string | null;
  contacted_at: string;
  /** phone | email | letter | home_visit */
  method: string;
  reached: string | null;
  outcome: string;
  note: string | null;
  logged_by: string;
  created_at: string;
}

/** WDR-3: a pre-enrolled student flagged as not come by the evening of the first expected day. */
export interface NoShowsTable {
  enrollment_id: string;
  school_id: string;
  school_year: string;
  expected_day: string;
  flagged_at: string;
  resolved_at: string | null;
  resolution: 'came' | 'exited' | null;
}

/** ENR-6: an address investigation; the student stays enrolled throughout. */
export interface InvestigationsTable {
  id: string;
  enrollment_id: string;
  student_id: string;
  district_id: string;
  school_id: string;
  reason: string;
  school_error: number;
  status: 'open' | 'closed';
  outcome: 'confirmed' | 'corrected' | 'false' | null;
  choice: 'stay' | 'continuing_permit' | 'transfer_residence' | 'inter_district_permit' | null;
  note: string | null;
  opened_at: string;
  opened_by: string;
  closed_at: string | null;
  closed_by: string | null;
}

/** A student's identifier in the district's student information system (the roll's import). */
export interface StudentSourcesTable {
  district_id: string;
  source_id: string;
  student_id: string;
  created_at: string;
}

/** PRV-1: a parent's try at a linking code, refused ones too. */
export interface LinkAttemptsTable {
  id: string;
  at: string;
  account_id: string;
  ip: string;
  outcome: string;
  student_id: string | null;
}

/** PRV-1: a one-time code linking a student on the roll to a parent's account (only its hash kept). */
export interface LinkCodesTable {
  id: string;
  student_id: string;
  code_hash: string;
  created_by: string;
  created_at: string;
  expires_at: string;
  used_at: string | null;
  used_by: string | null;
}

/** What a permit's end tells a school office (ENR-7, DEC-10, DEC-11, DEC-13): never an exit by itself. */
export type RollNoticeKind = 'permit-revoked' | 'permit-ended-by-move';

/** A notice on a school's roll, open until the office marks it done (migration 0016). */
export interface RollNoticesTable {
  id: string;
  enrollment_id: string;
  district_id: string;
  school_id: string;
  student_id: string;
  kind: RollNoticeKind;
  application_id: string | null;
  /** What caused it: 'decision:<id>' (a revocation) or 'move:<address change id>'. */
  source: string;
  /** A catalog key that says more (the move's advice), or null. */
  detail: string | null;
  created_at: string;
  resolved_at: string | null;
  /** 'staff:<id>' */
  resolved_by: string | null;
}

/** The history of an enrollment: who, when, what, from, to. */
export interface EnrollmentEventsTable {
  id: string;
  enrollment_id: string;
  at: string;
  actor: string;
  what: string;
  from_status: EnrollmentStatus | null;
  to_status: EnrollmentStatus;
  note: string | null;
}

/** Attendance (issue 16, migration 0019): the tables below are written only by modules/attendance. */
export type AttendanceMode = 'daily' | 'period';
/** The Ed-Fi category of a mark's code, as the product counts it. */
export type MarkCategory = 'present' | 'in-attendance' | 'tardy' | 'early-departure' | 'excused' | 'unexcused';
/** What one student's day counts as (attendance/days.ts). */
export type DayStatus = 'present' | 'tardy' | 'partial' | 'absent-excused' | 'absent-unexcused';

/** One period of a school's bell schedule for a year (local 'HH:MM'). */
export interface BellPeriodsTable {
  id: string;
  school_id: string;
  school_year: string;
  code: string;
  label: string;
  starts_at: string;
  ends_at: string;
  position: number;
}

/** Whether a school takes attendance daily or by period in a year (daily when there is no row). */
export interface AttendanceSchoolsTable {
  school_id: string;
  school_year: string;
  mode: AttendanceMode;
  updated_at: string;
  updated_by: string;
}

/** A class section: a period and a teacher at a school in a year. */
export interface SectionsTable {
  id: string;
  district_id: string;
  school_id: string;
  school_year: string;
  code: string;
  name: string;
  period_code: string;
  /** The staff member who teaches it, or null while none is set. */
  teacher_id: string | null;
  created_at: string;
  updated_at: string;
}

/** A student in a section from a day to a day (to_date null: still in it). */
export interface SectionStudentsTable {
  id: string;
  section_id: string;
  student_id: string;
  school_id: string;
  from_date: string;
  to_date: string | null;
}

/** ATT-1: a section's roster submitted for a school day. */
export interface RosterSubmissionsTable {
  section_id: string;
  date: string;
  school_id: string;
  /** 'staff:<id>' */
  submitted_by: string;
  submitted_at: string;
  changed_at: string | null;
  /** ATT-7: the paper record a roster entered after the day rests on. */
  paper_record: string | null;
}

/** A mark that is not "present by default" (ADR 0035): one per section, day and student. */
export interface AttendanceMarksTable {
  id: string;
  district_id: string;
  school_id: string;
  section_id: string;
  student_id: string;
  date: string;
  code: string;
  category: MarkCategory;
  minutes: number | null;
  /** ATT-8: 1 when this mark makes its day count toward truancy. */
  truancy: number;
  explanation_id: string | null;
  recorded_by: string;
  recorded_at: string;
}

/** ATT-7: one change of a mark; from_code null is "present by default". */
export interface AttendanceChangesTable {
  id: string;
  district_id: string;
  school_id: string;
  section_id: string;
  student_id: string;
  date: string;
  from_code: string | null;
  from_minutes: number | null;
  to_code: string | null;
  to_minutes: number | null;
  /** 'staff:<id>' or 'explanation:<id>' */
  changed_by: string;
  changed_at: string;
  reason: string;
  paper_record: string | null;
}

/** One student's day with a mark that is not "present by default", kept from its marks. */
export interface AttendanceDaysTable {
  student_id: string;
  date: string;
  district_id: string;
  school_id: string;
  school_year: string;
  scheduled: number;
  absent_periods: number;
  excused_periods: number;
  tardies: number;
  status: DayStatus;
  truant: number;
  unexplained: number;
  updated_at: string;
}

/** A student's counts at a school in a year (ATT-4, ATT-8), kept as the days change. */
export interface AttendanceTotalsTable {
  student_id: string;
  school_id: string;
  school_year: string;
  district_id: string;
  /** The position (1 = first) among the year's school days of the first day counted as enrolled. */
  first_ordinal: number;
  days_absent: number;
  days_excused: number;
  partial_days: number;
  tardies: number;
  truant_days: number;
  unexplained_days: number;
  updated_at: string;
}

export type ExplanationChannel = 'account' | 'in-person' | 'phone' | 'paper';
export type ExplanationStatus = 'pending' | 'accepted' | 'refused';

/** ATT-2: an explanation of an absence and the office's answer. */
export interface AbsenceExplanationsTable {
  id: string;
  district_id: string;
  school_id: string;
  student_id: string;
  account_id: string | null;
  channel: ExplanationChannel;
  from_date: string;
  to_date: string;
  part: 'whole' | 'part';
  reason: string;
  note: string;
  /** The photo of a note in the platform's storage, or null. */
  document_key: string | null;
  document_name: string | null;
  document_type: string | null;
  language: string;
  status: ExplanationStatus;
  code: string | null;
  refusal: string | null;
  /** 'account:<id>' or 'staff:<id>' */
  created_by: string;
  created_at: string;
  decided_by: string | null;
  decided_at: string | null;
  removed_at: string | null;
}

/** ATT-6: a lower limit of parent-excused absences for one student at a school in a year. */
export interface AttendanceLimitsTable {
  student_id: string;
  school_id: string;
  school_year: string;
  max_parent_excused: number;
  reason: string;
  set_by: string;
  set_at: string;
}

/** ATT-5: a truancy notification (1 to 3) in a year. */
export interface TruancyNoticesTable {
  id: string;
  district_id: string;
  school_id: string;
  student_id: string;
  school_year: string;
  number: number;
  status: 'proposed' | 'sent';
  truant_days: number;
  language: string;
  proposed_at: string;
  sent_at: string | null;
  sent_by: string | null;
}

export type ReferralKind = 'conference' | 'sart' | 'resource-panel' | 'sarb';

/** ATT-5: a conference or a SART, Resource Panel or SARB referral. */
export interface AttendanceReferralsTable {
  id: string;
  district_id: string;
  school_id: string;
  student_id: string;
  school_year: string;
  kind: ReferralKind;
  held_on: string;
  participants: string;
  outcome: string;
  recorded_by: string;
  recorded_at: string;
}

/** ATT-4's trend: a school's counts on one school day (written by the evening step). */
export interface AttendanceSnapshotsTable {
  school_id: string;
  date: string;
  district_id: string;
  school_year: string;
  enrolled: number;
  chronic_state: number;
  chronic_district: number;
  at_risk: number;
  /** The school's attendance rate over the year so far, in hundredths of a percent. */
  rate_bp: number;
  created_at: string;
}

/** Issue 16 point 10: the attendance record behind a decision for attendance (JSON of decisions/attendance-hooks.ts AttendanceSnapshot). */
export interface DecisionAttendanceTable {
  decision_id: string;
  student_id: string;
  record: string;
  taken_at: string;
}

/** Issue 16 point 10: an attendance record issued as a request's document, checked by its code. */
export interface AttendanceRecordsTable {
  id: string;
  application_id: string;
  student_id: string;
  district_id: string;
  verification_code: string;
  record: string;
  document_id: string;
  issued_on: string;
  issued_at: string;
  issued_by: string;
}

export interface Database {
  attendance_records: AttendanceRecordsTable;
  decision_attendance: DecisionAttendanceTable;
  attendance_snapshots: AttendanceSnapshotsTable;
  bell_periods: BellPeriodsTable;
  attendance_schools: AttendanceSchoolsTable;
  sections: SectionsTable;
  section_students: SectionStudentsTable;
  roster_submissions: RosterSubmissionsTable;
  attendance_marks: AttendanceMarksTable;
  attendance_changes: AttendanceChangesTable;
  attendance_days: AttendanceDaysTable;
  attendance_totals: AttendanceTotalsTable;
  absence_explanations: AbsenceExplanationsTable;
  attendance_limits: AttendanceLimitsTable;
  truancy_notices: TruancyNoticesTable;
  attendance_referrals: AttendanceReferralsTable;
  enrollments: EnrollmentsTable;
  enrollment_events: EnrollmentEventsTable;
  roll_students: RollStudentsTable;
  emergency_contacts: EmergencyContactsTable;
  enrollment_documents: EnrollmentDocumentsTable;
  contact_attempts: ContactAttemptsTable;
  no_shows: NoShowsTable;
  investigations: InvestigationsTable;
  link_codes: LinkCodesTable;
  link_attempts: LinkAttemptsTable;
  student_sources: StudentSourcesTable;
  roll_notices: RollNoticesTable;
  school_approvals: SchoolApprovalsTable;
  address_ranges: AddressRangesTable;
  provisional_enrollments: ProvisionalEnrollmentsTable;
  permit_reviews: PermitReviewsTable;
  address_changes: AddressChangesTable;
  idempotency_keys: IdempotencyKeysTable;
  decisions: DecisionsTable;
  permits: PermitsTable;
  seat_counts: SeatCountsTable;
  info_requests: InfoRequestsTable;
  appeals: AppealsTable;
  staff: StaffTable;
  staff_schools: StaffSchoolsTable;
  staff_tokens: StaffTokensTable;
  audit_log: AuditLogTable;
  districts: DistrictsTable;
  schools: SchoolsTable;
  users: UsersTable;
  user_tokens: UserTokensTable;
  sessions: SessionsTable;
  rate_limits: RateLimitsTable;
  students: StudentsTable;
  applications: ApplicationsTable;
  student_name_words: StudentNameWordsTable;
  student_name_pairs: StudentNamePairsTable;
  application_events: ApplicationEventsTable;
  documents: DocumentsTable;
  outbox: OutboxTable;
}
