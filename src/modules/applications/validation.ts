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

/** One schema for the incoming application, for the form and a future API body. */
export const IncomingApplicationSchema = withConfirmation(
  z.object({
    school_year: z.string().min(1, 'applications.errors.schoolYearRequired'),
    grade_requested: z.enum(GRADES, { message: 'applications.errors.gradeRequestedRequired' }),
    current_grade: z.union([z.literal(''), z.enum(GRADES, { message: 'applications.errors.currentGradeInvalid' })]).default(''),
    reason: z.string().min(1, 'applications.errors.reasonRequired').max(60, 'applications.errors.reasonRequired'),
    school: z.string().min(1, 'applications.errors.schoolRequired').max(60, 'applications.errors.schoolRequired'),
    relationship: z.enum(RELATIONSHIPS, { message: 'applications.errors.relationshipRequired' }),
    decision_email: email,
    decision_email_confirm: z.string().trim().transform((s) => s.toLowerCase()),
    submission_key: z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'applications.errors.formExpired'),
  }),
  'decision_email',
  'decision_email_confirm',
  { required: 'applications.errors.emailConfirmRequired', mismatch: 'applications.errors.emailMismatch' },
);
export type IncomingApplicationInput = z.infer<typeof IncomingApplicationSchema>;

export const AgreementSchema = z.object({
  agree: z.literal('yes', { message: 'applications.errors.agreeRequired' }),
  student: z.string().min(1, 'applications.errors.studentRequired').max(64, 'applications.errors.studentRequired'),
});
