import { z } from 'zod';
import {
  CALPADS_ENROLLMENT_STATUSES,
  CALPADS_EXIT_CODES,
  CALPADS_TRANSFER_CODES,
  EDFI_ATTENDANCE_EVENT_CATEGORIES,
  EDFI_ENTRY_TYPES,
  EDFI_EXIT_WITHDRAW_TYPES,
  EDFI_NAMESPACE,
  EXCUSED_ABSENCE_REASONS,
  type ExcusedAbsenceReason,
} from './state-codes.js';

/**
 * The format of a district configuration file (config/districts/*.yaml).
 * Documented for district administrators in docs/district-configuration.md.
 */
export const GRADES = ['TK', 'K', '1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '11', '12'] as const;
export type Grade = (typeof GRADES)[number];
export const gradeIndex = (g: string): number => GRADES.indexOf(g as Grade);

export const PERMIT_KINDS = ['incoming', 'outgoing', 'intra'] as const;
export type PermitKind = (typeof PERMIT_KINDS)[number];

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD').refine(
  (s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  },
  { message: 'is not a real calendar date' },
);
const monthDay = z.string().regex(/^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'must be a month and day written MM-DD');
const code = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must use lower-case letters, digits and dashes');

/** Text a parent reads: every language the system speaks must be present. */
export const localized = z.object({ en: z.string().min(1), es: z.string().min(1) });
export type Localized = z.infer<typeof localized>;

const grade = z.enum(GRADES);

/** WDR-1: the document a withdrawal with an exit code must be supported by. */
export const WITHDRAWAL_DOCUMENTS = ['records_request', 'private_school_affidavit', 'not_attending_letter', 'death_notice', 'none'] as const;
export type WithdrawalDocument = (typeof WITHDRAWAL_DOCUMENTS)[number];

/** A district's own enrollment code: letters (either case), digits and dashes, as student information systems write them. */
const enrollmentCode = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]*$/, 'must use letters, digits and dashes');

/** A code of one of the state's lists (state-codes.ts); YAML reads `10` as a number, so numbers are taken as their digits. */
const calpadsCode = (known: Record<string, string>, list: string) =>
  z.preprocess(
    (v) => (typeof v === 'number' ? String(v) : v),
    z.string().superRefine((s, ctx) => {
      if (!Object.hasOwn(known, s)) ctx.addIssue({ code: 'custom', message: `"${s}" is not a CALPADS ${list} (known: ${Object.keys(known).join(', ')})` });
    }),
  );

/** An Ed-Fi descriptor value, `uri://<namespace>/<Descriptor>#<code value>`; in Ed-Fi's own namespace the code value must be one of Ed-Fi's. */
const edfiDescriptor = (descriptor: string, values: readonly string[]) => {
  const form = new RegExp(`^(uri://[^\\s#]+)/${descriptor}#(\\S.*)$`);
  return z.string().superRefine((s, ctx) => {
    const m = form.exec(s);
    if (!m) ctx.addIssue({ code: 'custom', message: `must be an Ed-Fi descriptor written uri://<namespace>/${descriptor}#<code value>` });
    else if (m[1] === EDFI_NAMESPACE && !values.includes(m[2]))
      ctx.addIssue({ code: 'custom', message: `"${m[2]}" is not a code value of Ed-Fi's ${descriptor} (${values.join(', ')})` });
  });
};

/**
 * WDR-4: the district's entry types, exit (withdrawal) codes and enrollment statuses, each mapped
 * to its CALPADS code and (for entries and exits) its Ed-Fi descriptor value.
 */
