import type { Deps } from '../../deps.js';
import type { ApplicationsTable } from '../../platform/db/schema.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { DocumentsService } from '../documents/service.js';
import type { DecisionsRepository } from './repository.js';

/** The checklist item of the district of residence's release (DEC-5). */
const RELEASE = 'release';
/** Statuses of a request still waiting for its decision: the ones APP-11 speaks of. */
const OPEN = ['incomplete', 'submitted', 'info_requested'];

/** Why an open request cannot be decided now, and what it waits for. */
export interface NotReady {
  /** 'awaiting-info': a request for missing items is open; 'incomplete': required documents are missing or rejected. */
  why: 'awaiting-info' | 'incomplete';
  /** Checklist codes of the required documents with no file, or only rejected ones. */
  missing: string[];
  /** The due date of the open request for missing items, if there is one. */
  infoDue: string | null;
  /**
   * DEC-16: the release is all that is missing (and no request for items is open). The district
   * of proposed attendance may then deny because the district of residence never issued one —
   * the missing release is what that denial is about — but not approve, nor deny for anything else.
   */
  onlyRelease: boolean;
}

/**
 * APP-11: an incomplete request is not decided. Open requests are decided only once every
 * required document is in (none missing, none only rejected — DocumentsService.checklistStatus)
 * and no request for missing items is waiting for the parent's answer. Until then the request
 * keeps its place, and the parent's deadline runs: with no answer by the due date, or still
 * incomplete after the district's days, the sweep abandons it (DEC-4, DEC-17).
 *
 * What "complete" means is the checklist's: a priority transfer needs no release (DEC-19), and
 * a request forwarded from a release holds it already (DEC-5), so neither waits for one. One
 * denial is allowed without the release: the one for having none (DEC-16, see `onlyRelease`).
 *
 * One check for every decision on an open request — approve, deny, and each school's decision
 * on an intra-district request. A request no longer open is not held here: an approval after a
 * deemed denial (DEC-15) or after the county granted an appeal (DEC-8) carries out a decision
 * already made, and such a request takes no more documents that could complete it.
 */
export class DecisionReadiness {
  constructor(
    private deps: Pick<Deps, 'db'>,
    private repo: DecisionsRepository,
    private documents: DocumentsService,
  ) {}

  async check(app: ApplicationsTable): Promise<NotReady | null> {
    if (!OPEN.includes(app.status)) return null;
    const [checklist, infoRequests] = await Promise.all([this.documents.checklistStatus(app), this.repo.infoRequests(this.deps.db, app.id)]);
    const open = infoRequests.filter((r) => !r.answered_at && !r.closed_at);
    const infoDue = open.length ? open.map((r) => r.due_on).sort()[0] : null;
    const missing = checklist.missingRequired;
    if (infoDue) return { why: 'awaiting-info', missing, infoDue, onlyRelease: false };
    if (missing.length || app.status === 'incomplete') return { why: 'incomplete', missing, infoDue: null, onlyRelease: app.kind === 'incoming' && missing.length === 1 && missing[0] === RELEASE };
    return null;
  }

  /**
   * The same check as a service answer: a problem with its message key, or ok. `noReleaseDenial`:
   * the decision is a denial because no release was ever issued (DEC-16), which the missing
   * release alone does not hold back.
   */
  async ready(app: ApplicationsTable, opts: { noReleaseDenial?: boolean } = {}): Promise<Result<null>> {
    const notReady = await this.check(app);
    if (!notReady || (opts.noReleaseDenial && notReady.onlyRelease)) return ok(null);
    return notReady.why === 'awaiting-info'
      ? err('awaiting-info', 'decisions.errors.awaitingInfo')
      : err('incomplete', 'decisions.errors.incomplete');
  }
}
