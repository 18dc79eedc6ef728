import type { TestApp } from './app.js';
import { buildStudent } from './parents.js';
import { Roll, type EnrollInput } from '../../src/modules/enrollment/roll.js';
import type { EnrollmentsTable } from '../../src/platform/db/schema.js';

/** A school's roll for the tests (issue 15): students enrolled straight through the roll's owner. */

/** The sample district's schools and year most roll tests use. */
export const ROLL = {
  district: 'lausd-sample',
  elm: 'lausd-sample:1001', // TK–5
  sunrise: 'lausd-sample:1002', // TK–5
  figueroa: 'lausd-sample:1003', // K–8
  mission: 'lausd-sample:2001', // 6–8
  year: '2026-2027', // first day 2026-08-13, last day 2027-06-10
} as const;

/**
 * A student on the roll: `accountId` null for one enrolled at the counter or imported, with no
 * parent's account linked yet (PRV-1). Enrolled active on `entryDate` (default 2026-09-08), or
 * pre-enrolled when `entryDate` is null.
 */
export async function enrolledStudent(
  t: TestApp,
  opts: Partial<Omit<EnrollInput, 'studentId' | 'entryDate'>> & { entryDate?: string | null; accountId?: string | null; student?: Record<string, unknown> } = {},
): Promise<{ student: Awaited<ReturnType<typeof buildStudent>>; enrollment: EnrollmentsTable }> {
  const { accountId = null, entryDate = '2026-09-08', student: over = {}, ...input } = opts;
  const student = await buildStudent(t, accountId as string, { ...over, account_id: accountId });
  const r = await new Roll(t.deps).enroll('staff:test', {
    studentId: student.id,
    schoolId: ROLL.elm,
    schoolYear: ROLL.year,
    grade: '2',
    entryType: 'new',
    ...input,
    ...(entryDate === null ? {} : { entryDate }),
  });
  if (!r.ok) throw new Error(`enroll refused: ${r.problem.code}`);
  return { student, enrollment: r.value };
}
