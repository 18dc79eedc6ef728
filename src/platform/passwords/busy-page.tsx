import type { FastifyReply, FastifyRequest } from 'fastify';
import { Layout } from '../views/layout.js';
import type { RateLimiter, RateLimitPolicy } from '../http/rate-limit.js';
import type { Busy } from './hasher.js';

/** The rate-limit counts an attempt took before it was refused, to give back: a refused attempt counts for nothing. */
export interface TakenAttempts {
  limiter: RateLimiter;
  policies: Record<string, RateLimitPolicy>;
  /** [limit name, subject] as given to `take`. */
  taken: [string, string][];
}

/**
 * The answer of a password form when the hasher's queue is full: 503 with Retry-After, in the
 * reader's language, saying nothing was saved. Every password form posts to its own page, so
 * "try again" opens that page afresh (the link of an activation or reset is still unused). The
 * rate-limit counts the attempt took are given back, so a parent who keeps trying through a rush
 * is not locked out by attempts that were never checked.
 */
export async function sendHashingBusy(req: FastifyRequest, reply: FastifyReply, busy: Busy, attempts?: TakenAttempts): Promise<FastifyReply> {
  for (const [name, subject] of attempts?.taken ?? []) {
    const policy = attempts!.policies[name];
    if (policy) await attempts!.limiter.refund(`${name}:${subject}`, policy.limit, policy.windowMs, 1);
  }
  reply.header('Retry-After', String(busy.problem.params.seconds));
  req.log.warn({ retryAfterSeconds: busy.problem.params.seconds }, 'password hashing busy: refused');
  return reply.page(
    (ctx) => (
      <Layout ctx={ctx} title={ctx.t('common.passwordsBusy.title')}>
        <h1>{ctx.t('common.passwordsBusy.title')}</h1>
        <p class="usa-intro">{ctx.t('common.passwordsBusy.message')}</p>
        <p>
          <a class="usa-button" href={req.url}>{ctx.t('common.passwordsBusy.again')}</a>
        </p>
      </Layout>
    ),
    { status: 503 },
  );
}