const enrollmentCodesSchema = z.object({
  /** Which edition of the state's and the standard's code sets the file follows (codes change from year to year). */
  edition: z.string().min(1),
  entryTypes: z
    .array(
      z.object({
        code: enrollmentCode,
        label: localized,
        /** The CALPADS student school transfer code (field 1.30), or null when the student attends without a transfer (a resident). */
        calpads: calpadsCode(CALPADS_TRANSFER_CODES, 'student school transfer code').nullable(),
        edfi: edfiDescriptor('EntryTypeDescriptor', EDFI_ENTRY_TYPES),
      }),
    )
    .min(1),
  exitCodes: z
    .array(
      z.object({
        code: enrollmentCode,
        label: localized,
        calpads: calpadsCode(CALPADS_EXIT_CODES, 'exit reason code'),
        edfi: edfiDescriptor('ExitWithdrawTypeDescriptor', EDFI_EXIT_WITHDRAW_TYPES),
        /** WDR-1: the document that supports a withdrawal with this code. */
        document: z.enum(WITHDRAWAL_DOCUMENTS, { error: `must be one of ${WITHDRAWAL_DOCUMENTS.join(', ')}` }),
        /** WDR-2: due diligence to locate the student must be logged (and exhausted) before this exit. */
        dueDiligence: z.boolean().default(false),
      }),
    )
    .min(1),
  /**
   * WDR-2: how many contact attempts, by how many different methods (phone, email, letter, home
   * visit), count as due diligence exhausted before a student whose whereabouts are unknown is withdrawn.
   */
  dueDiligence: z
    .object({
      attempts: z.number().int().min(1).max(20),
      methods: z.number().int().min(1).max(4),
    })
    .refine((r) => r.methods <= r.attempts, { path: ['methods'], message: 'cannot be more than attempts' }),
  /**
   * WDR-3: the local time (24-hour, the district's time zone) at which a first expected day is
   * over: a pre-enrolled student not come by then goes on the school's no-show list that evening.
   */
  noShowsAt: z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be a 24-hour time like 18:00').default('18:00'),
  statuses: z
    .array(
      z.object({
        code: enrollmentCode,
        label: localized,
        calpads: calpadsCode(CALPADS_ENROLLMENT_STATUSES, 'enrollment status'),
        /** Ed-Fi has no descriptor for it: an Ed-Fi student-school association says it with its primarySchool flag. */
        primarySchool: z.boolean(),
      }),
    )
    .min(1),
  /**
   * ENR-7: the entry type an approved permit's pre-enrollment takes, by the permit's kind: an
   * incoming permit is a formal inter-district agreement (its entry type's CALPADS transfer code
   * must be "1"); an intra-district permit takes the district's own choice.
   */
  fromPermit: z.object({ incoming: enrollmentCode, intra: enrollmentCode }),
});

/** Who may use an attendance code: a teacher taking a period's roster, the school's attendance office. */
export const ATTENDANCE_CODE_USERS = ['teacher', 'office'] as const;
export type AttendanceCodeUser = (typeof ATTENDANCE_CODE_USERS)[number];

/** ATT-3: the span a cap on an excused reason counts over. */
export const ATTENDANCE_CAP_SPANS = ['incident', 'semester', 'school-month', 'school-year'] as const;

const REASON_KEYS = Object.keys(EXCUSED_ABSENCE_REASONS) as [ExcusedAbsenceReason, ...ExcusedAbsenceReason[]];

/** The Ed-Fi category of a code, e.g. `uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence`, or undefined for another namespace's. */
export const attendanceCategory = (edfi: string): (typeof EDFI_ATTENDANCE_EVENT_CATEGORIES)[number] | undefined => {
  const m = /^uri:\/\/ed-fi\.org\/AttendanceEventCategoryDescriptor#(.+)$/.exec(edfi);
  return m && (EDFI_ATTENDANCE_EVENT_CATEGORIES as readonly string[]).includes(m[1]) ? (m[1] as (typeof EDFI_ATTENDANCE_EVENT_CATEGORIES)[number]) : undefined;
};

/**
 * ATT-2, ATT-3, ATT-8: the district's attendance codes, each mapped to its Ed-Fi attendance
 * event category and, for an excused absence, the reason in the Education Code it stands for.
 */
