import type { Db } from '../../platform/db/kysely.js';
import type { WithdrawnRecords } from '../applications/withdraw.js';
import { DecisionsRepository } from './repository.js';

/**
 * What a parent's withdrawal ends of the decisions' records, in the withdrawal's transaction:
 * the request's open requests for missing items (DOC-4), and the permit of an approved release
 * the parent no longer needs (DEC-5).
 */
export function withdrawnRecords(db: Db): WithdrawnRecords {
  const repo = new DecisionsRepository(db);
  return {
    async closeWithdrawn(trx, app, nowIso) {
      await repo.closeOpenInfoRequests(trx, app.id, nowIso, 'closed_at');
      if (app.status === 'approved') await repo.revokeActivePermitOf(trx, app.id, nowIso);
    },
  };
}
