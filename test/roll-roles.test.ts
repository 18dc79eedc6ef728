import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD } from './support/parents.js';
import { request, staffMember, withRequiredDocuments } from './support/staff.js';
import { samplePdf } from './support/files.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { section } from './support/attendance.js';
import { newId } from '../src/platform/ids.js';
import type { StaffRole } from '../src/platform/db/schema.js';
import { StaffService } from '../src/modules/staff/service.js';
import { RequestScope } from '../src/modules/access/request-scope.js';
import { declareModules } from '../src/modules/index.js';
import type { ModuleDeclaration } from '../src/platform/modules.js';

/**
 * The role matrix of issue 15 (point 10; PRV-1, PRV-2): who opens which page, permit side and
 * roll side, for every role of the Los Angeles sample district — its school office and teacher
 * given Elm Street Elementary (1001), its site administrator the same school — and the same six
 * roles of Paramount (their school: Orchard Lane, 101). Each answer that refuses (403 "your role
 * cannot", 404 "not found") must also leave one refused entry in the audit log.
 *
 * A route that lands later is one more line in PERMIT_SIDE or ROLL_SIDE: its method, its path
 * (built from the fixtures), the form it posts, and the twelve answers in WHO's order.
 */
const WHO = ['admin', 'clerk', 'site', 'auditor', 'office', 'teacher', 'pAdmin', 'pClerk', 'pSite', 'pAuditor', 'pOffice', 'pTeacher'] as const;
type Who = (typeof WHO)[number];
const ROLE: Record<Who, [district: string, role: StaffRole, schools: string[]]> = {
  admin: [ROLL.district, 'district_admin', []],
  clerk: [ROLL.district, 'permit_staff', []],
  site: [ROLL.district, 'site_admin', ['1001']],
  auditor: [ROLL.district, 'auditor', []],
  office: [ROLL.district, 'school_office', ['1001']],
  teacher: [ROLL.district, 'teacher', ['1001']],
  pAdmin: ['paramount-sample', 'district_admin', []],
  pClerk: ['paramount-sample', 'permit_staff', []],
  pSite: ['paramount-sample', 'site_admin', ['101']],
  pAuditor: ['paramount-sample', 'auditor', []],
  pOffice: ['paramount-sample', 'school_office', ['101']],
  pTeacher: ['paramount-sample', 'teacher', ['101']],
};

/**
 * Twelve answers in WHO's order: "Los Angeles' six | Paramount's six". Each is an HTTP status; a
 * refusal (403, 404) is also one refused entry in the audit log, and so is a status marked "!"
 * (a form refused on its field for a reason of access, as a school that is not the office's).
 */
const answers = (row: string): { status: number; audited: boolean }[] => {
  const n = row.split(/\s+/).filter((x) => x && x !== '|').map((x) => {
    const status = Number(x.replace('!', ''));
    return { status, audited: x.endsWith('!') || status === 403 || status === 404 };
  });
  if (n.length !== WHO.length) throw new Error(`twelve answers expected: ${row}`);
  return n;
};

/** A student typed in at the counter (ENR-1), enrolled at `school` from today. */
const counterForm = (school: string): Record<string, string> => ({
  first_name: 'Ana', last_name: 'Quintero', dob_month: '5', dob_day: '20', dob_year: '2018', address_line1: '200 Olive Street', city: 'Los Angeles', state: 'CA', zip: '90011',
  school, school_year: ROLL.year, grade: '2', entry_type: 'new', entry_month: '12', entry_day: '1', entry_year: '2026', immunization: 'complete',
});

/** The page's own content, without the header (whose language link carries the address). */
const mainOf = (html: string): string => /<main[\s\S]*<\/main>/.exec(html)?.[0] ?? '';

/** What the cases are built from: a Los Angeles request of Elm Street with a document and a letter; students on rolls. */
interface Fixtures {
  request: string;
  document: string;
  decision: string;
  /** Active at Elm Street (1001), the office's and teacher's school. */
  elmStudent: string;
  elmEnrollment: string;
  /** A Los Angeles staff account whose invitation is still pending. */
  pendingStaff: string;
  /** A document kept with an Elm Street enrollment (WDR-1). */
  elmDocument: string;
  /** An open notice of a revoked permit on an Elm Street enrollment (ENR-7). */
  elmNotice: string;
  /** An open address investigation of another student of Elm Street. */
  elmInvestigation: string;
  /** Pre-enrolled at Elm Street, expected on its first day. */
  elmPreEnrollment: string;
  /** Active at Sunrise Avenue (1002): another school of the district. */
  sunriseStudent: string;
  sunriseEnrollment: string;
  /** Active at Orchard Lane, Paramount. */
  paramountStudent: string;
  /** A truancy notification already sent about the Elm Street student (ATT-5). */
  elmTruancyNotice: string;
  /** A section at Elm Street taught by the Los Angeles teacher, with one student of its own (ATT-1). */
  elmSection: string;
  elmSectionStudent: string;
}
interface Case {
  method: 'GET' | 'POST';
  path: (f: Fixtures) => string;
  form?: (f: Fixtures) => Record<string, string>;
  /** A file posted with the form (multipart), as an import is. */
  file?: { field: string; filename: string; contentType: string; data: Buffer };
  expect: string;
}

/** A CSV file no import takes (every line wrong): refused whole, nothing replaced. */
const BAD_CSV = { field: 'file', filename: 'wrong.csv', contentType: 'text/csv', data: Buffer.from('not,a,header\n1,2,3\n') };

/**
 * The permit office's pages and actions (PRV-1): a school's roles get "your role cannot" (403)
 * on every one, for a record that exists as for one that does not; the permit roles answer as
 * before (a site administrator and an auditor read, only the permit office acts; another
 * district's request is "not found").
 */
