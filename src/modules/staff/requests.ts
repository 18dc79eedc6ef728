import { canChangeRecords } from './roles.js';
import { DocumentsService, type ChecklistStatus } from '../documents/service.js';
import type { Deps } from '../../deps.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import type { ApplicationsTable, DocumentsTable } from '../../platform/db/schema.js';

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

/** One request as the permit office sees it. Staff of another district find nothing (PRV-1). */
export class StaffRequests {
  constructor(private deps: Deps) {}

  private async visible(staff: SessionStaff, id: string): Promise<ApplicationsTable | undefined> {
    const app = await this.deps.db.selectFrom('applications').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    if (!app || staff.role !== 'site_admin') return app;
    // Their schools' requests: the school asked for, the school of residence of an intra-district
    // request, or the school a permit placed the student in (their periodic reviews, DEC-14).
    const permit = await this.deps.db.selectFrom('permits').select('school_id').where('application_id', '=', app.id).executeTakeFirst();
    const schools = [app.requested_school_id, app.residence_school_id, permit?.school_id].filter((s): s is string => Boolean(s));
    const scoped = schools.length ? await this.deps.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', staff.id).where('school_id', 'in', schools).executeTakeFirst() : undefined;
    return scoped ? app : undefined;
  }

  async view(staff: SessionStaff, id: string): Promise<Result<RequestView>> {
    const application = await this.visible(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const [parent, student, events, documents, messages] = await Promise.all([
      this.deps.db.selectFrom('users').select(['first_name', 'last_name', 'email', 'language']).where('id', '=', application.account_id).executeTakeFirstOrThrow(),
      this.deps.db.selectFrom('students').select(['address_line1', 'address_line2', 'city', 'state', 'zip', 'current_school', 'current_district']).where('id', '=', application.student_id).executeTakeFirstOrThrow(),
      this.deps.db.selectFrom('application_events').select(['at', 'actor', 'from_status', 'to_status', 'note']).where('application_id', '=', id).orderBy('at').orderBy('id').execute(),
      this.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).orderBy('uploaded_at').orderBy('id').execute(),
      this.deps.db.selectFrom('outbox').select(['id', 'subject', 'created_at', 'status']).where('application_id', '=', id).orderBy('created_at').execute(),
    ]);
    const lateMoves = await this.deps.db.selectFrom('address_changes').select(['moved_on', 'reported_on']).where('student_id', '=', application.student_id).where('late', '=', 1).orderBy('moved_on').execute();
    const checklist = await new DocumentsService(this.deps).checklistStatus(application);
    return ok({ application, parent, student, events, documents, messages, lateMoves, checklist });
  }

  async document(staff: SessionStaff, id: string, documentId: string): Promise<Result<DocumentsTable>> {
    const application = await this.visible(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const doc = await this.deps.db.selectFrom('documents').selectAll().where('id', '=', documentId).where('application_id', '=', id).executeTakeFirst();
    return doc ? ok(doc) : err('not-found', 'common.notFound.message');
  }

  /** DOC-3: the district's own student ID, entered by the permit office, so staff find the student's documents by it. */
  async setStudentNumber(staff: SessionStaff, id: string, value: string): Promise<Result<string | null>> {
    if (!canChangeRecords(staff)) return err('forbidden', 'decisions.errors.forbidden');
    const application = await this.visible(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const number = value.trim().toUpperCase();
    if (number && !/^[A-Z0-9-]{1,20}$/.test(number)) return err('invalid', 'staff.studentNumber.invalid', { field: 'student_number' });
    await this.deps.db.updateTable('applications').set({ student_number: number || null, updated_at: this.deps.clock.now().toISOString() }).where('id', '=', id).execute();
    return ok(number || null);
  }
}