const attendanceCodesSchema = z.object({
  /** Which list the codes follow (the district's bulletin, Ed-Fi's edition), in words. */
  edition: z.string().min(1),
  codes: z
    .array(
      z.object({
        code: enrollmentCode,
        label: localized,
        /** Ed-Fi's category: written in Ed-Fi's namespace, since the product counts marks by it. */
        edfi: edfiDescriptor('AttendanceEventCategoryDescriptor', EDFI_ATTENDANCE_EVENT_CATEGORIES).refine((s) => !/^uri:\/\/[^\s#]+\/AttendanceEventCategoryDescriptor#\S/.test(s) || s.startsWith(`${EDFI_NAMESPACE}/`), {
          message: `must be in Ed-Fi's namespace, ${EDFI_NAMESPACE}: the product counts marks by Ed-Fi's categories`,
        }),
        /** ATT-2: the reason an excused absence stands for; `none` for every other code. */
        reason: z.enum(REASON_KEYS, { error: `must be one of ${REASON_KEYS.join(', ')}` }),
        /** Who may mark it: a teacher on a roster, the attendance office, or both. */
        usedBy: z
          .array(z.enum(ATTENDANCE_CODE_USERS, { error: `must be one of ${ATTENDANCE_CODE_USERS.join(', ')}` }))
          .min(1, 'must name teacher, office or both')
          .refine((l) => new Set(l).size === l.length, { message: 'names the same user twice' }),
        /**
         * ATT-8 (EC 48260): whether a mark with this code counts toward truancy. For a tardy it
         * counts only when the mark says the student was more than 30 minutes late: the minutes are
         * the mark's, the code only says that tardies of this kind can count.
         */
        truancy: z.boolean(),
        /** ATT-3: at most `days` days excused for this code per incident, semester, school month or school year. */
        cap: z
          .object({
            days: z.number().int().min(1).max(180),
            per: z.enum(ATTENDANCE_CAP_SPANS, { error: `must be one of ${ATTENDANCE_CAP_SPANS.join(', ')}` }),
          })
          .strict()
          .optional(),
      }),
    )
    .min(1),
});

const seats = z.number().int().min(0);

