import type { Db } from '../../platform/db/kysely.js';
import type { Writer } from '../../platform/db/group-commit.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { AuditLogTable, AuditOutcome } from '../../platform/db/schema.js';
import { prepared } from '../../platform/db/prepared.js';

/** The record an entry is about: 'application', 'document', 'decision', 'permit', or a list ('queue', …). */
export interface AuditEntity { type: string; id?: string | null }
export type AuditFilters = { email: string; entity: string; outcome: AuditOutcome | '' };
export const AUDIT_OUTCOMES: readonly AuditOutcome[] = ['allowed', 'refused'];

/** PRV-2: every staff read and change of a student's record — who, when, what, from where. */
export class AuditLog {
  /**
   * `db`: a transaction when the entry belongs to a change (it commits or rolls back with it).
   * `writer`: for the entries of a route outside any transaction — every staff page view writes
   * one, and on SQLite the writer lets it share a commit with the other writes of the moment
   * instead of waiting for the disk on its own. Never give a writer together with a transaction.
   */
  constructor(private db: Db, private clock: Clock, private writer?: Writer) {}

  /**
   * The same log writing inside the caller's transaction (`trx`): its entries commit or roll back
   * with the change they record. The log built once at the top hands this out, so no service
   * builds a log of its own.
   */
  in(trx: Db): AuditLog {
    return new AuditLog(trx, this.clock);
  }

  async record(staff: SessionStaff, action: string, entity: AuditEntity, ip: string, detail?: Record<string, unknown>): Promise<void> {
    await this.write(staff, staff.districtId, 'allowed', action, entity, ip, detail);
  }

  /**
   * PRV-2: an attempt that was refused — the record is another district's, or outside a site
   * administrator's schools, or the role may not take the action. The answer the person got
   * still says nothing of whose it is (PRV-1); the entry is filed under the district whose
   * record was tried, so that district's administrators see who probed it. An id that matches
   * no record at all is filed under the actor's own district, with the id tried.
   * `refusal`: why ('not-found' or 'forbidden'); `detail.application` is looked up when the
   * entity itself is not found (a document id tried under a request id).
   */
  async refused(staff: SessionStaff, action: string, entity: AuditEntity, ip: string, refusal: string, detail: Record<string, unknown> = {}): Promise<void> {
    const application = typeof detail.application === 'string' ? detail.application : undefined;
    const district = (await this.districtOf(entity)) ?? (application ? await this.districtOf({ type: 'application', id: application }) : undefined);
    await this.write(staff, district ?? staff.districtId, 'refused', action, entity, ip, { ...detail, refusal });
  }

  /**
   * A service's problem, if it is an access refusal ('not-found': not theirs to see; 'forbidden':
   * not theirs to do), goes on the record; any other problem (bad input, a rule) does not.
   */
  async refusedIf(problemCode: string, staff: SessionStaff, action: string, entity: AuditEntity, ip: string, detail: Record<string, unknown> = {}): Promise<void> {
    if (problemCode === 'not-found' || problemCode === 'forbidden') await this.refused(staff, action, entity, ip, problemCode, detail);
  }

  private async write(staff: SessionStaff, districtId: string, outcome: AuditOutcome, action: string, entity: AuditEntity, ip: string, detail?: Record<string, unknown>): Promise<void> {
    const entry: AuditLogTable = {
      id: newId(),
      at: this.clock.now().toISOString(),
      staff_id: staff.id,
      district_id: districtId,
      actor_district_id: staff.districtId,
      outcome,
      action,
      entity_type: entity.type,
      entity_id: entity.id ?? null,
      ip,
      detail: detail ? JSON.stringify(detail) : null,
    };
    const insert = (db: Db) => insertEntry(db, entry);
    if (this.writer) await this.writer.run(insert);
    else await insert(this.db);
  }

  /**
   * The district a student's record belongs to, whatever district is asking; undefined when there
   * is no such record. It reads the tables of the modules above (applications, documents,
   * decisions, permits, enrollments, schools) with its own SQL: the audit log sits under every domain and imports none.
   */
  private async districtOf(entity: AuditEntity): Promise<string | undefined> {
    const id = entity.id;
    if (!id) return undefined;
    const row = await (() => {
      switch (entity.type) {
        case 'application':
          return this.db.selectFrom('applications').select('district_id').where('id', '=', id).executeTakeFirst();
        case 'document':
          return this.db.selectFrom('documents').innerJoin('applications', 'applications.id', 'documents.application_id').select('applications.district_id').where('documents.id', '=', id).executeTakeFirst();
        case 'decision':
          return this.db.selectFrom('decisions').innerJoin('applications', 'applications.id', 'decisions.application_id').select('applications.district_id').where('decisions.id', '=', id).executeTakeFirst();
        case 'permit':
          return this.db.selectFrom('permits').innerJoin('applications', 'applications.id', 'permits.application_id').select('applications.district_id').where('permits.id', '=', id).executeTakeFirst();
        // The roll (issue 15): an enrollment is its district's; a student is the district of their latest enrollment; a school its district's.
        case 'enrollment':
          return this.db.selectFrom('enrollments').select('district_id').where('id', '=', id).executeTakeFirst();
        case 'student':
          return this.db.selectFrom('enrollments').select('district_id').where('student_id', '=', id).orderBy('created_at', 'desc').limit(1).executeTakeFirst();
        case 'school':
          return this.db.selectFrom('schools').select('district_id').where('id', '=', id).executeTakeFirst();
        default:
          return Promise.resolve(undefined);
      }
    })();
    return row?.district_id;
  }

  /**
   * The district's entries, newest first, optionally for one staff email, one record, or refused
   * attempts only. The district's entries include other districts' staff refused on its records.
   */
  search(districtId: string, filters: AuditFilters) {
    let q = this.db
      .selectFrom('audit_log')
      .innerJoin('staff', 'staff.id', 'audit_log.staff_id')
      .select(['audit_log.at', 'audit_log.action', 'audit_log.entity_type', 'audit_log.entity_id', 'audit_log.ip', 'audit_log.detail', 'audit_log.outcome', 'audit_log.actor_district_id', 'staff.email'])
      .where('audit_log.district_id', '=', districtId);
    if (filters.email) q = q.where('staff.email', '=', filters.email);
    if (filters.entity) q = q.where('audit_log.entity_id', '=', filters.entity);
    if (filters.outcome) q = q.where('audit_log.outcome', '=', filters.outcome);
    return q.orderBy('audit_log.at', 'desc').orderBy('audit_log.id', 'desc').limit(200).execute();
  }
}

/** Every staff read and change writes a line: the statement is built once (platform/db/prepared.ts). */
const insertEntry = prepared((db, p: AuditLogTable) =>
  db.insertInto('audit_log').values({
    id: p.id, at: p.at, staff_id: p.staff_id, district_id: p.district_id, actor_district_id: p.actor_district_id, outcome: p.outcome,
    action: p.action, entity_type: p.entity_type, entity_id: p.entity_id, ip: p.ip, detail: p.detail,
  }),
);
