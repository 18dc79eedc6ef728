import type { Db } from '../../platform/db/kysely.js';
import type { Clock } from '../../platform/clock.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import { err, ok, type Result } from '../../platform/result.js';
import { canChangeRecords } from '../access/roles.js';
import { RequestScope } from '../access/request-scope.js';

/** DOC-3: the district's own student ID, entered by the permit office, so staff find the student's documents by it. */
export class StudentNumbers {
  private scope: RequestScope;
  constructor(private db: Db, private clock: Clock) {
    this.scope = new RequestScope(db);
  }

  async set(staff: SessionStaff, id: string, value: string): Promise<Result<string | null>> {
    if (!canChangeRecords(staff)) return err('forbidden', 'decisions.errors.forbidden');
    const application = await this.scope.request(staff, id);
    if (!application) return err('not-found', 'common.notFound.message');
    const number = value.trim().toUpperCase();
    if (number && !/^[A-Z0-9-]{1,20}$/.test(number)) return err('invalid', 'staff.studentNumber.invalid', { field: 'student_number' });
    await this.db.updateTable('applications').set({ student_number: number || null, updated_at: this.clock.now().toISOString() }).where('id', '=', id).execute();
    return ok(number || null);
  }
}
