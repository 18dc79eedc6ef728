import type { z } from 'zod';

/**
 * Adds the "enter it again" check of a field typed twice (emails). The checks run even when
 * other fields are wrong (`when`), so a parent sees every problem at once.
 */
export function withConfirmation<T extends z.ZodType<Record<string, unknown>>>(
  schema: T,
  field: string,
  confirm: string,
  keys: { required: string; mismatch: string },
) {
  const strings = (v: unknown) => {
    const o = v as Record<string, unknown> | undefined;
    return typeof o?.[field] === 'string' && typeof o?.[confirm] === 'string';
  };
  return schema
    .refine((v) => v[confirm] !== '', { path: [confirm], message: keys.required, when: (p) => typeof (p.value as Record<string, unknown>)?.[confirm] === 'string' })
    .refine((v) => v[confirm] === '' || v[confirm] === v[field], { path: [confirm], message: keys.mismatch, when: (p) => strings(p.value) });
}
