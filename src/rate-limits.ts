import type { RateLimitPolicy } from './platform/http/rate-limit.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Every rate limit of the app, by name, with its default. `RATE_LIMITS` overrides any of them
 * (docs/operations.md, "Rate limits", lists each and why it is set where it is).
 *
 * Per-address limits are generous: a school's enrollment night, a public library or a phone
 * carrier puts hundreds of families behind one address. The limits on what is guessed or
 * flooded — one email address, one account, one confirmation number — do the real work.
 */
export const RATE_LIMIT_DEFAULTS = {
  'sign-in.ip': { limit: 600, windowMs: 15 * MINUTE },
  'sign-in.email': { limit: 10, windowMs: 15 * MINUTE },
  'staff-sign-in.ip': { limit: 600, windowMs: 15 * MINUTE },
  'staff-sign-in.email': { limit: 10, windowMs: 15 * MINUTE },
  'register.ip': { limit: 300, windowMs: HOUR },
  'register.email': { limit: 5, windowMs: HOUR },
  'activation-resend.ip': { limit: 300, windowMs: HOUR },
  'activation-resend.email': { limit: 3, windowMs: HOUR },
  'password-reset.ip': { limit: 300, windowMs: HOUR },
  'password-reset.email': { limit: 5, windowMs: HOUR },
  'password-change.account': { limit: 10, windowMs: 15 * MINUTE },
  'lookup.ip': { limit: 300, windowMs: HOUR },
  'lookup.number': { limit: 5, windowMs: HOUR },
  'permit-verify.ip': { limit: 300, windowMs: 15 * MINUTE },
  // Issue 16 point 10: the public check of an attendance record's code, as a permit's.
  'attendance-record-verify.ip': { limit: 300, windowMs: 15 * MINUTE },
  'link-code.account': { limit: 10, windowMs: HOUR },
  'link-code.ip': { limit: 300, windowMs: HOUR },
} satisfies Record<string, RateLimitPolicy>;

export type RateLimitName = keyof typeof RATE_LIMIT_DEFAULTS;

const UNITS: Record<string, number> = { s: 1000, m: MINUTE, h: HOUR, d: 24 * HOUR };

/**
 * Reads `RATE_LIMITS`: comma-separated `name=limit/window`, the window a number and a unit
 * (s, m, h, d), e.g. `register.ip=1000/1h,sign-in.email=5/15m`. Throws naming the entry that is wrong.
 */
export function parseRateLimits(text: string | undefined): Record<string, RateLimitPolicy> {
  const out: Record<string, RateLimitPolicy> = { ...RATE_LIMIT_DEFAULTS };
  for (const raw of (text ?? '').split(',')) {
    const entry = raw.trim();
    if (!entry) continue;
    const m = /^([a-z.-]+)=(\d+)\/(\d+)([smhd])$/.exec(entry);
    if (!m) throw new Error(`"${entry}" is not name=limit/window (for example register.ip=300/1h)`);
    const [, name, limit, amount, unit] = m;
    if (!Object.hasOwn(RATE_LIMIT_DEFAULTS, name)) throw new Error(`"${name}" is not a rate limit; the names are: ${Object.keys(RATE_LIMIT_DEFAULTS).join(', ')}`);
    const windowMs = Number(amount) * UNITS[unit];
    if (Number(limit) < 1 || windowMs < 1000 || windowMs > 24 * HOUR) throw new Error(`"${entry}": the limit must be at least 1 and the window between 1s and 1d`);
    out[name] = { limit: Number(limit), windowMs };
  }
  return out;
}