const PERMIT_SIDE: Record<string, Case> = {
  dashboard: { method: 'GET', path: () => '/staff/dashboard', expect: '200 200 200 200 403 403 | 200 200 200 200 403 403' },
  queue: { method: 'GET', path: () => '/staff/queue', expect: '200 200 200 200 403 403 | 200 200 200 200 403 403' },
  'queue CSV': { method: 'GET', path: () => '/staff/queue.csv', expect: '200 200 200 200 403 403 | 200 200 200 200 403 403' },
  'document search': { method: 'GET', path: () => '/staff/documents?q=Mateo', expect: '200 200 200 200 403 403 | 200 200 200 200 403 403' },
  'permit reviews': { method: 'GET', path: () => '/staff/reviews', expect: '200 200 200 200 403 403 | 200 200 200 200 403 403' },
  'request page': { method: 'GET', path: (f) => `/staff/requests/${f.request}`, expect: '200 200 200 200 403 403 | 404 404 404 404 403 403' },
  'no such request': { method: 'GET', path: () => `/staff/requests/${newId()}`, expect: '404 404 404 404 403 403 | 404 404 404 404 403 403' },
  'document download': { method: 'GET', path: (f) => `/staff/requests/${f.request}/documents/${f.document}`, expect: '200 200 200 200 403 403 | 404 404 404 404 403 403' },
  'document view': { method: 'GET', path: (f) => `/staff/requests/${f.request}/documents/${f.document}/view`, expect: '200 200 200 200 403 403 | 404 404 404 404 403 403' },
  'document review page': { method: 'GET', path: (f) => `/staff/requests/${f.request}/documents/${f.document}/review`, expect: '200 200 403 403 403 403 | 404 404 404 404 403 403' },
  letter: { method: 'GET', path: (f) => `/staff/requests/${f.request}/letters/${f.decision}.pdf`, expect: '200 200 200 200 403 403 | 404 404 404 404 403 403' },
  // Posts with nothing filled in: a role that may act sees the form's problem (400), the others are refused.
  'review a document': { method: 'POST', path: (f) => `/staff/requests/${f.request}/documents/${f.document}/review`, form: () => ({}), expect: '400 400 403 403 403 403 | 404 404 404 404 403 403' },
  // The request is denied: those who may decide get the rule's answer (409: already decided; an
  // incoming request has no schools' decisions); the rest are refused.
  approve: { method: 'POST', path: (f) => `/staff/requests/${f.request}/approve`, form: () => ({}), expect: '409 409 403 403 403 403 | 404 404 403 403 403 403' },
  deny: { method: 'POST', path: (f) => `/staff/requests/${f.request}/deny`, form: () => ({}), expect: '409 409 403 403 403 403 | 404 404 403 403 403 403' },
  'ask for information': { method: 'POST', path: (f) => `/staff/requests/${f.request}/request-info`, form: () => ({}), expect: '409 409 403 403 403 403 | 404 404 403 403 403 403' },
  'record an appeal': { method: 'POST', path: (f) => `/staff/requests/${f.request}/appeal`, form: () => ({}), expect: '400 400 403 403 403 403 | 404 404 403 403 403 403' },
  "an appeal's outcome": { method: 'POST', path: (f) => `/staff/requests/${f.request}/appeal-outcome`, form: () => ({}), expect: '409 409 403 403 403 403 | 404 404 403 403 403 403' },
  "the school of residence's decision": { method: 'POST', path: (f) => `/staff/requests/${f.request}/school-decision/residence`, form: () => ({}), expect: '409 409 409 409 403 403 | 404 404 404 404 403 403' },
  "the requested school's decision": { method: 'POST', path: (f) => `/staff/requests/${f.request}/school-decision/requested`, form: () => ({}), expect: '409 409 409 409 403 403 | 404 404 404 404 403 403' },
  // A role that may not take an action is refused it (403) before its record is looked up, in any district.
  'student ID': { method: 'POST', path: (f) => `/staff/requests/${f.request}/student-number`, form: () => ({ student_number: 'not valid!' }), expect: '400 400 403 403 403 403 | 404 404 403 403 403 403' },
  // The request is denied: those who may act get the rule's answer (409: nothing to revoke, no pending request to seat).
  revoke: { method: 'POST', path: (f) => `/staff/requests/${f.request}/revoke`, form: () => ({}), expect: '409 409 403 403 403 403 | 404 404 403 403 403 403' },
  // Issue 16 point 10: the request's student is on no roll, so those who may act are told there is no record (409).
  'issue the attendance record': { method: 'POST', path: (f) => `/staff/requests/${f.request}/attendance-record`, expect: '409 409 403 403 403 403 | 404 404 404 404 403 403' },
  'provisional enrollment': { method: 'POST', path: (f) => `/staff/requests/${f.request}/provisional`, form: () => ({}), expect: '409 409 409 403 403 403 | 404 404 404 404 403 403' },
  'permit review': { method: 'POST', path: () => `/staff/reviews/${newId()}`, form: () => ({ outcome: 'continue' }), expect: '404 404 404 404 403 403 | 404 404 404 404 403 403' },
  // The district's own set-up: district administrators only, as before.
  'audit log': { method: 'GET', path: () => '/staff/audit', expect: '200 404 404 200 404 404 | 200 404 404 200 404 404' },
  team: { method: 'GET', path: () => '/staff/team', expect: '200 404 404 404 404 404 | 200 404 404 404 404 404' },
  'address ranges': { method: 'GET', path: () => '/staff/addresses', expect: '200 403 403 403 403 403 | 200 403 403 403 403 403' },
  invite: { method: 'POST', path: () => '/staff/team/invite', form: () => ({}), expect: '400 404 404 404 404 404 | 400 404 404 404 404 404' },
  'resend an invitation': { method: 'POST', path: (f) => `/staff/team/${f.pendingStaff}/resend`, form: () => ({}), expect: '303 404 404 404 404 404 | 404 404 404 404 404 404' },
  'import address ranges': { method: 'POST', path: () => '/staff/addresses', file: BAD_CSV, expect: '400 403 403 403 403 403 | 400 403 403 403 403 403' },
  reports: { method: 'GET', path: () => '/staff/reports', expect: '200 200 200 200 200 200 | 200 200 200 200 200 200' },
};

