import type { Db } from '../../platform/db/kysely.js';
import type { SessionStaff } from '../../platform/http/sessions.js';
import type { EnrollmentsTable } from '../../platform/db/schema.js';
import { canReadRoll } from './roles.js';
import { prepared } from '../../platform/db/prepared.js';

/**
 * PRV-1 for a school's roll (issue 15): which schools' students a staff member may see. A
 * district administrator sees every school of the district; the school office and teachers only
 * the schools they are given (staff_schools, as a site administrator); the permit office, site
 * administrators and auditors none — the roll is not theirs to read. Outside the scope a record
 * is "not found", never "forbidden", so the answer says nothing of whose it is.
 *
 * Reads `enrollments` (owned by the enrollment module, above this floor) with its own SQL, as
 * RequestScope reads requests.
 */
export class RollScope {
  constructor(private db: Db) {}

  /** The staff member's schools: null for every school of their district, [] for none. */
  async schools(staff: Pick<SessionStaff, 'id' | 'role'>): Promise<string[] | null> {
    if (!canReadRoll(staff)) return [];
    if (staff.role === 'district_admin') return null;
    return (await schoolsOf(this.db, { staffId: staff.id })).rows.map((r) => r.school_id);
  }

  /** The ids of the staff member's schools, in the order the district lists them (every school for a district administrator). */
  async schoolIdsIn(staff: Pick<SessionStaff, 'id' | 'role'>, district: { slug: string; schools: readonly { code: string }[] }): Promise<string[]> {
    const mine = await this.schools(staff);
    return district.schools.map((s) => `${district.slug}:${s.code}`).filter((id) => mine === null || mine.includes(id));
  }

  /** Whether the school is in the staff member's scope (their district's, and one of theirs if they are given schools). */
  async hasSchool(staff: Pick<SessionStaff, 'id' | 'role' | 'districtId'>, schoolId: string): Promise<boolean> {
    if (!schoolId.startsWith(`${staff.districtId}:`)) return false;
    const schools = await this.schools(staff);
    return schools === null || schools.includes(schoolId);
  }

  /** One enrollment, if its school is in the staff member's scope; undefined otherwise. */
  async enrollment(staff: SessionStaff, id: string): Promise<EnrollmentsTable | undefined> {
    const e = await this.db.selectFrom('enrollments').selectAll().where('id', '=', id).where('district_id', '=', staff.districtId).executeTakeFirst();
    return e && (await this.hasSchool(staff, e.school_id)) ? e : undefined;
  }

  /**
   * Whether the student is on a roll the staff member may see: an enrollment (of any status) at
   * one of their schools. A teacher opening a student of another school is refused here.
   */
  async student(staff: SessionStaff, studentId: string): Promise<boolean> {
    const schools = await this.schools(staff);
    if (schools !== null && schools.length === 0) return false;
    let q = this.db.selectFrom('enrollments').select('id').where('student_id', '=', studentId).where('district_id', '=', staff.districtId);
    if (schools !== null) q = q.where('school_id', 'in', schools);
    return Boolean(await q.executeTakeFirst());
  }
}

/** Every roll and attendance action checks the staff member's schools: the statement is built once (platform/db/prepared.ts). */
const schoolsOf = prepared((db, p: { staffId: string }) => db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', p.staffId));

