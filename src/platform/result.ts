/** Expected failures are values: a service returns ok(value) or err(problem). */
export type Problem = { code: string; messageKey: string; params?: Record<string, string | number>; field?: string };
export type Ok<T> = { ok: true; value: T };
export type Err = { ok: false; problem: Problem };
export type Result<T> = Ok<T> | Err;

export const ok = <T>(value: T): Ok<T> => ({ ok: true, value });
export const err = (code: string, messageKey: string, extra: Omit<Problem, 'code' | 'messageKey'> = {}): Err => ({
  ok: false,
  problem: { code, messageKey, ...extra },
});