/**
 * The roll's pages and actions (issue 15): district administrators every school, the school's
 * office and teachers their schools (teachers read only); the permit office, site
 * administrators and auditors do not read the roll; outside the scope everything is "not found".
 */
const ROLL_SIDE: Record<string, Case> = {
  "Elm Street's roll": { method: 'GET', path: () => `/staff/roll?school=${ROLL.elm}`, expect: '200 404 404 404 200 200 | 404 404 404 404 404 404' },
  "Sunrise Avenue's roll": { method: 'GET', path: () => `/staff/roll?school=${ROLL.sunrise}`, expect: '200 404 404 404 404 404 | 404 404 404 404 404 404' },
  'own roll': { method: 'GET', path: () => '/staff/roll', expect: '200 404 404 404 200 200 | 200 404 404 404 200 200' },
  'a student of Elm Street': { method: 'GET', path: (f) => `/staff/roll/students/${f.elmStudent}`, expect: '200 404 404 404 200 200 | 404 404 404 404 404 404' },
  'a student of Sunrise Avenue': { method: 'GET', path: (f) => `/staff/roll/students/${f.sunriseStudent}`, expect: '200 404 404 404 404 404 | 404 404 404 404 404 404' },
  'a student of Paramount': { method: 'GET', path: (f) => `/staff/roll/students/${f.paramountStudent}`, expect: '404 404 404 404 404 404 | 200 404 404 404 200 200' },
  // Keeping the roll (canKeepRoll): a teacher reads the contacts but changes nothing of the roll (403);
  // posts with nothing filled in give the form's problem (400) to those who may.
  'emergency contacts form': { method: 'GET', path: (f) => `/staff/roll/students/${f.elmStudent}/emergency-contacts`, expect: '200 404 404 404 200 200 | 404 404 404 404 404 404' },
  'save emergency contacts': { method: 'POST', path: (f) => `/staff/roll/students/${f.elmStudent}/emergency-contacts`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'withdrawal form': { method: 'GET', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/withdraw`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'withdrawal form, Sunrise': { method: 'GET', path: (f) => `/staff/roll/enrollments/${f.sunriseEnrollment}/withdraw`, expect: '200 404 404 404 404 404 | 404 404 404 404 404 404' },
  withdraw: { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/withdraw`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'a not-attending letter, no language chosen': { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/not-attending-letter`, form: () => ({ language: 'xx' }), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'log a contact attempt': { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/contacts`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'investigation form': { method: 'GET', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/investigations`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'open an investigation': { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/investigations`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  "Elm Street's investigations": { method: 'GET', path: () => `/staff/roll/investigations?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'own investigations': { method: 'GET', path: () => '/staff/roll/investigations', expect: '200 404 404 404 200 403 | 200 404 404 404 200 403' },
  // The no-show list answers a role that does not keep a roll "your role cannot" (403) rather than "not found".
  "Elm Street's no-shows": { method: 'GET', path: () => `/staff/roll/no-shows?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  'own no-shows': { method: 'GET', path: () => '/staff/roll/no-shows', expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  // Not flagged yet (the evening's step has not run): those who may act get the rule's answer (409).
  'a no-show came': { method: 'POST', path: (f) => `/staff/roll/no-shows/${f.elmPreEnrollment}/came`, form: () => ({}), expect: '409 403 403 403 409 403 | 404 403 403 403 404 403' },
  'no-show contact attempt': { method: 'POST', path: (f) => `/staff/roll/no-shows/${f.elmPreEnrollment}/contacts`, form: () => ({}), expect: '409 403 403 403 409 403 | 404 403 403 403 404 403' },
  'enrollment form': { method: 'GET', path: () => `/staff/roll/enroll?school=${ROLL.elm}`, expect: '200 404 404 404 200 404 | 200 404 404 404 200 404' },
  'enrollment form, a student of Elm Street': { method: 'GET', path: (f) => `/staff/roll/enroll?student=${f.elmStudent}`, expect: '200 404 404 404 200 404 | 404 404 404 404 404 404' },
  'enroll, nothing filled in': { method: 'POST', path: () => '/staff/roll/enroll', form: () => ({}), expect: '400 404 404 404 400 404 | 400 404 404 404 400 404' },
  // Issue 15's bad input: an office of school A enrolling into school B is refused on the school
  // field (400) and audited, as is another district's staff naming this district's school; the
  // district administrator enrolls (303).
  'enroll at the counter into Sunrise Avenue': { method: 'POST', path: () => '/staff/roll/enroll', form: () => counterForm(ROLL.sunrise), expect: '303 404 404 404 400! 404 | 400! 404 404 404 400! 404' },
  'roll facts form': { method: 'GET', path: (f) => `/staff/roll/students/${f.elmStudent}/facts`, expect: '200 404 404 404 200 404 | 404 404 404 404 404 404' },
  'save roll facts': { method: 'POST', path: (f) => `/staff/roll/students/${f.elmStudent}/facts`, form: () => ({}), expect: '400 404 404 404 400 404 | 404 404 404 404 404 404' },
  'first day in the seat': { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmPreEnrollment}/start`, form: () => ({}), expect: '400 404 404 404 400 404 | 404 404 404 404 404 404' },
  'transfer form': { method: 'GET', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/transfer`, expect: '200 404 404 404 200 404 | 404 404 404 404 404 404' },
  transfer: { method: 'POST', path: (f) => `/staff/roll/enrollments/${f.elmEnrollment}/transfer`, form: () => ({}), expect: '400 404 404 404 400 404 | 404 404 404 404 404 404' },
  'family account page': { method: 'GET', path: (f) => `/staff/roll/students/${f.elmStudent}/link`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  // A one-time code, shown once (200): made by those who keep the student's roll; a new code replaces the last.
  'a linking code': { method: 'POST', path: (f) => `/staff/roll/students/${f.elmStudent}/link-code`, form: () => ({}), expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'link an account, nothing filled in': { method: 'POST', path: (f) => `/staff/roll/students/${f.elmStudent}/link`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'unlink, nothing linked': { method: 'POST', path: (f) => `/staff/roll/students/${f.elmStudent}/unlink`, form: () => ({}), expect: '409 404 404 404 409 403 | 404 404 404 404 404 404' },
  // A district's own import page: another district's staff get theirs, whatever school is named.
  'import page': { method: 'GET', path: () => `/staff/roll/import?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  'an investigation at Elm Street': { method: 'GET', path: (f) => `/staff/roll/investigations/${f.elmInvestigation}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'close an investigation, nothing filled in': { method: 'POST', path: (f) => `/staff/roll/investigations/${f.elmInvestigation}`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'log an investigation step': { method: 'POST', path: (f) => `/staff/roll/investigations/${f.elmInvestigation}/contacts`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // A file no import takes: refused whole (400) for those who may import; another district's
  // office imports only into its own schools, whatever school is named.
  'import enrollments': { method: 'POST', path: () => `/staff/roll/import?school=${ROLL.elm}`, form: () => ({ school: ROLL.elm }), file: BAD_CSV, expect: '400 403 403 403 400 403 | 400 403 403 403 400 403' },
  // A withdrawal's document is read by those who read the roll, teachers included; a notice is the office's.
  "a withdrawal's document": { method: 'GET', path: (f) => `/staff/roll/enrollment-documents/${f.elmDocument}`, expect: '200 404 404 404 200 200 | 404 404 404 404 404 404' },
  'a notice done': { method: 'POST', path: (f) => `/staff/roll/notices/${f.elmNotice}/done`, form: () => ({}), expect: '303 404 404 404 303 403 | 404 404 404 404 404 404' },
  "Elm Street's notices": { method: 'GET', path: () => `/staff/roll/notices?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  // Issue 16 point 1: sections, the bell schedule and the sections import are the office's (canKeepAttendance) within its schools; a teacher
  // "your role cannot" (403), even for a section of their own; the roles that do not read the roll, another school and another district "not found".
  "Elm Street's sections": { method: 'GET', path: () => `/staff/attendance/sections?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'own sections': { method: 'GET', path: () => '/staff/attendance/sections', expect: '200 404 404 404 200 403 | 200 404 404 404 200 403' },
  'new section form': { method: 'GET', path: () => `/staff/attendance/sections/new?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'add a section at Elm Street, nothing filled in': { method: 'POST', path: () => '/staff/attendance/sections/new', form: () => ({ school: ROLL.elm }), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'a section of Elm Street': { method: 'GET', path: (f) => `/staff/attendance/sections/${f.elmSection}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'change a section, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/sections/${f.elmSection}`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'add a student to a section, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/sections/${f.elmSection}/students`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // A membership that is not the section's: "not found" to those who keep the section too.
  'end a membership the section does not have': { method: 'POST', path: (f) => `/staff/attendance/sections/${f.elmSection}/students/${newId()}/end`, form: () => ({}), expect: '404 404 404 404 404 403 | 404 404 404 404 404 404' },
  "Elm Street's bell schedule": { method: 'GET', path: () => `/staff/attendance/schedule?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'save a bell schedule, nothing filled in': { method: 'POST', path: () => `/staff/attendance/schedule?school=${ROLL.elm}`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  'sections import page': { method: 'GET', path: () => `/staff/attendance/import?school=${ROLL.elm}`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'import sections': { method: 'POST', path: () => `/staff/attendance/import?school=${ROLL.elm}`, file: BAD_CSV, expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // ATT-4: chronic absence is the office's (canKeepAttendance), other roles "your role cannot"; the district's list (school=all) a district administrator's.
  "Elm Street's chronic absence": { method: 'GET', path: () => `/staff/attendance/chronic?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  'own chronic absence': { method: 'GET', path: () => '/staff/attendance/chronic', expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  "the district's chronic absence": { method: 'GET', path: () => '/staff/attendance/chronic?school=all', expect: '200 403 403 403 404 403 | 200 403 403 403 404 403' },
  "Elm Street's chronic absence, CSV": { method: 'GET', path: () => `/staff/attendance/chronic.csv?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  // ATT-5: truancy is the office's (canKeepAttendance); the worklist answers other roles "your role cannot" as the no-show list does.
  "Elm Street's truancy worklist": { method: 'GET', path: () => `/staff/attendance/truancy?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  'own truancy worklist': { method: 'GET', path: () => '/staff/attendance/truancy', expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  'a truancy letter': { method: 'GET', path: (f) => `/staff/attendance/truancy/${f.elmTruancyNotice}/letter.pdf`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  // Already sent: those who keep attendance are told it is sent once (409), nothing sent again.
  'send a truancy notification again': { method: 'POST', path: (f) => `/staff/attendance/truancy/${f.elmTruancyNotice}/send`, form: () => ({}), expect: '409 404 404 404 409 403 | 404 404 404 404 404 404' },
  "a student's referrals": { method: 'GET', path: (f) => `/staff/attendance/students/${f.elmStudent}/referrals`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'record a referral, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/students/${f.elmStudent}/referrals`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // ATT-6: a student's limit of parent-excused absences is the attendance office's (canKeepAttendance); its teacher "your role cannot".
  "a student's limit of parent-excused absences": { method: 'GET', path: (f) => `/staff/attendance/students/${f.elmStudent}/limit`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'set a limit, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/students/${f.elmStudent}/limit`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // Issue 16 point 9: a student's attendance page — the office's schools, a district administrator's district, a teacher only students of their own sections (none here).
  "a student's attendance page": { method: 'GET', path: (f) => `/staff/attendance/students/${f.elmStudent}`, expect: '200 404 404 404 200 404 | 404 404 404 404 404 404' },
  // ATT-1: the day's sections — a teacher's own, the office's schools'; those who do not take attendance "not found".
  "the day's sections": { method: 'GET', path: () => '/staff/attendance', expect: '200 404 404 404 200 200 | 200 404 404 404 200 200' },
  // ATT-1: "attendance not submitted" is the office's (canKeepAttendance), other roles "your role cannot", as the no-show list.
  "Elm Street's attendance not submitted": { method: 'GET', path: () => `/staff/attendance/not-submitted?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  'own attendance not submitted': { method: 'GET', path: () => '/staff/attendance/not-submitted', expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  // A section's roster: its teacher, the office of its school, the district administrator; a student not on it is the form's problem (400), nothing written.
  "a section's roster": { method: 'GET', path: (f) => `/staff/attendance/sections/${f.elmSection}/days/2026-12-01`, expect: '200 404 404 404 200 200 | 404 404 404 404 404 404' },
  'submit a roster naming a student not on it': { method: 'POST', path: (f) => `/staff/attendance/sections/${f.elmSection}/days/2026-12-01`, form: (f) => ({ seen: '', [`mark-${f.elmStudent}`]: 'A' }), expect: '400 404 404 404 400 400 | 404 404 404 404 404 404' },
  // ATT-7: the office changes a mark later; the section's teacher "your role cannot".
  'change a mark form': { method: 'GET', path: (f) => `/staff/attendance/students/${f.elmSectionStudent}/marks/${f.elmSection}/2026-12-01`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'change a mark, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/students/${f.elmSectionStudent}/marks/${f.elmSection}/2026-12-01`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
  // ATT-2: explanations of absences are the attendance office's (canKeepAttendance); the queue answers other roles "your role cannot", as the no-show list.
  "Elm Street's explanations": { method: 'GET', path: () => `/staff/attendance/explanations?school=${ROLL.elm}`, expect: '200 403 403 403 200 403 | 404 403 403 403 404 403' },
  'own explanations': { method: 'GET', path: () => '/staff/attendance/explanations', expect: '200 403 403 403 200 403 | 200 403 403 403 200 403' },
  'no such explanation': { method: 'GET', path: () => `/staff/attendance/explanations/${newId()}`, expect: '404 404 404 404 404 404 | 404 404 404 404 404 404' },
  "no such explanation's photo": { method: 'GET', path: () => `/staff/attendance/explanations/${newId()}/document`, expect: '404 404 404 404 404 404 | 404 404 404 404 404 404' },
  'decide on no such explanation': { method: 'POST', path: () => `/staff/attendance/explanations/${newId()}`, form: () => ({ action: 'accept' }), expect: '404 404 404 404 404 404 | 404 404 404 404 404 404' },
  'record an explanation form': { method: 'GET', path: (f) => `/staff/attendance/students/${f.elmStudent}/explanations/new`, expect: '200 404 404 404 200 403 | 404 404 404 404 404 404' },
  'record an explanation, nothing filled in': { method: 'POST', path: (f) => `/staff/attendance/students/${f.elmStudent}/explanations/new`, form: () => ({}), expect: '400 404 404 404 400 403 | 404 404 404 404 404 404' },
};

/**
 * The staff routes the matrix leaves out, and why: the staff entrance itself, and the list of
 * reports, which is checked below by role. Every other `/staff/…` route must be a case above:
 * a route that lands without one fails the last test, named.
 */
const NOT_IN_THE_MATRIX = ['GET /staff', 'GET /staff/sign-in', 'POST /staff/sign-in', 'POST /staff/sign-out', 'GET /staff/activate/:token', 'POST /staff/activate/:token'];

/** Whether a case's address is an address of the route (`:name` a segment of its own). */
const matches = (route: string, url: string): boolean =>
  new RegExp(`^${route.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z]+/g, '[^/?]+')}(\\?.*)?$`).test(url);

for (const db of databases) {
  describe(`the role matrix of the roll (${db.name})`, () => {
    let t: TestApp;
    const clients = {} as Record<Who, TestClient>;
    const ids = {} as Record<Who, string>;
    let f: Fixtures;
    /** Every route the app registers, as "METHOD /path", recorded as the modules register them. */
    const routes: string[] = [];
    const recorder: ModuleDeclaration = {
      name: 'route-recorder',
      routes: async (app) => {
        app.addHook('onRoute', (r) => {
          for (const m of [r.method].flat()) if (m === 'GET' || m === 'POST') routes.push(`${m} ${r.url}`);
        });
      },
    };

    beforeAll(async () => {
      // Tuesday, December 1, 2026, mid-year.
      t = await makeTestApp({ dbUrl: db.url, now: '2026-12-01T18:00:00Z', modules: (deps) => {
        const declared = declareModules(deps);
        return { ...declared, modules: [recorder, ...declared.modules] };
      } });
      for (const who of WHO) {
        const [district, role, schools] = ROLE[who];
        const m = await staffMember(t, district, role, schools);
        clients[who] = m.client;
        ids[who] = m.id;
      }
      const app = await request(t, ROLL.district);
      const stored = await t.deps.storage.put(Readable.from([samplePdf('roles')]), { maxBytes: 1_000_000 });
      const document = newId();
      await t.deps.db.insertInto('documents').values({
        id: document, application_id: app.id, doc_type: 'pay-stub', original_name: 'stub.pdf', content_type: 'application/pdf', size_bytes: stored.size, sha256: stored.sha256,
        storage_key: stored.key, status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
      }).execute();
      await withRequiredDocuments(t, app);
      await clients.clerk.get(`/staff/requests/${app.id}`);
      expect((await clients.clerk.post(`/staff/requests/${app.id}/deny`, { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' })).status).toBe(303);
      const decision = await t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();
      const elm = await enrolledStudent(t, { schoolId: ROLL.elm });
      const sunrise = await enrolledStudent(t, { schoolId: ROLL.sunrise });
      const elmPre = await enrolledStudent(t, { schoolId: ROLL.elm, entryDate: null, expectedFirstDay: '2026-11-30' });
      const paramount = await enrolledStudent(t, { schoolId: 'paramount-sample:101', schoolYear: '2026-2027' });
      // An address investigation at Elm Street, opened by the district administrator.
      const investigated = await enrolledStudent(t, { schoolId: ROLL.elm });
      await clients.admin.get(`/staff/roll/enrollments/${investigated.enrollment.id}/investigations`);
      const opened = await clients.admin.post(`/staff/roll/enrollments/${investigated.enrollment.id}/investigations`, { reason: 'Mail returned from the address on record' });
      expect(opened.status).toBe(303);
      const investigation = await t.deps.db.selectFrom('investigations').select('id').where('enrollment_id', '=', investigated.enrollment.id).executeTakeFirstOrThrow();
      // A withdrawal's document and a notice of a revoked permit, on Elm Street enrollments.
      const kept = await t.deps.storage.put(Readable.from([samplePdf('affidavit')]), { maxBytes: 1_000_000 });
      const elmDocument = newId();
      await t.deps.db.insertInto('enrollment_documents').values({
        id: elmDocument, enrollment_id: investigated.enrollment.id, kind: 'private_school_affidavit', storage_key: kept.key, file_name: 'affidavit.pdf', content_type: 'application/pdf',
        size_bytes: kept.size, uploaded_by: `staff:${ids.admin}`, uploaded_at: t.clock.now().toISOString(),
      }).execute();
      const elmNotice = newId();
      await t.deps.db.insertInto('roll_notices').values({
        id: elmNotice, enrollment_id: investigated.enrollment.id, district_id: ROLL.district, school_id: ROLL.elm, student_id: investigated.student.id, kind: 'permit-revoked',
        application_id: null, source: `decision:${newId()}`, detail: null, created_at: t.clock.now().toISOString(), resolved_at: null, resolved_by: null,
      }).execute();
      const elmTruancyNotice = newId();
      await t.deps.db.insertInto('truancy_notices').values({
        id: elmTruancyNotice, district_id: ROLL.district, school_id: ROLL.elm, student_id: elm.student.id, school_year: ROLL.year, number: 1, status: 'sent',
        truant_days: 3, language: 'en', proposed_at: t.clock.now().toISOString(), sent_at: t.clock.now().toISOString(), sent_by: 'system',
      }).execute();
      const sectionStudent = await enrolledStudent(t, { schoolId: ROLL.elm });
      const elmSection = await section(t, { teacherId: ids.teacher, students: [sectionStudent.student.id] });
      const pending = await new StaffService(t.deps).create({ districtSlug: ROLL.district, email: 'pending.clerk@example.org', firstName: 'Ana', lastName: 'López', role: 'permit_staff' });
      if (!pending.ok) throw new Error(pending.problem.code);
      f = {
        pendingStaff: pending.value.id, elmDocument, elmNotice,
        elmInvestigation: investigation.id,
        request: app.id, document, decision: decision.id,
        elmStudent: elm.student.id, elmEnrollment: elm.enrollment.id, elmPreEnrollment: elmPre.enrollment.id,
        sunriseStudent: sunrise.student.id, sunriseEnrollment: sunrise.enrollment.id, paramountStudent: paramount.student.id,
        elmTruancyNotice,
        elmSection: elmSection.id, elmSectionStudent: sectionStudent.student.id,
      };
    });
    afterAll(() => t.close());

    const refusedCount = async (who: Who) =>
      Number((await t.deps.db.selectFrom('audit_log').select((eb) => eb.fn.countAll().as('n')).where('staff_id', '=', ids[who]).where('outcome', '=', 'refused').executeTakeFirstOrThrow()).n);

    /**
     * Every case for every role: the status, and whether exactly one refused entry was logged —
     * one when the answer refuses (403, 404), none otherwise. Compared whole, so a failure lists
     * every answer that differs.
     */
    const runMatrix = async (cases: Record<string, Case>) => {
      const seen: string[] = [];
      const wanted: string[] = [];
      for (const [name, c] of Object.entries(cases)) {
        const expected = answers(c.expect);
        for (const [i, who] of WHO.entries()) {
          const client = clients[who];
          const before = await refusedCount(who);
          let res;
          if (c.method === 'GET') res = await client.get(c.path(f));
          else {
            await client.get('/staff/reports'); // a fresh form token, as the page with the form would give
            res = c.file ? await client.postMultipart(c.path(f), c.form?.(f) ?? {}, [c.file]) : await client.post(c.path(f), c.form?.(f) ?? {});
          }
          const logged = (await refusedCount(who)) - before;
          seen.push(`${name}: ${who} ${res.status}${logged ? ` refused×${logged}` : ''}`);
          const want = expected[i];
          wanted.push(`${name}: ${who} ${want.status}${want.audited ? ' refused×1' : ''}`);
        }
      }
      expect(seen).toEqual(wanted);
    };

    it('PRV-1 PRV-2 a school office and teachers open none of the permit office\'s pages and take none of its actions, each attempt refused and audited; the permit roles answer as before', async () => {
      await runMatrix(PERMIT_SIDE);
      // Nothing a refused post tried was done: the request is as the clerk left it.
      const app = await t.deps.db.selectFrom('applications').select(['status', 'student_number']).where('id', '=', f.request).executeTakeFirstOrThrow();
      expect(app).toEqual({ status: 'denied', student_number: null });
      expect(await t.deps.db.selectFrom('provisional_enrollments').select('id').where('application_id', '=', f.request).execute()).toEqual([]);
      const doc = await t.deps.db.selectFrom('documents').select('status').where('id', '=', f.document).executeTakeFirstOrThrow();
      expect(doc.status).toBe('received');
    });

    it('PRV-1 PRV-2 the roll is read by district administrators (every school) and a school\'s office and teachers (their schools), by nobody else, and never across districts', async () => {
      await runMatrix(ROLL_SIDE);
      // Nothing a refused (or empty) post tried was kept: the roll is as it was.
      const enrollments = await t.deps.db.selectFrom('enrollments').select(['id', 'status']).where('id', 'in', [f.elmEnrollment, f.elmPreEnrollment, f.sunriseEnrollment]).orderBy('status').execute();
      expect(enrollments.map((e) => e.status)).toEqual(['active', 'active', 'pre_enrolled']);
      // The linking codes made were the district administrator's and the office's, nobody else's.
      const codes = await t.deps.db.selectFrom('link_codes').select('created_by').orderBy('created_at').orderBy('id').execute();
      expect(codes.map((c) => c.created_by).sort()).toEqual([ids.admin, ids.office].sort());
      for (const table of ['contact_attempts', 'emergency_contacts'] as const) {
        expect(await t.deps.db.selectFrom(table).select('id').execute(), table).toEqual([]);
      }
      expect(await t.deps.db.selectFrom('investigations').select('id').execute()).toEqual([{ id: f.elmInvestigation }]);
      // The counter enrollment into Sunrise Avenue was kept once: the district administrator's.
      const counter = await t.deps.db
        .selectFrom('students').innerJoin('enrollments', 'enrollments.student_id', 'students.id').innerJoin('enrollment_events', 'enrollment_events.enrollment_id', 'enrollments.id')
        .select(['enrollments.school_id', 'enrollment_events.actor']).where('students.last_name', '=', 'Quintero').execute();
      expect(counter).toEqual([{ school_id: ROLL.sunrise, actor: `staff:${ids.admin}` }]);
      // Issue 16 point 1: no refused (or empty) post added a section, a student to one, a bell period or a mode.
      expect(await t.deps.db.selectFrom('sections').select('id').execute()).toEqual([{ id: f.elmSection }]);
      expect(await t.deps.db.selectFrom('section_students').select('student_id').execute()).toEqual([{ student_id: f.elmSectionStudent }]);
      expect(await t.deps.db.selectFrom('attendance_schools').select('school_id').execute()).toEqual([]);
      expect(await t.deps.db.selectFrom('bell_periods').select('id').execute()).toEqual([]);
    }, 120_000); // some 70 routes for twelve roles: over the 20 s default on PostgreSQL on a busy machine

    it('PRV-1 the scope of requests holds a school role to nothing: no request, no school, not the whole district', async () => {
      const scope = new RequestScope(t.deps.db);
      for (const who of ['office', 'teacher'] as const) {
        const staff = { id: ids[who], role: ROLE[who][1], districtId: ROLL.district, email: '', firstName: '', lastName: '' };
        expect(await scope.schools(staff), who).toEqual([]);
        expect(await scope.request(staff, f.request), who).toBeUndefined();
        expect(await scope.hasSchool(staff, ROLL.elm), who).toBe(false);
      }
      const site = { id: ids.site, role: 'site_admin' as const, districtId: ROLL.district, email: '', firstName: '', lastName: '' };
      expect(await scope.schools(site)).toEqual([ROLL.elm]);
      expect((await scope.request(site, f.request))?.id).toBe(f.request);
    });

    it('PRV-1 the refusal says the page is the permit office\'s, in the reader\'s language, and names no record', async () => {
      const res = await clients.office.get(`/staff/requests/${f.request}`);
      expect(res.status).toBe(403);
      expect(textOf(res.html)).toContain('This page is for the permit office');
      expect(mainOf(res.html)).not.toContain(f.request);
      await clients.teacher.get('/language?to=es&next=/staff/roll');
      const es = await clients.teacher.get('/staff/queue');
      expect(es.status).toBe(403);
      expect(textOf(es.html)).toContain('Esta página es para la oficina de permisos');
      await clients.teacher.get('/language?to=en&next=/staff/roll');
      // The attempt on a request is filed under the request's district, with who tried it (PRV-2).
      const entry = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', ids.pOffice).where('action', '=', 'permit-office.open').where('entity_id', '=', '/staff/requests/:id').executeTakeFirstOrThrow();
      expect(entry).toMatchObject({ outcome: 'refused', district_id: ROLL.district, actor_district_id: 'paramount-sample', entity_type: 'page' });
      expect(JSON.parse(entry.detail!)).toMatchObject({ method: 'GET', application: f.request, refusal: 'forbidden' });
    });

    it('PRV-1 a school office and a teacher see the roll in the menu and reports, not the permit office\'s; the permit office the reverse', async () => {
      const menu = (html: string) => [...(/<nav[^>]*app-nav[\s\S]*?<\/nav>/.exec(html)?.[0] ?? '').matchAll(/href="(\/staff\/[^"]*)"/g)].map((m) => m[1]);
      const reports = (html: string) => [...mainOf(html).matchAll(/href="(\/staff\/[^"]*)"/g)].map((m) => m[1]);
      for (const who of ['office', 'teacher'] as const) {
        const page = await clients[who].get('/staff/reports');
        expect(menu(page.html), who).toEqual(['/staff/roll', '/staff/attendance', '/staff/reports']);
        const listed = reports(page.html);
        expect(listed, who).not.toContain('/staff/queue.csv');
        expect(listed, who).not.toContain('/staff/dashboard');
        expect(listed, who).toContain('/staff/roll');
        // Every report listed to them opens for them.
        for (const href of listed) expect((await clients[who].get(href)).status, `${who} ${href}`).toBe(200);
      }
      const clerkPage = await clients.clerk.get('/staff/reports');
      expect(menu(clerkPage.html)).toEqual(['/staff/dashboard', '/staff/queue', '/staff/documents', '/staff/reviews']);
      expect(reports(clerkPage.html)).toEqual(expect.arrayContaining(['/staff/queue.csv', '/staff/dashboard']));
    });

    it('PRV-1 a school office and a teacher start on the roll after signing in and after activating; the permit office on the queue', async () => {
      for (const role of ['school_office', 'teacher', 'permit_staff'] as const) {
        const member = await staffMember(t, ROLL.district, role, role === 'permit_staff' ? [] : ['1001']);
        const home = role === 'permit_staff' ? '/staff/queue' : '/staff/roll';
        const c = new TestClient(t.app, '10.61.0.9');
        const form = await c.get('/staff/sign-in');
        expect(form.status).toBe(200);
        t.clock.advance(60_000);
        const signedIn = await c.post('/staff/sign-in?next=%2Fstaff%2Fqueue', { email: member.email, password: PASSWORD });
        expect(signedIn.location, role).toBe(home);
        expect((await c.get('/staff')).location, role).toBe(home);
        // A page asked for by name is still where they go.
        const again = new TestClient(t.app, '10.61.0.10');
        await again.get('/staff/sign-in?next=%2Fstaff%2Freports');
        expect((await again.post('/staff/sign-in?next=%2Fstaff%2Freports', { email: member.email, password: PASSWORD })).location, role).toBe('/staff/reports');
      }
      // Activation: the invitation's link, then the roll.
      const made = await new StaffService(t.deps).create({ districtSlug: ROLL.district, email: 'mateo.teacher@example.org', firstName: 'Mateo', lastName: 'Ruiz', role: 'teacher', schoolCodes: ['1001'] });
      if (!made.ok) throw new Error(made.problem.code);
      const link = new URL(made.value.activationLink).pathname;
      const c = new TestClient(t.app, '10.61.0.11');
      await c.get(link);
      expect((await c.post(link, { password: PASSWORD, password_confirm: PASSWORD })).location).toBe('/staff/roll');
    });

    it('PRV-1 every staff route of the app is in the matrix (a route that lands without its line fails here, named)', () => {
      const cases = Object.values({ ...PERMIT_SIDE, ...ROLL_SIDE }).map((c) => ({ method: c.method, url: c.path(f) }));
      const staffRoutes = [...new Set(routes.filter((r) => / \/staff(\/|$)/.test(r)))];
      expect(staffRoutes.length).toBeGreaterThan(40);
      const missing = staffRoutes.filter((r) => {
        const [method, route] = r.split(' ');
        return !NOT_IN_THE_MATRIX.includes(r) && !cases.some((c) => c.method === method && matches(route, c.url));
      });
      expect(missing).toEqual([]);
    });

    it('PRV-1 a district administrator invites a school office and a teacher with their schools; without a school they are refused on the field, in English and Spanish, what was typed kept', async () => {
      const admin = clients.admin;
      const page = await admin.get('/staff/team');
      expect(textOf(page.html)).toContain('School attendance and enrollment office');
      expect(textOf(page.html)).toContain('Teacher Reads the roll of the schools chosen below.');
      const office = await admin.post('/staff/team/invite', { first_name: 'Ana', last_name: 'López', email: 'ana.office@example.org', role: 'school_office', school_1001: 'yes' });
      expect(office.status).toBe(303);
      const teacherNoSchool = await admin.post('/staff/team/invite', { first_name: 'Mateo', last_name: 'López', email: 'mateo.teacher2@example.org', role: 'teacher' });
      expect(teacherNoSchool.status).toBe(400);
      expect(textOf(teacherNoSchool.html)).toContain('Choose at least one school for this role');
      expect(teacherNoSchool.html).toContain('href="#field-schools"');
      expect(teacherNoSchool.html).toMatch(/<input[^>]*value="teacher"[^>]*checked/);
      expect(teacherNoSchool.html).toMatch(/<input[^>]*id="field-email"[^>]*value="mateo.teacher2@example.org"/);
      await admin.get('/language?to=es&next=/staff/team');
      const es = await admin.post('/staff/team/invite', { first_name: 'Mateo', last_name: 'López', email: 'mateo.teacher2@example.org', role: 'teacher' });
      expect(textOf(es.html)).toContain('Elija al menos una escuela para esta función');
      expect(textOf(es.html)).toContain('Maestro');
      await admin.get('/language?to=en&next=/staff/team');
      // Saved with its school, and nothing of the refused one.
      const rows = await t.deps.db.selectFrom('staff').leftJoin('staff_schools', 'staff_schools.staff_id', 'staff.id').select(['staff.email', 'staff.role', 'staff_schools.school_id']).where('staff.email', 'in', ['ana.office@example.org', 'mateo.teacher2@example.org']).execute();
      expect(rows).toEqual([{ email: 'ana.office@example.org', role: 'school_office', school_id: ROLL.elm }]);
      const listed = textOf((await admin.get('/staff/team')).html);
      expect(listed).toContain('López, Ana ana.office@example.org School attendance and enrollment office Elm Street Elementary');
      // A permit office role keeps no school, whatever was ticked.
      expect((await admin.post('/staff/team/invite', { first_name: 'Rosa', last_name: 'Méndez', email: 'rosa.clerk@example.org', role: 'permit_staff', school_1001: 'yes' })).status).toBe(303);
      const clerk = await t.deps.db.selectFrom('staff').innerJoin('staff_schools', 'staff_schools.staff_id', 'staff.id').select('staff_schools.school_id').where('staff.email', '=', 'rosa.clerk@example.org').execute();
      expect(clerk).toEqual([]);
    });
  });
}
