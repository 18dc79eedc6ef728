import type { Db } from '../../platform/db/kysely.js';
import { newId } from '../../platform/ids.js';
import type { CarriedDocuments } from '../applications/handoff.js';
import { DocumentsRepository } from './repository.js';

/**
 * DEC-5: what a release's documents become when it is handed to the receiving district — the
 * ones not rejected, copied onto the new request as received, sent with the release, for that
 * district's staff to review again.
 */
export function carriedDocuments(db: Db): CarriedDocuments {
  const repo = new DocumentsRepository(db);
  return {
    async of(trx, releaseId) {
      return (await repo.forApplication(releaseId, trx)).filter((d) => d.status !== 'rejected');
    },
    async copy(trx, docs, toApplicationId) {
      await repo.insert(
        docs.map((d) => ({ ...d, id: newId(), application_id: toApplicationId, status: 'received', uploaded_via: 'release' as const, review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null })),
        trx,
      );
    },
  };
}
