import type { Db } from '../../platform/db/kysely.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { ApplicationsTable, DocumentsTable } from '../../platform/db/schema.js';
import { canSeeRequests } from './roles.js';

/**
 * PRV-1: which requests a staff member may see — their own district's, and for a site
 * administrator only their schools' (the school asked for, the school of residence of an
 * intra-district request, or the school a permit placed the student in). A request outside it
 * is "not found", never "forbidden", so the answer says nothing of whose it is.
 *
 * The reads below are over tables that modules above this one own (applications, permits,
 * documents): access sits under every domain, so it reads them with its own SQL rather than
 * importing those modules.
 */
export class RequestScope {
  constructor(private db: Db) {}

  /** The request, if it is within the staff member's scope; undefined otherwise (or if there is none). */
  async request(staff: SessionStaff, id: string): Promise<ApplicationsTable | undefined> {
    if (!canSeeRequests(staff)) return undefined; // a school's roles see no request (PRV-1)
    const app = await this.db.selectFrom('applications').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!app || staff.role !== 'site_admin') return app;
    // Their schools' requests: the school asked for, the school of residence of an intra-district
    // request, or the school a permit placed the student in (their periodic reviews, DEC-14).
    const permit = await this.db.selectFrom('permits').select('school_id').where('application_id', '=', app.id).executeTakeFirst();
    const schools = [app.requested_school_id, app.residence_school_id, permit?.school_id].filter((s): s is string => Boolean(s));
    const scoped = schools.length ? await this.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).where('school_id', 'in', schools).executeTakeFirst() : undefined;
    return scoped ? app : undefined;
  }

  /**
   * PRV-1: the other party of a hand-off — the release an incoming request came with, or the
   * incoming request a release became — whatever district it is in. The one read across
   * districts, reached only through the link of a request already in scope: the party district
   * sees that request's status and decision (DEC-5).
   */
  otherParty(app: Pick<ApplicationsTable, 'linked_application_id'>): Promise<ApplicationsTable | undefined> {
    if (!app.linked_application_id) return Promise.resolve(undefined);
    return this.db.selectFrom('applications').selectAll().where('id', '=', app.linked_application_id).executeTakeFirst();
  }

  /**
   * A site administrator's schools, the only ones whose requests they see; none ([]) for a
   * school's roles (the office and teachers, PRV-1: their schools are the roll's, not the permit
   * office's); null for every other role, who see their whole district. Lists (the queue, the
   * dashboard, document search, permit reviews) filter by these.
   */
  async schools(staff: Pick<SessionStaff, 'id' | 'role'>): Promise<string[] | null> {
    if (!canSeeRequests(staff)) return [];
    if (staff.role !== 'site_admin') return null;
    return (await this.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).execute()).map((r) => r.school_id);
  }

  /** Whether the school is one of the staff member's own (a site administrator's); never a school role's, for requests. */
  async hasSchool(staff: Pick<SessionStaff, 'id' | 'role'>, schoolId: string): Promise<boolean> {
    if (!canSeeRequests(staff)) return false;
    return Boolean(await this.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).where('school_id', '=', schoolId).executeTakeFirst());
  }

  /** One document of a request within the staff member's scope. */
  async document(staff: SessionStaff, id: string, documentId: string): Promise<Result<DocumentsTable>> {
    const application = await this.request(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const doc = await this.db.selectFrom('documents').selectAll().where('id', '=', documentId).where('application_id', '=', id).executeTakeFirst();
    return doc ? ok(doc) : err('not-found', 'common.notFound.message');
  }
}
