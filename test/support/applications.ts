import type { TestApp } from './app.js';
import { newId } from '../../src/platform/ids.js';
import { generateConfirmationNumber } from '../../src/modules/applications/confirmation-number.js';
import { insertNameWords } from '../../src/modules/applications/repository.js';

/** An incomplete LAUSD request made directly in the database, as the apply flow would leave it; `overrides` changes any column. */
export async function createApplication(t: TestApp, accountId: string, studentId: string, overrides: Record<string, unknown> = {}) {
  const now = t.clock.now().toISOString();
  const row = {
    id: newId(), confirmation_number: generateConfirmationNumber(), kind: 'incoming' as const, account_id: accountId, student_id: studentId,
    district_id: 'lausd-sample', school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason_code: 'parent-employment',
    requested_school_id: 'lausd-sample:1001', relationship: 'parent', decision_email: 'p@example.org', language: 'en', status: 'incomplete',
    submission_key: newId(), student_first_name: 'Mateo', student_last_name: 'López', student_date_of_birth: '2018-04-09', received_at: now, updated_at: now, decision_due_on: '2026-12-22', priority: 0,
    ...overrides,
  };
  await t.deps.db.insertInto('applications').values(row).execute();
  await insertNameWords(t.deps.db, row);
  return row;
}