export const DistrictConfigSchema = z
  .object({
    slug: code,
    name: localized,
    shortName: z.string().min(1).max(20),
    timeZone: z.string().default('America/Los_Angeles'),
    contact: z.object({ phone: z.string().min(1), email: z.string().email(), address: z.string().min(1) }),
    /**
     * ZIP codes the district reaches. With address ranges loaded (STU-2) an address in one of
     * these ZIPs must match a range; without ranges the ZIP alone decides residence.
     */
    zipCodes: z.array(z.string().regex(/^\d{5}$/, 'must be a 5-digit ZIP code')).min(1),
    schools: z
      .array(
        z.object({
          code,
          name: z.string().min(1),
          magnet: z.boolean().default(false),
          lowestGrade: grade,
          highestGrade: grade,
          address: z.string().min(1),
          /** The school office's telephone, told to a family the school is the school of residence for (STU-3). */
          phone: z.string().min(1).optional(),
          /**
           * DEC-6: seats for permit students per grade and school year. `perGrade` applies to
           * every grade the school teaches, `grades` overrides it per grade, `years` per year.
           */
          permitSeats: z
            .object({
              perGrade: seats.default(0),
              grades: z.partialRecord(grade, seats).default({}),
              years: z.record(z.string().regex(/^\d{4}-\d{4}$/, 'must be written like 2027-2028'), z.partialRecord(grade, seats)).default({}),
            })
            .default({ perGrade: 0, grades: {}, years: {} }),
        }),
      )
      .min(1),
    schoolYears: z
      .array(
        z.object({
          year: z.string().regex(/^\d{4}-\d{4}$/, 'must be written like 2027-2028'),
          firstDay: isoDate,
          lastDay: isoDate,
          /** DEC-12: days without school (holidays, breaks): single dates or { from, to } spans. */
          holidays: z.array(z.union([isoDate, z.object({ from: isoDate, to: isoDate })])).default([]),
          /** ATT-3: the first day of the second semester (a religious retreat's cap is per semester); the middle school day of the year when absent. */
          secondSemesterStarts: isoDate.optional(),
        }),
      )
      .min(1),
    /** STU-2: a CSV file of address ranges beside this file, imported at start when the district has none. */
    addressRanges: z.string().regex(/^[\w.-]+\.csv$/, 'must be a .csv file name in the same folder').optional(),
    /** Intra-district requests (APP-1). Paramount: the student registers at the school of residence first. */
    intra: z.object({ requireRegistrationAtResidence: z.boolean().default(false) }).default({ requireRegistrationAtResidence: false }),
    /** A permit's life after approval (DEC-11, DEC-12, DEC-14). */
    permitLife: z
      .object({
        /** DEC-12: how long a provisional enrollment lasts, in school months of 20 school days. */
        provisionalSchoolMonths: z.number().int().positive().default(2),
        /** Warn the school and the parent this many school days before it ends. */
        provisionalWarnSchoolDays: z.number().int().positive().default(10),
        /** DEC-14: a permit is due for review when its last review is this many days old (or it has none). */
        reviewEveryDays: z.number().int().positive().default(365),
        /** DEC-11: remind the parent to renew this many days before the next window opens. */
        renewalNoticeDays: z.number().int().positive().default(30),
      })
      .default({ provisionalSchoolMonths: 2, provisionalWarnSchoolDays: 10, reviewEveryDays: 365, renewalNoticeDays: 30 }),
    windows: z.partialRecord(
      z.enum(PERMIT_KINDS),
      z.object({
        /** Month and day, in the calendar year the school year starts, when requests open. */
        opens: monthDay,
        /** Month and day when they close; omitted: open until the school year's last day. */
        closes: monthDay.optional(),
        /** Reasons still taken after the window closes (LAUSD: parent employment, DEC-17). */
        lateReasons: z.array(code).default([]),
      }),
    ),
    documents: z
      .array(z.object({ code, label: localized, description: localized }))
      .min(1),
    /** Documents every request of a kind needs, whatever its reason (DOC-5). */
    commonDocuments: z.partialRecord(z.enum(PERMIT_KINDS), z.array(z.object({ code, required: z.boolean().default(true) }))).default({}),
    reasons: z
      .array(
        z.object({
          code,
          kinds: z.array(z.enum(PERMIT_KINDS)).min(1),
          label: localized,
          description: localized,
          /** Bullying victims and military families (DEC-19). */
          priority: z.boolean().default(false),
          documents: z.array(z.object({ code, required: z.boolean().default(true) })).default([]),
        }),
      )
      .min(1),
    /** DEC-7, DEC-10; `attendance`: the reason rests on the student's attendance record, which the decision keeps (issue 16 point 10). */
    denialReasons: z.array(z.object({ code, label: localized, attendance: z.boolean().default(false) })).min(1),
    revocationReasons: z.array(z.object({ code, label: localized, attendance: z.boolean().default(false) })).min(1),
    appeals: z.object({ office: localized, days: z.number().int().positive().default(30), address: z.string().min(1) }),
    abandonment: z.object({ incompleteDays: z.number().int().positive().default(30) }).default({ incompleteDays: 30 }),
    guidelines: localized,
    /** APP-3: guidelines for release and intra-district requests; without them, `guidelines`. */
    kindGuidelines: z.object({ outgoing: localized.optional(), intra: localized.optional() }).default({}),
    /** WDR-4: entry types, exit codes and enrollment statuses with their CALPADS and Ed-Fi values (docs/district-configuration.md). */
    enrollmentCodes: enrollmentCodesSchema,
    /** ATT-2, ATT-3, ATT-8: attendance codes with their Ed-Fi category, excused reason, users, truancy and caps (docs/district-configuration.md). */
    attendanceCodes: attendanceCodesSchema,
    /** ATT-4, ATT-2: how the district reads a year of attendance (docs/district-configuration.md). */
    attendance: z
      .object({
        /** ATT-4: the district's own line beside the state's 10%: chronically absent at an attendance rate at or below this percentage (LAUSD: 91). */
        chronicRateAtOrBelow: z.number().min(50).max(99).optional(),
        /** ATT-4: "at risk" this many percentage points before a line. */
        atRiskPoints: z.number().min(0).max(10).default(2),
        /** ATT-2: the parent is reminded of an unexplained absence this many school days after it. */
        remindAfterSchoolDays: z.number().int().min(1).max(30).default(3),
        /** Issue 16 point 10: the code of the document that stands for the "latest attendance record", which staff may issue from this system. */
        recordDocument: z.string().optional(),
      })
      .strict()
      .default({ atRiskPoints: 2, remindAfterSchoolDays: 3 }),
  })
  .superRefine((d, ctx) => {
    const docCodes = new Set(d.documents.map((x) => x.code));
    d.reasons.forEach((r, i) =>
      r.documents.forEach((doc, j) => {
        if (!docCodes.has(doc.code))
          ctx.addIssue({ code: 'custom', path: ['reasons', i, 'documents', j, 'code'], message: `names document "${doc.code}", which is not in documents` });
      }),
    );
    for (const [kind, list] of Object.entries(d.commonDocuments)) {
      list?.forEach((doc, j) => {
        if (!docCodes.has(doc.code))
          ctx.addIssue({ code: 'custom', path: ['commonDocuments', kind, j, 'code'], message: `names document "${doc.code}", which is not in documents` });
      });
    }
    if (d.attendance.recordDocument && !docCodes.has(d.attendance.recordDocument))
      ctx.addIssue({ code: 'custom', path: ['attendance', 'recordDocument'], message: `names document "${d.attendance.recordDocument}", which is not in documents` });
    d.schools.forEach((s, i) => {
      if (gradeIndex(s.lowestGrade) > gradeIndex(s.highestGrade))
        ctx.addIssue({ code: 'custom', path: ['schools', i, 'highestGrade'], message: 'is below lowestGrade' });
    });
    const seen = new Set<string>();
    d.schools.forEach((s, i) => {
      if (seen.has(s.code)) ctx.addIssue({ code: 'custom', path: ['schools', i, 'code'], message: `"${s.code}" is used twice` });
      seen.add(s.code);
    });
    for (const list of ['entryTypes', 'exitCodes', 'statuses'] as const) {
      const codes = new Set<string>();
      d.enrollmentCodes[list].forEach((c, i) => {
        if (codes.has(c.code)) ctx.addIssue({ code: 'custom', path: ['enrollmentCodes', list, i, 'code'], message: `"${c.code}" is used twice` });
        codes.add(c.code);
      });
    }
    // ENR-7: a permit's entry type is one of the district's, and an incoming permit's is a formal inter-district agreement.
    for (const kind of ['incoming', 'intra'] as const) {
      const entry = d.enrollmentCodes.entryTypes.find((c) => c.code === d.enrollmentCodes.fromPermit[kind]);
      if (!entry) ctx.addIssue({ code: 'custom', path: ['enrollmentCodes', 'fromPermit', kind], message: `names entry type "${d.enrollmentCodes.fromPermit[kind]}", which is not in entryTypes` });
      else if (kind === 'incoming' && entry.calpads !== '1')
        ctx.addIssue({ code: 'custom', path: ['enrollmentCodes', 'fromPermit', kind], message: `names entry type "${entry.code}", whose CALPADS transfer code is not "1" (a formal inter-district transfer agreement)` });
    }
    // WDR-4: an exit for truancy with no known enrollment comes only after logged due diligence.
    d.enrollmentCodes.exitCodes.forEach((c, i) => {
      if (c.calpads === 'E140' && !c.dueDiligence)
        ctx.addIssue({ code: 'custom', path: ['enrollmentCodes', 'exitCodes', i, 'dueDiligence'], message: 'must be true for CALPADS E140 (no known enrollment, truant): due diligence comes first' });
    });
    const attendance = new Set<string>();
    d.attendanceCodes.codes.forEach((c, i) => {
      const at = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: ['attendanceCodes', 'codes', i, field], message });
      if (attendance.has(c.code)) at('code', `"${c.code}" is used twice`);
      attendance.add(c.code);
      const category = attendanceCategory(c.edfi);
      if (!category) return;
      // ATT-2: an excused absence names its reason; a present, tardy or unexcused mark names none.
      if (category === 'Excused Absence' && c.reason === 'none') at('reason', 'must name the reason an excused absence stands for (not none)');
      if (['Present', 'In Attendance', 'Tardy', 'Unexcused Absence'].includes(category) && c.reason !== 'none')
        at('reason', `must be none for a code of the category "${category}": only an excused absence, early departure or partial day names a reason`);
      // ATT-8: a student present, or absent with a valid excuse, is not truant; a tardy may count (over 30 minutes).
      if (['Present', 'In Attendance', 'Excused Absence'].includes(category) && c.truancy) at('truancy', `must be false for a code of the category "${category}"`);
      // ATT-3: caps limit excused absences of one reason.
      if (c.cap && c.reason === 'none') at('cap', 'is only for a code that excuses an absence for a reason');
    });
    d.schoolYears.forEach((y, i) => {
      const [a, b] = y.year.split('-').map(Number);
      if (b !== a + 1) ctx.addIssue({ code: 'custom', path: ['schoolYears', i, 'year'], message: 'must be two consecutive years' });
      if (y.firstDay >= y.lastDay) ctx.addIssue({ code: 'custom', path: ['schoolYears', i, 'lastDay'], message: 'must come after firstDay' });
    });
  });

export type DistrictConfig = z.infer<typeof DistrictConfigSchema>;
export type SchoolConfig = DistrictConfig['schools'][number];
export type ReasonConfig = DistrictConfig['reasons'][number];
export type EnrollmentCodes = DistrictConfig['enrollmentCodes'];
export type EntryTypeConfig = EnrollmentCodes['entryTypes'][number];
export type ExitCodeConfig = EnrollmentCodes['exitCodes'][number];
export type EnrollmentStatusConfig = EnrollmentCodes['statuses'][number];
export type AttendanceCodeConfig = DistrictConfig['attendanceCodes']['codes'][number];
