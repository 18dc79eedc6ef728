import type { FastifyReply } from 'fastify';
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { handleForm, refuseProblem } from '../../platform/http/form-cycle.js';
import type { FormState } from '../../platform/views/context.js';
import type { Result } from '../../platform/result.js';
import type { StudentForApplication } from './service.js';
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
