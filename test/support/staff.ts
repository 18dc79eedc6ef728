import type { TestApp } from './app.js';
import { TestClient } from './client.js';
import { PASSWORD, buildParent, buildStudent } from './parents.js';
import { StaffService } from '../../src/modules/staff/service.js';
import type { StaffRole } from '../../src/platform/db/schema.js';
import { newId } from '../../src/platform/ids.js';
import { generateConfirmationNumber } from '../../src/modules/applications/confirmation-number.js';
import { insertNameWords } from '../../src/modules/applications/repository.js';
import { DocumentsService } from '../../src/modules/documents/service.js';

/** Staff accounts and requests built straight in the database, for the staff-side tests. */
let n = 0;
/** A signed-in staff member of `district` (a slug), with a client of their own. */
export async function staffMember(t: TestApp, district: string, role: StaffRole = 'permit_staff', schoolCodes: string[] = []) {
  const email = `staff${++n}.${district}@example.org`;
  const r = await new StaffService(t.deps).create({ districtSlug: district, email, firstName: 'Permit', lastName: 'Clerk', role, schoolCodes });
  if (!r.ok) throw new Error(r.problem.code);
  const c = new TestClient(t.app, `10.60.0.${n}`);
  const link = new URL(r.value.activationLink).pathname;
  await c.get(link);
  const done = await c.post(link, { password: PASSWORD, password_confirm: PASSWORD });
  if (done.status !== 303) throw new Error(`activation failed ${done.status}`);
  return { client: c, email, id: r.value.id };
}

/** A request inserted as if a parent had submitted it; `over` changes any column. */
export async function request(t: TestApp, district: string, over: Record<string, unknown> = {}, owner?: { id: string; email: string }) {
  const user = owner ?? (await buildParent(t));
  const s = await buildStudent(t, user.id);
  const at = t.clock.now().toISOString();
  const row = {
    id: newId(), confirmation_number: generateConfirmationNumber(), kind: 'incoming' as const, account_id: user.id, student_id: s.id, district_id: district,
    school_year: '2026-2027', grade_requested: '3', current_grade: '2', reason_code: 'parent-employment', requested_school_id: `${district}:${district === 'lausd-sample' ? '1001' : '101'}`,
    relationship: 'parent', decision_email: user.email, language: 'en', status: 'submitted', submission_key: newId(), student_first_name: 'Mateo',
    student_last_name: `Student${n++}`, student_date_of_birth: '2018-04-09', received_at: at, updated_at: at, decision_due_on: '2026-12-22', priority: 0, ...over,
  };
  await t.deps.db.insertInto('applications').values(row).execute();
  await insertNameWords(t.deps.db, row);
  return row;
}


/**
 * APP-11: a request is decided only once its required documents are in. Adds one received file
 * for each required item of the request's checklist (all but `except`), as a parent's uploads
 * leave them, for tests that decide a request rather than test its checklist.
 */
export async function withRequiredDocuments<T extends { id: string }>(t: TestApp, row: T, except: string[] = []): Promise<T> {
  const app = await t.deps.db.selectFrom('applications').selectAll().where('id', '=', row.id).executeTakeFirstOrThrow();
  const { missingRequired } = await new DocumentsService(t.deps).checklistStatus(app);
  const bytes = Buffer.from(`%PDF-1.4\n% ${row.id}\n%%EOF\n`);
  const stored = await t.deps.storage.put((async function* () { yield bytes; })() as never, { maxBytes: 1_000_000 });
  const at = t.clock.now().toISOString();
  for (const code of missingRequired.filter((c) => !except.includes(c))) {
    await t.deps.db.insertInto('documents').values({
      id: newId(), application_id: row.id, doc_type: code, original_name: `${code}.pdf`, content_type: 'application/pdf', size_bytes: stored.size, sha256: stored.sha256,
      storage_key: stored.key, status: 'received', uploaded_via: 'account', uploaded_at: at, review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
    }).execute();
  }
  return row;
}

/** A request as `request()` makes it, with its required documents in (APP-11: ready to be decided). */
export async function completeRequest(t: TestApp, district: string, over: Record<string, unknown> = {}, owner?: { id: string; email: string }) {
  return withRequiredDocuments(t, await request(t, district, over, owner));
}
