import type { FastifyReply, FastifyRequest } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { handleForm, refuseProblem } from '../../platform/http/form-cycle.js';
import { rawField } from '../../platform/http/forms.js';
import { requireParent } from '../../platform/http/guards.js';
import type { FormState } from '../../platform/views/context.js';
import type { Result } from '../../platform/result.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { ApplicationsService, StudentForApplication } from './service.js';
import type { Submitted } from './submit-pipeline.js';

/** A form's own key (APP-8): the same form sent twice names the same request. */
export const newSubmissionKey = () => randomBytes(18).toString('base64url');

/** What a request form holds when it is first shown: its key, the only open year, the grade known, the account's email. */
export function firstValues(years: string[], student: Pick<StudentForApplication, 'current_grade'>, email: string): Record<string, string> {
  return {
    submission_key: newSubmissionKey(),
    school_year: years.length === 1 ? years[0] : '',
    current_grade: student.current_grade ?? '',
    decision_email: email,
  };
}

/**
 * The POST of a request form, the same for the three kinds: a key is drawn when the form came
 * without one, the kind's schema reads the values, its submit runs (the one submit pipeline), a
 * refusal is shown beside its field (the school year when it names none) with everything typed,
 * and the parent goes on to the confirmation (said to be the first request's when repeated).
 */
export function handleRequestForm<D>(
  reply: FastifyReply,
  body: unknown,
  schema: z.ZodType<D>,
  submit: (data: D) => Promise<Result<Submitted>>,
  render: (form: FormState, status: number) => unknown,
): Promise<unknown> {
  return handleForm(reply, body, {
    parse: schema,
    prepare: (values) => (values.submission_key ? values : { ...values, submission_key: newSubmissionKey() }),
    submit: async (data) => {
      const r = await submit(data);
      return r.ok ? r : refuseProblem(r.problem, r.problem.field ?? 'school_year');
    },
    render,
    redirectTo: ({ application, repeated }) => `/applications/${application.id}/confirmation${repeated ? '?repeated=1' : ''}`,
  });
}

/**
 * Whom and what a request form is for: the district in the path (not found otherwise), the
 * signed-in parent, and the student the form (hidden field) or its link names — never only the
 * session — as `findStudent` reads it; without one, the browser goes to `otherwise`. Null when
 * the answer is sent.
 */
export async function requestFormContext(
  req: FastifyRequest,
  reply: FastifyReply,
  service: ApplicationsService,
  slug: string,
  studentInQuery: string | undefined,
  findStudent: (userId: string, named: string | undefined, district: DistrictConfig) => Promise<StudentForApplication | undefined>,
  otherwise: (district: DistrictConfig) => string,
) {
  const district = service.district(slug);
  if (!district) {
    await reply.callNotFound();
    return null;
  }
  const user = await requireParent(req, reply);
  if (!user) return null;
  const named = rawField(req.body, 'student') ?? studentInQuery;
  const student = await findStudent(user.id, typeof named === 'string' ? named.slice(0, 64) : undefined, district);
  if (!student) {
    await reply.redirect(otherwise(district), 303);
    return null;
  }
  return { district, user, student };
}
