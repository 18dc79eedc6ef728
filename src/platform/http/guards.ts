import type { FastifyReply, FastifyRequest } from 'fastify';
import type { SessionUser } from './sessions.js';

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

/** A `next` parameter that stays on this site. */
export function safeNext(next: unknown, fallback = '/account'): string {
  return typeof next === 'string' && next.startsWith('/') && !next.startsWith('//') && !next.includes('\\') ? next : fallback;
}
