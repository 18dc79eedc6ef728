import type { FastifyReply, FastifyRequest } from 'fastify';
import { Layout } from '../views/layout.js';
import type { Busy } from './hasher.js';

/**
 * The answer of a password form when the hasher's queue is full: 503 with Retry-After, in the
 * reader's language, saying nothing was saved. Every password form posts to its own page, so
 * "try again" opens that page afresh (the link of an activation or reset is still unused).
 */
export function sendHashingBusy(req: FastifyRequest, reply: FastifyReply, busy: Busy): Promise<FastifyReply> {
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
