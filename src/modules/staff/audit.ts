import type { Db } from '../../platform/db/kysely.js';
import type { Writer } from '../../platform/db/group-commit.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SessionStaff } from '../../platform/http/sessions.js';

/** PRV-2: every staff read and change of a student's record — who, when, what, from where. */
export class AuditLog {
  /**
   * `db`: a transaction when the entry belongs to a change (it commits or rolls back with it).
   * `writer`: for the entries of a route outside any transaction — every staff page view writes
   * one, and on SQLite the writer lets it share a commit with the other writes of the moment
   * instead of waiting for the disk on its own. Never give a writer together with a transaction.
   */
  constructor(private db: Db, private clock: Clock, private writer?: Writer) {}

  async record(staff: SessionStaff, action: string, entity: { type: string; id?: string | null }, ip: string, detail?: Record<string, unknown>): Promise<void> {
    const insert = (db: Db) => db
      .insertInto('audit_log')
      .values({
        id: newId(),
        at: this.clock.now().toISOString(),
        staff_id: staff.id,
        district_id: staff.districtId,
        action,
        entity_type: entity.type,
        entity_id: entity.id ?? null,
        ip,
        detail: detail ? JSON.stringify(detail) : null,
      })
      .execute();
    if (this.writer) await this.writer.run(insert);
    else await insert(this.db);
  }

  /** The district's entries, newest first, optionally for one staff email or one record. */
  search(districtId: string, filters: { email: string; entity: string }) {
    let q = this.db
      .selectFrom('audit_log')
      .innerJoin('staff', 'staff.id', 'audit_log.staff_id')
      .select(['audit_log.at', 'audit_log.action', 'audit_log.entity_type', 'audit_log.entity_id', 'audit_log.ip', 'audit_log.detail', 'staff.email'])
      .where('audit_log.district_id', '=', districtId);
    if (filters.email) q = q.where('staff.email', '=', filters.email);
    if (filters.entity) q = q.where('audit_log.entity_id', '=', filters.entity);
    return q.orderBy('audit_log.at', 'desc').orderBy('audit_log.id', 'desc').limit(200).execute();
  }
}
