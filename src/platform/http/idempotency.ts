import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Db } from '../db/kysely.js';
import { isUniqueViolation } from '../db/kysely.js';
import { prepared } from '../db/prepared.js';
import { DirectWriter, type Writer } from '../db/group-commit.js';
import type { Clock } from '../clock.js';
import { sha256 } from '../ids.js';
import { rawField } from './forms.js';

declare module 'fastify' {
  interface FastifyRequest {
    idempotencyKey?: string;
  }
}

export type Begin = { state: 'new' } | { state: 'done'; status: number; location: string | null } | { state: 'busy' };

/** How long a key is remembered: long enough for any retry, short enough to keep the table small. */
export const KEY_TTL_MS = 24 * 3_600_000;
/**
 * A claim with no result after this long belongs to a request whose process died (a crash,
 * a kill): the next try takes it over rather than waiting for an answer that will never come.
 */
export const STALE_CLAIM_MS = 30_000;

/**
 * The first request with a key claims it (a row with no result yet); the result is stored when
 * it succeeds, and the claim dropped when it fails, so the person can correct and send again.
 */
export class IdempotencyStore {
  /**
   * `writer`: the claim and its result are small writes on the path of every form post; on SQLite
   * they share commits with the other writes of the moment (group commit) instead of each
   * waiting for the disk on its own.
   */
  constructor(private db: Db, private clock: Clock, private writer: Writer = new DirectWriter(db)) {}

  async begin(keyHash: string, route: string): Promise<Begin> {
    try {
      // Seen by every other request at once; on disk with what the form then writes (ADR 0045).
      await this.writer.run((trx) => claimKey(trx, { keyHash, route, at: this.clock.now().toISOString() }), { durable: false });
      return { state: 'new' };
    } catch (e) {
      if (!isUniqueViolation(e)) throw e;
    }
    const row = await this.db.selectFrom('idempotency_keys').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
    if (!row) return this.begin(keyHash, route); // the first attempt failed and let go meanwhile
    if (row.route !== route) return { state: 'busy' };
    if (row.status !== null) {
      // The first request's answer is repeated only once what it wrote is on disk (ADR 0045).
      await this.writer.settled();
      return { state: 'done', status: row.status, location: row.location };
    }
    if (Date.parse(row.created_at) < this.clock.now().getTime() - STALE_CLAIM_MS) {
      // Only one taker wins the abandoned claim: the delete names the exact row it saw.
      const gone = await this.db.deleteFrom('idempotency_keys').where('key_hash', '=', keyHash).where('status', 'is', null).where('created_at', '=', row.created_at).executeTakeFirst();
      if (Number(gone.numDeletedRows) === 1) return this.begin(keyHash, route);
    }
    return { state: 'busy' };
  }

  complete(keyHash: string, status: number, location: string | null) {
    return this.writer.run((trx) => completeKey(trx, { keyHash, status, location }));
  }

  release(keyHash: string) {
    return this.writer.run((trx) => trx.deleteFrom('idempotency_keys').where('key_hash', '=', keyHash).where('status', 'is', null).execute(), { durable: false });
  }

  purgeExpired() {
    return this.db.deleteFrom('idempotency_keys').where('created_at', '<', new Date(this.clock.now().getTime() - KEY_TTL_MS).toISOString()).execute();
  }
}

/** Every form post claims its key and stores its result: the two statements are built once (platform/db/prepared.ts). */
const claimKey = prepared((db, p: { keyHash: string; route: string; at: string }) =>
  db.insertInto('idempotency_keys').values({ key_hash: p.keyHash, route: p.route, status: null, location: null, created_at: p.at }),
);
const completeKey = prepared((db, p: { keyHash: string; status: number; location: string | null }) =>
  db.updateTable('idempotency_keys').set({ status: p.status, location: p.location }).where('key_hash', '=', p.keyHash),
);

const SAFE_KEY = /^[A-Za-z0-9_-]{16,100}$/;

/**
 * Every state-changing form carries an idempotency key (`_idem`, see CsrfField), and an API
 * client may send an `Idempotency-Key` header. A retry of a request that succeeded gets the
 * same answer (its redirect) without doing the work again; a retry while the first is still
 * running waits for it. Keys are per session (or per address without one), so nobody can
 * replay another person's key.
 */
export function idempotency(app: FastifyInstance, store: IdempotencyStore, onBusy: (req: FastifyRequest, reply: FastifyReply) => Promise<unknown>): void {
  app.addHook('preHandler', async (req, reply) => {
    if (req.method !== 'POST' || req.is404) return;
    const given = req.headers['idempotency-key'] ?? rawField(req.body, '_idem');
    if (typeof given !== 'string' || !SAFE_KEY.test(given)) return;
    const who = req.session?.idHash ?? `ip:${req.ip}`;
    const keyHash = sha256(`${who}\u0000${given}`);
    const route = `${req.method} ${req.url.split('?')[0]}`;
    const started = Date.now();
    for (;;) {
      const r = await store.begin(keyHash, route);
      if (r.state === 'new') {
        req.idempotencyKey = keyHash;
        return;
      }
      if (r.state === 'done') return reply.code(r.status).header('Location', r.location ?? '/').send();
      if (Date.now() - started >= 10_000) return onBusy(req, reply);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });

  app.addHook('onSend', async (req, reply, payload) => {
    const key = req.idempotencyKey;
    if (!key) return payload;
    req.idempotencyKey = undefined;
    const location = reply.getHeader('location');
    // Only a success (the redirect after a post) is remembered; a page with errors is not.
    if (reply.statusCode >= 300 && reply.statusCode < 400 && typeof location === 'string') await store.complete(key, reply.statusCode, location);
    else await store.release(key);
    return payload;
  });

  // A request that dies before answering must not hold its key.
  app.addHook('onResponse', async (req) => {
    if (req.idempotencyKey) await store.release(req.idempotencyKey);
  });
}
