import { DocumentsService, type ChecklistStatus } from '../documents/service.js';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { ApplicationsTable, DocumentsTable } from '../../platform/db/schema.js';
import type { RequestScope } from '../access/request-scope.js';
import { history } from '../applications/lifecycle.js';

export interface RequestView {
  application: ApplicationsTable;
  parent: { first_name: string; last_name: string; email: string; language: string };
  student: { address_line1: string; address_line2: string | null; city: string; state: string; zip: string; current_school: string | null; current_district: string | null };
  events: { at: string; actor: string; from_status: string | null; to_status: string; note: string | null }[];
  documents: DocumentsTable[];
  messages: { id: string; subject: string; created_at: string; status: string }[];
  /** The request's checklist as the parent's page reads it: what is missing, what came with a release (APP-11, DEC-5). */
  checklist: ChecklistStatus;
  /** DEC-13: changes of address the parent reported more than 30 days after moving. */
  lateMoves: { moved_on: string; reported_on: string }[];
}

/** One request as the permit office sees it on its page. Outside the staff member's scope it is not found (PRV-1). */
export class RequestViews {
  private scope: RequestScope;
  private documents: DocumentsService;
  /** `scope`: the scope of a request, built once at the top. */
  constructor(private deps: Deps, scope: RequestScope) {
    this.scope = scope;
    this.documents = new DocumentsService(deps);
  }

  async view(staff: SessionStaff, id: string): Promise<Result<RequestView>> {
    const application = await this.scope.request(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const [parent, student, events, documents, messages] = await Promise.all([
      this.deps.db.selectFrom('users').select(['first_name', 'last_name', 'email', 'language']).where('id', '=', application.account_id).executeTakeFirstOrThrow(),
      this.deps.db.selectFrom('students').select(['address_line1', 'address_line2', 'city', 'state', 'zip', 'current_school', 'current_district']).where('id', '=', application.student_id).executeTakeFirstOrThrow(),
      history(this.deps.db, id),
      this.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).orderBy('uploaded_at').orderBy('id').execute(),
      this.deps.db.selectFrom('outbox').select(['id', 'subject', 'created_at', 'status']).where('application_id', '=', id).orderBy('created_at').execute(),
    ]);
    const lateMoves = await this.deps.db.selectFrom('address_changes').select(['moved_on', 'reported_on']).where('student_id', '=', application.student_id).where('late', '=', 1).orderBy('moved_on').execute();
    const checklist = await this.documents.checklistStatus(application);
    return ok({ application, parent, student, events, documents, messages, lateMoves, checklist });
  }
}
