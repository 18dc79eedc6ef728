import type { z } from 'zod';
import type { FormState } from '../views/context.js';

/**
 * Validates a submitted form with the input's schema. Schema messages are catalog keys,
 * so the same failure reads well on a page, in Spanish, and in the API.
 * Returns the typed data, or the form state to show again (what was typed + errors).
 */
export function parseForm<S extends z.ZodType>(
  schema: S,
  body: unknown,
): { ok: true; data: z.infer<S>; values: Record<string, string> } | { ok: false; form: FormState } {
  const values = formValues(body);
  const parsed = schema.safeParse(values);
  if (parsed.success) return { ok: true, data: parsed.data, values };
  const errors: FormState['errors'] = {};
  for (const issue of parsed.error.issues) {
    const field = String(issue.path[0] ?? '_form');
    if (errors[field]) continue;
    const key = issue.message.includes('.') && !issue.message.includes(' ') ? issue.message : 'common.errors.invalid';
    const params = (issue as { params?: Record<string, string | number> }).params;
    errors[field] = { key, params };
  }
  return { ok: false, form: { values, errors } };
}

/** Plain string values of a urlencoded body, never the CSRF token or arrays. */
export function formValues(body: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (k === '_csrf' || k === '_idem') continue;
    if (typeof v === 'string') out[k] = v;
    else if (Array.isArray(v) && typeof v[0] === 'string') out[k] = v[0];
  }
  return out;
}

/**
 * One field of a body as it came (a string, an array, or absent), for the few that are read
 * before or without the form's schema: the CSRF token, the idempotency key, a hidden field.
 */
export function rawField(body: unknown, name: string): unknown {
  return body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/** The values ticked in a `CheckboxGroup` named `name`. */
export function checkedValues(values: Record<string, string>, name: string): string[] {
  const prefix = `${name}__`;
  return Object.keys(values).filter((k) => k.startsWith(prefix) && values[k] === 'yes').map((k) => k.slice(prefix.length));
}
