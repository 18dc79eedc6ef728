import type { Db } from '../../platform/db/kysely.js';
import type { Clock } from '../../platform/clock.js';
import { newId } from '../../platform/ids.js';
import type { SessionStaff } from '../../platform/http/sessions.js';

/** PRV-2: every staff read and change of a student's record — who, when, what, from where. */
export class AuditLog {
  constructor(private db: Db, private clock: Clock) {}

  async record(staff: SessionStaff, action: string, entity: { type: string; id?: string | null }, ip: string, detail?: Record<string, unknown>): Promise<void> {
    await this.db
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
  }
}
