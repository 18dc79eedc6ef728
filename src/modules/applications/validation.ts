import { z } from 'zod';
import { GRADES } from '../districts/config-schema.js';
import { withConfirmation } from '../../platform/http/confirm-field.js';

/** APP-7: who may request a permit (EC 46600.1). */
export const RELATIONSHIPS = ['parent', 'legal-custodian', 'educational-rights-holder'] as const;
export type Relationship = (typeof RELATIONSHIPS)[number];

const email = z
  .string()
  .trim()
  .min(1, 'applications.errors.emailRequired')
  .max(254, 'applications.errors.emailTooLong')
  .email('applications.errors.emailFormat')
  .transform((s) => s.toLowerCase());

/**
 * The fields every kind of request shares (APP-4, APP-5, APP-7, APP-10). A radio group left
 * unanswered is not sent at all: its message is given for a missing value too, not only an empty one.
 */
const common = {
  school_year: z.string({ message: 'applications.errors.schoolYearRequired' }).min(1, 'applications.errors.schoolYearRequired'),
  grade_requested: z.enum(GRADES, { message: 'applications.errors.gradeRequestedRequired' }),
  current_grade: z.union([z.literal(''), z.enum(GRADES, { message: 'applications.errors.currentGradeInvalid' })]).default(''),
  reason: z.string({ message: 'applications.errors.reasonRequired' }).min(1, 'applications.errors.reasonRequired').max(60, 'applications.errors.reasonRequired'),
  relationship: z.enum(RELATIONSHIPS, { message: 'applications.errors.relationshipRequired' }),
  decision_email: email,
  decision_email_confirm: z.string().trim().transform((s) => s.toLowerCase()),
  submission_key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'applications.errors.formExpired'),
};
const school = z.string({ message: 'applications.errors.schoolRequired' }).min(1, 'applications.errors.schoolRequired').max(60, 'applications.errors.schoolRequired');
const confirmEmail = <T extends z.ZodType<Record<string, unknown>>>(schema: T) =>
  withConfirmation(schema, 'decision_email', 'decision_email_confirm', { required: 'applications.errors.emailConfirmRequired', mismatch: 'applications.errors.emailMismatch' });
/** APP-3 on the one-page forms of the other kinds: the agreement is ticked on the form itself. */
const agree = z.literal('yes', { message: 'applications.errors.agreeRequired' });

/** One schema for the incoming application, for the form and a future API body. */
export const IncomingApplicationSchema = confirmEmail(z.object({ ...common, school }));
export type IncomingApplicationInput = z.infer<typeof IncomingApplicationSchema>;

/** An outgoing request (a release): to a district hosted here, or to another one named by the parent. */
export const OutgoingApplicationSchema = confirmEmail(
  z
    .object({
      ...common,
      agree,
      target_district: z.string({ message: 'applications.errors.targetDistrictRequired' }).min(1, 'applications.errors.targetDistrictRequired').max(60, 'applications.errors.targetDistrictRequired'),
      target_district_name: z.string().trim().max(120, 'applications.errors.targetDistrictNameTooLong').default(''),
      target_school: z.string().trim().max(130, 'applications.errors.schoolRequired').default(''), // "district:code" of a hosted school
      target_school_name: z.string().trim().max(120, 'applications.errors.targetSchoolTooLong').default(''),
    })
    .refine((v) => v.target_district !== OTHER_DISTRICT || v.target_district_name !== '', {
      path: ['target_district_name'],
      message: 'applications.errors.targetDistrictNameRequired',
      when: (p) => (p.value as { target_district?: unknown }).target_district === OTHER_DISTRICT,
    }),
);
export type OutgoingApplicationInput = z.infer<typeof OutgoingApplicationSchema>;
/** The choice of a receiving district that is not hosted here. */
export const OTHER_DISTRICT = 'other';

/** An intra-district request: another school of the district of residence. */
export const IntraApplicationSchema = confirmEmail(
  z.object({
    ...common,
    agree,
    school,
    registration_number: z.string().trim().max(30, 'applications.errors.registrationNumberTooLong').default(''),
  }),
);
export type IntraApplicationInput = z.infer<typeof IntraApplicationSchema>;

export const AgreementSchema = z.object({
  agree: z.literal('yes', { message: 'applications.errors.agreeRequired' }),
  student: z.string().min(1, 'applications.errors.studentRequired').max(64, 'applications.errors.studentRequired'),
});
