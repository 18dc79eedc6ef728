import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Problem } from '../result.js';
import type { FormState } from '../views/context.js';
import { formValues, parseForm } from './forms.js';

/**
 * One form page's POST, written once (ENGINEERING.md, "one page, one unit"): the submitted
 * values are parsed; a bad field shows the form again (400) with what was typed and the error
 * beside the field; otherwise the submit runs, and a refusal on a field shows the form again the
 * same way; when it is done, the browser goes on with a 303 (POST–redirect–GET).
 */

export type FormErrors = FormState['errors'];

/** The typed data of a form, or what is wrong with it (message keys by field). */
export type Parsed<D> = { ok: true; data: D } | { ok: false; errors: FormErrors };

/** A submit that would not: the form again, with these errors beside their fields. */
export interface Refused {
  ok: false;
  errors: FormErrors;
  /** 400 unless said (a conflict is 409). */
  status?: number;
  /** Lines the page shows beside the field as well (the password rules not met). */
  notes?: string[];
  /** Refused as a whole, on no field (already decided, too late…): why, said at the top of the page. */
  alert?: { key: string; params?: Record<string, string | number> };
}

/** The submit sent its own answer (not found, forbidden, too many tries…): nothing more to do. */
export const ANSWERED = Symbol('answered');

export type Submitted<T> = { ok: true; value: T } | Refused | typeof ANSWERED;

/** For a submit that sent its answer itself: `return answered(reply.callNotFound())`. */
export async function answered(sending: unknown): Promise<typeof ANSWERED> {
  await sending;
  return ANSWERED;
}

/** For a form whose service checks the values itself (and refuses on the fields it names). */
export const checkedBySubmit = (values: Record<string, string>): Parsed<Record<string, string>> => ({ ok: true, data: values });

/** A refusal of one field: `refuse('email', 'accounts.errors.signInFailed')`. */
export function refuse(field: string, key: string, params?: Record<string, string | number>, opts: { status?: number; notes?: string[] } = {}): Refused {
  return { ok: false, errors: { [field]: { key, params } }, ...opts };
}

/** A service's problem shown beside its field (`field` when the problem names none). */
export function refuseProblem(problem: Problem, field = problem.field ?? '_form'): Refused {
  return refuse(field, problem.messageKey, problem.params);
}

/** A service's problem that is on no field: the page again (409) saying why, nothing changed. */
export function refuseWhole(problem: Problem, status = 409): Refused {
  return { ok: false, errors: {}, status, alert: { key: problem.messageKey, params: problem.params } };
}

export interface FormCycle<D, T> {
  /** The form's schema (messages are catalog keys), or a parse of its values. */
  parse: z.ZodType<D> | ((values: Record<string, string>) => Parsed<D>);
  /** The values before they are parsed (a default for a hidden field). */
  prepare?: (values: Record<string, string>) => Record<string, string>;
  /** What is shown again after a refusal; everything typed unless said (never a password). */
  keep?: (values: Record<string, string>) => Record<string, string>;
  submit: (data: D, values: Record<string, string>) => Promise<Submitted<T>>;
  /** The form page, with what was typed and what is wrong. */
  render: (form: FormState, status: number, refused?: Refused) => unknown;
  /** Where to go once done (a flash may be set here): answered with a 303. */
  redirectTo: (value: T) => string | Promise<string>;
}

/** Runs one form's cycle on a submitted body; returns what the route handler returns. */
export async function handleForm<D, T>(reply: FastifyReply, body: unknown, cycle: FormCycle<D, T>): Promise<unknown> {
  const values = cycle.prepare ? cycle.prepare(formValues(body)) : formValues(body);
  const keep = cycle.keep ?? ((v: Record<string, string>) => v);
  const parsed = parseValues(cycle.parse, values);
  if (!parsed.ok) return cycle.render({ values: keep(values), errors: parsed.errors }, 400);
  const r = await cycle.submit(parsed.data, values);
  if (r === ANSWERED) return reply;
  if (!r.ok) return cycle.render({ values: keep(values), errors: r.errors }, r.status ?? 400, r);
  return reply.redirect(await cycle.redirectTo(r.value), 303);
}

function parseValues<D>(parse: FormCycle<D, unknown>['parse'], values: Record<string, string>): Parsed<D> {
  if (typeof parse === 'function') return parse(values);
  const parsed = parseForm(parse, values);
  return parsed.ok ? { ok: true, data: parsed.data } : { ok: false, errors: parsed.form.errors };
}
