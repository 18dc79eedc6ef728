import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionStaff, SessionUser } from './sessions.js';

/**
 * For pages that need a signed-in parent. Returns the user, or sends a redirect to the
 * sign-in page (which comes back here afterwards) and returns null.
 */
export async function requireParent(req: FastifyRequest, reply: FastifyReply): Promise<SessionUser | null> {
  const user = req.session?.user ?? null;
  if (user) return user;
  const next = req.method === 'GET' ? req.url : '/account';
  await reply.redirect(`/sign-in?next=${encodeURIComponent(next)}`, 303);
  return null;
}

/**
 * For staff pages: returns the staff member, or sends parents (and anyone else) to the staff
 * entrance (which comes back here afterwards) and returns null.
 */
export async function requireStaff(req: FastifyRequest, reply: FastifyReply): Promise<SessionStaff | null> {
  const staff = req.session?.staff ?? null;
  if (staff) return staff;
  await reply.redirect(`/staff/sign-in?next=${encodeURIComponent(req.method === 'GET' ? req.url : '/staff/queue')}`, 303);
  return null;
}

/**
 * The origin a return address is resolved against. Which one it is does not matter, since only
 * the path is kept; a reserved name (RFC 2606) that no site can own means an absolute address,
 * even to our own host, is refused rather than trusted on the strength of a Host header.
 */
const CHECK_ORIGIN = 'https://return-address.invalid';
/** Control characters and every kind of space: browsers drop or fold them (`/\t/evil` is `//evil`). */
const CONTROL_OR_SPACE = /[\u0000-\u001f\u007f-\u009f\s]/u;
const MAX_LENGTH = 2000;

/**
 * The one decision whether a return address (`next` and the like) is ours. It is read as a
 * browser reads it (WHATWG URL) and must stay on our origin; the answer is the address as
 * parsed — path, query and fragment — so what we redirect to is exactly what was checked, never
 * the raw text a browser might read differently (`/\evil`, `/.//evil`, `/%2e%2e//evil`).
 * Anything else gives `fallback`.
 */
export function safeNext(next: unknown, fallback = '/account'): string {
  if (typeof next !== 'string' || next.length > MAX_LENGTH || !next.startsWith('/') || CONTROL_OR_SPACE.test(next)) return fallback;
  let url: URL;
  try {
    url = new URL(next, CHECK_ORIGIN);
  } catch {
    return fallback;
  }
  if (url.origin !== CHECK_ORIGIN) return fallback;
  const path = `${url.pathname}${url.search}${url.hash}`;
  // Dot segments can leave an empty first segment (`/..//evil` is parsed to the path `//evil`),
  // which a browser would read as another host if we sent it as it is.
  return path.startsWith('//') ? fallback : path;
}
