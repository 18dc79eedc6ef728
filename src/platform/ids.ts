import { randomBytes, randomFillSync, createHash } from 'node:crypto';

const ID_BYTES = 12;
/** Ids handed out from one fill of the pool. */
const POOL_IDS = 256;
const pool = Buffer.alloc(ID_BYTES * POOL_IDS);
let nextInPool = POOL_IDS;

/**
 * Opaque random identifiers for rows (URL-safe, 96 random bits). A roster writes several rows,
 * so the random bytes come from a pool filled by the same generator 256 ids at a time (as
 * Node's own randomUUID does) rather than one call into it per id.
 */
export const newId = (): string => {
  if (nextInPool === POOL_IDS) {
    randomFillSync(pool);
    nextInPool = 0;
  }
  const start = nextInPool++ * ID_BYTES;
  return pool.toString('base64url', start, start + ID_BYTES);
};
/** Secrets (sessions, links sent by email): each drawn on its own. */
export const newToken = (): string => randomBytes(32).toString('base64url');
export const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');
