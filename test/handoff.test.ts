import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf, type Page } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { completeRequest, request, staffMember, withRequiredDocuments } from './support/staff.js';
import { pdfText } from './support/pdf.js';
import { samplePdf } from './support/files.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { DocumentsService } from '../src/modules/documents/service.js';
import { backgroundRunner } from '../src/modules/index.js';

/**
 * APP-1, DEC-5, DEC-16, DEC-17, DEC-19, STU-2, STU-3: the outgoing request (a release) and the
 * hand-off of an approved release between the two hosted sample districts, through the pages
 * a parent and the two permit offices use.
 */
const P = 'paramount-sample';
const L = 'lausd-sample';
const PARAMOUNT = 'Paramount Unified (sample)';
const LAUSD = 'Los Angeles Unified (sample)';
/** Garfield Park Elementary (102) for K-5 in config/districts/paramount-sample.ranges.csv. */
const LIVES_IN_PARAMOUNT = { address_line1: '8312 Garfield Ave', city: 'Paramount', zip: '90723', current_grade: '2' };
/** Elm Street Elementary (1001) for K-5 in config/districts/lausd-sample.ranges.csv. */
const LIVES_IN_LAUSD = { address_line1: '1200 Elm Street', city: 'Los Angeles', zip: '90011', current_grade: '2' };

type Family = Awaited<ReturnType<typeof family>>;

/** A signed-in parent and one student living at `home`. */
async function family(t: TestApp, home: Record<string, unknown> = LIVES_IN_PARAMOUNT) {
  const parent = await signedInParent(t);
  const student = await buildStudent(t, parent.user.id, { last_name: `Ruiz${Math.random().toString(36).slice(2, 8)}`, ...home });
  return { ...parent, student };
}

const rowOf = (t: TestApp, id: string) => t.deps.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const requestsOf = (t: TestApp, studentId: string) => t.deps.db.selectFrom('applications').selectAll().where('student_id', '=', studentId).orderBy('received_at').execute();
const incomingFrom = (t: TestApp, releaseId: string) => t.deps.db.selectFrom('applications').selectAll().where('linked_application_id', '=', releaseId).where('kind', '=', 'incoming').executeTakeFirst();
const decisionsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('decisions').selectAll().where('application_id', '=', id).orderBy('decided_at').execute();
const permitsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('permits').selectAll().where('application_id', '=', id).execute();
const docsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('documents').selectAll().where('application_id', '=', id).orderBy('doc_type').execute();
const mailsOf = async (t: TestApp, id: string) => (await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', id).orderBy('created_at').orderBy('id').execute());
const subjectsOf = async (t: TestApp, id: string) => (await mailsOf(t, id)).map((m) => m.subject);
const approvalsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('school_approvals').selectAll().where('application_id', '=', id).orderBy('decided_at').execute();
const seatsUsed = async (t: TestApp, school: string, year: string, grade: string) =>
  (await t.deps.db.selectFrom('seat_counts').select('used').where('school_id', '=', school).where('school_year', '=', year).where('grade', '=', grade).executeTakeFirst())?.used ?? 0;
const number = (row: { confirmation_number: string }) => formatConfirmationNumber(row.confirmation_number);

/** The id in a "303 → /applications/:id/confirmation" answer. */
function submitted(res: Page): string {
  expect(res.status, textOf(res.html).slice(0, 600)).toBe(303);
  const m = /^\/applications\/([^/]+)\/confirmation/.exec(res.location ?? '');
  if (!m) throw new Error(`not a confirmation: ${res.location}`);
  return m[1];
}

/** The message shown beside a field (USWDS error message), as a person reads it. */
function fieldError(html: string, name: string): string | null {
  const m = new RegExp(`id="field-${name}-error">([\\s\\S]*?)</span>\\s*(<|$)`).exec(html);
  if (!m) return null;
  return textOf(m[1]).replace(/^Error:\s*/, '');
}

const keyOf = (html: string) => /name="submission_key" value="([^"]+)"/.exec(html)?.[1] ?? '';

const releaseForm = (f: Family, over: Record<string, string>) => ({
  agree: 'yes', student: f.student.id, school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'parent-employment',
  target_district: L, target_district_name: '', target_school: `${L}:1001`, target_school_name: '',
  relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email, ...over,
});

/** Opens the release form of `slug` (as a browser does: for its CSRF token and submission key), then submits it. */
async function askRelease(f: Family, slug: string, over: Record<string, string> = {}) {
  const form = await f.client.get(`/apply/${slug}/outgoing?student=${f.student.id}`);
  const key = over.submission_key ?? keyOf(form.html);
  const res = await f.client.post(`/apply/${slug}/outgoing`, { ...releaseForm(f, over), submission_key: key });
  return { form, res, key };
}

const transferForm = (f: Family, over: Record<string, string>) => ({
  agree: 'yes', student: f.student.id, school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'sibling',
  school: '101', registration_number: 'GP-20417', relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email, ...over,
});

async function askTransfer(f: Family, over: Record<string, string> = {}) {
  const form = await f.client.get(`/apply/${P}/intra?student=${f.student.id}`);
  const res = await f.client.post(`/apply/${P}/intra`, { ...transferForm(f, over), submission_key: keyOf(form.html) });
  return { form, res };
}

/** The parent uploads one PDF per checklist code to a request, from its page. */
async function upload(f: Family, id: string, codes: string[]) {
  await f.client.get(`/applications/${id}`);
  const res = await f.client.postMultipart(
    `/applications/${id}/documents`,
    {},
    codes.map((c) => ({ field: `file_${c}`, filename: `${c}.pdf`, contentType: 'application/pdf', data: samplePdf(`${id}-${c}`) })),
  );
  expect(res.status, textOf(res.html).slice(0, 400)).toBe(303);
}

/** A staff form posted the way a browser does: read the request's page, then submit. */
async function act(c: TestClient, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}

/** A release asked of Paramount for a Paramount student, its documents in: status "submitted". */
async function submittedRelease(t: TestApp, f: Family, over: Record<string, string> = {}) {
  const id = submitted((await askRelease(f, P, over)).res);
  await upload(f, id, ['pay-stub', 'employer-letter']);
  expect((await rowOf(t, id)).status).toBe('submitted');
  return id;
}

for (const db of databases) {
  describe(`outgoing and intra-district permits, and the hand-off between districts, on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // The story runs over days of the fixed clock: sessions outlive it, as if each person signed in again.
      t = await makeTestApp({ dbUrl: db.url, now: '2027-02-15T18:00:00Z', env: { SESSION_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '10000' } });
    });
    afterAll(async () => t.close());

    it('DEC-5 DEC-1 PRV-1 the whole hand-off: Paramount releases, LAUSD receives the request in its place in the queue with the documents, and issues one permit with both approvals', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const { form, res } = await askRelease(f, P);
      expect(form.status).toBe(200);
      expect(textOf(form.html)).toContain(`Ask ${PARAMOUNT} to release your child`);
      const releaseId = submitted(res);
      let release = await rowOf(t, releaseId);
      expect(release).toMatchObject({
        kind: 'outgoing', district_id: P, account_id: f.user.id, student_id: f.student.id, school_year: '2027-2028', grade_requested: '3', reason_code: 'parent-employment',
        target_district_slug: L, target_district_name: LAUSD, target_school: '1001', requested_school_id: null, status: 'incomplete', priority: 0, linked_application_id: null,
      });
      expect(textOf((await f.client.follow(res)).html)).toContain(number(release));
      expect(await subjectsOf(t, releaseId)).toEqual([`Release request received: confirmation number ${number(release)}`]);
      // Not a priority reason: nothing goes to LAUSD before Paramount releases the student.
      expect(await incomingFrom(t, releaseId)).toBeUndefined();

      // Paramount cannot decide it while its documents are missing.
      const { client: paramountClerk } = await staffMember(t, P);
      const early = await act(paramountClerk, releaseId, 'approve', { years: '1' });
      expect(early.status).toBe(409);
      expect(textOf(early.html)).toContain('still missing required documents');
      await upload(f, releaseId, ['pay-stub', 'employer-letter']);
      expect((await rowOf(t, releaseId)).status).toBe('submitted');

      // A request LAUSD receives a day later, directly.
      t.clock.set('2027-02-16T18:00:00Z');
      const later = await request(t, L, { school_year: '2027-2028', decision_due_on: '2027-08-26' });

      t.clock.set('2027-02-20T18:00:00Z');
      const approved = await act(paramountClerk, releaseId, 'approve', { years: '1' });
      expect(approved.status).toBe(303);
      release = await rowOf(t, releaseId);
      expect(release.status).toBe('approved');
      const [releaseDecision] = await decisionsOf(t, releaseId);
      expect(releaseDecision).toMatchObject({ kind: 'approved', decided_on: '2027-02-20' });
      expect(await permitsOf(t, releaseId)).toMatchObject([{ school_id: `${L}:1001`, first_year: '2027-2028', last_year: '2027-2028', status: 'active' }]);

      // The incoming request LAUSD now has: linked both ways, received the day the parent asked Paramount.
      const incoming = (await incomingFrom(t, releaseId))!;
      expect(incoming).toMatchObject({
        district_id: L, kind: 'incoming', account_id: f.user.id, student_id: f.student.id, linked_application_id: releaseId, received_at: release.received_at,
        school_year: '2027-2028', grade_requested: '3', reason_code: 'parent-employment', requested_school_id: `${L}:1001`, status: 'incomplete', priority: 0,
        decision_email: f.user.email, student_last_name: f.student.last_name,
      });
      expect(incoming.received_at).toBe('2027-02-15T18:00:00.000Z');
      expect(release.linked_application_id).toBe(incoming.id);
      // The release's documents came with it; the release itself counts as LAUSD's "approved release" item.
      const copied = await docsOf(t, incoming.id);
      const originals = await docsOf(t, releaseId);
      expect(copied.map((d) => [d.doc_type, d.uploaded_via, d.status])).toEqual([['employer-letter', 'release', 'received'], ['pay-stub', 'release', 'received']]);
      expect(copied.map((d) => d.sha256)).toEqual(originals.map((d) => d.sha256));
      expect(copied.map((d) => d.id)).not.toEqual(originals.map((d) => d.id));
      const checklist = await new DocumentsService(t.deps).checklistStatus(incoming.id);
      expect(checklist.missingRequired.sort()).toEqual(['attendance', 'discipline', 'report-card']);
      expect(checklist.missingRequired).not.toContain('release');

      // The parent hears that the release went to LAUSD, on both requests.
      expect(await subjectsOf(t, incoming.id)).toEqual([`Your request was sent to ${LAUSD}: confirmation number ${number(incoming)}`]);
      expect(await subjectsOf(t, releaseId)).toContain(`Release approved and sent to ${LAUSD}`);
      const sentTo = (await mailsOf(t, incoming.id))[0];
      expect(sentTo.to_address).toBe(f.user.email);
      expect(sentTo.text_body).toContain(`was sent there by ${PARAMOUNT}`);

      // LAUSD's queue lists it before the request received after it (DEC-1); Paramount's does not list it.
      const { client: lausdClerk } = await staffMember(t, L);
      const queue = textOf((await lausdClerk.get('/staff/queue')).html);
      expect(queue).toContain(number(incoming));
      expect(queue.indexOf(number(incoming))).toBeLessThan(queue.indexOf(number(later)));
      expect(textOf((await paramountClerk.get('/staff/queue')).html)).not.toContain(number(incoming));
      // PRV-1: each office sees the other's request only through its own.
      expect((await lausdClerk.get(`/staff/requests/${releaseId}`)).status).toBe(404);
      const lausdPage = textOf((await lausdClerk.get(`/staff/requests/${incoming.id}`)).html);
      expect(lausdPage).toContain(`Came with the release of ${PARAMOUNT} (request ${number(release)}). The release's status: Approved`);

      // LAUSD's own documents, then its approval.
      expect((await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' })).status).toBe(409); // still incomplete
      await upload(f, incoming.id, ['report-card', 'discipline', 'attendance']);
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');
      t.clock.set('2027-02-25T18:00:00Z');
      expect((await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' })).status).toBe(303);
      expect((await rowOf(t, incoming.id)).status).toBe('approved');
      expect(await seatsUsed(t, `${L}:1001`, '2027-2028', '3')).toBe(1);
      expect((await mailsOf(t, incoming.id)).filter((m) => m.subject.startsWith('Permit approved'))).toHaveLength(1);

      // One permit, both districts' approval on it.
      const [decision] = await decisionsOf(t, incoming.id);
      const pdf = await f.client.get(`/applications/${incoming.id}/letters/${decision.id}.pdf`);
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const letter = await pdfText(pdf.body);
      expect(letter).toContain(`This permit carries the approval of both districts: ${PARAMOUNT} released the student and ${LAUSD} accepted the student.`);
      expect(letter).toContain(`Released by: ${PARAMOUNT}`);
      expect(letter).toContain(number(release));
      expect(letter).toContain('Elm Street Elementary');
      expect(letter).toContain('February 20, 2027'); // the day Paramount released the student

      // The parent follows both halves from either page.
      const mine = textOf((await f.client.get(`/applications/${incoming.id}`)).html);
      expect(mine).toContain(`The release from ${PARAMOUNT} (confirmation number ${number(release)}): Approved`);
      const mineRelease = textOf((await f.client.get(`/applications/${releaseId}`)).html);
      expect(mineRelease).toContain(`Sent to ${LAUSD} as request ${number(incoming)}: Approved`);
      // …and a release whose permit is issued can no longer be withdrawn.
      expect(mineRelease).not.toContain('Withdraw the request');
      const refused = await f.client.post(`/applications/${releaseId}/withdraw`, {});
      expect(refused.location).toBe(`/applications/${releaseId}?notice=notWithdrawable`);
      expect((await rowOf(t, releaseId)).status).toBe('approved');

      // Paramount's page for its release shows what LAUSD decided.
      const paramountPage = textOf((await paramountClerk.get(`/staff/requests/${releaseId}`)).html);
      expect(paramountPage).toContain(`Sent to ${LAUSD} as request ${number(incoming)}. Its status there: Approved`);
    });

    it('DEC-17 APP-2 APP-8 LAUSD after April 30: only parent employment, one release per student and year, a retried submit returns the first', async () => {
      t.clock.set('2027-05-01T18:00:00Z');
      const f = await family(t, LIVES_IN_LAUSD);
      const toParamount = { target_district: P, target_school: `${P}:101` };

      // The form is still offered: a late reason is taken until the school year ends.
      const form = await f.client.get(`/apply/${L}/outgoing?student=${f.student.id}`);
      expect(form.status).toBe(200);
      expect(form.html).toContain(`action="/apply/${L}/outgoing"`);
      expect(form.html).toContain('value="2027-2028"');

      const late = await askRelease(f, L, { ...toParamount, reason: 'sibling' });
      expect(late.res.status).toBe(400);
      const why = fieldError(late.res.html, 'reason');
      expect(why).toContain('Release requests for 2027-2028 closed on');
      expect(why).toContain('April 30, 2027');
      expect(why).toContain('only these reasons are taken: Parent employment');
      expect(await requestsOf(t, f.student.id)).toHaveLength(0);
      expect(await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', f.user.email).execute()).toHaveLength(0);
      // What was typed stays on the page.
      expect(late.res.html).toContain(`value="${f.user.email}"`);

      const first = await askRelease(f, L, { ...toParamount, reason: 'parent-employment' });
      const id = submitted(first.res);
      const release = await rowOf(t, id);
      expect(release).toMatchObject({ district_id: L, kind: 'outgoing', reason_code: 'parent-employment', school_year: '2027-2028', target_district_slug: P, target_school: '101', status: 'incomplete' });

      // The same form again (double click, retry): the first request, not a second.
      const retry = await f.client.post(`/apply/${L}/outgoing`, { ...releaseForm(f, { ...toParamount }), submission_key: first.key });
      expect(retry.status).toBe(303);
      expect(retry.location).toBe(`/applications/${id}/confirmation?repeated=1`);
      expect(await requestsOf(t, f.student.id)).toHaveLength(1);
      expect(await subjectsOf(t, id)).toHaveLength(1);

      // A new release request for the same student and year: refused, naming the first.
      const second = await askRelease(f, L, { ...toParamount, reason: 'parent-employment', current_grade: '' });
      expect(second.res.status).toBe(400);
      expect(fieldError(second.res.html, 'school_year')).toBe(`The student already has a release request for 2027-2028 (confirmation number ${number(release)}). Only one is taken per school year`);
      expect(await requestsOf(t, f.student.id)).toHaveLength(1);
    });

    it('DEC-5 a release names a hosted district or another one by name: an unknown district is refused beside the field, "other" needs a name, and a named district is not forwarded', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const nowhere = await askRelease(f, P, { target_district: 'nowhere', target_school: '', target_school_name: 'Lincoln Elementary' });
      expect(nowhere.res.status).toBe(400);
      expect(fieldError(nowhere.res.html, 'target_district')).toBe('That district is not on the list. Choose one from the list, or choose "Another district" and type its name');
      expect(nowhere.res.html).toContain('value="Lincoln Elementary"');
      expect(nowhere.res.html).toContain(`value="${f.user.email}"`);
      expect(nowhere.res.html).toMatch(/value="parent-employment"[^>]*checked/);

      const unnamed = await askRelease(f, P, { target_district: 'other', target_school: '' });
      expect(unnamed.res.status).toBe(400);
      expect(fieldError(unnamed.res.html, 'target_district_name')).toBe('Enter the name of the district the student wants to attend');
      expect(await requestsOf(t, f.student.id)).toHaveLength(0);

      const named = await askRelease(f, P, { target_district: 'other', target_district_name: 'Downey Unified', target_school: '', target_school_name: 'Gauldin Elementary' });
      const id = submitted(named.res);
      const release = await rowOf(t, id);
      expect(release).toMatchObject({ target_district_slug: null, target_district_name: 'Downey Unified', target_school: 'Gauldin Elementary', status: 'incomplete', linked_application_id: null });
      const [received] = await mailsOf(t, id);
      expect(received.text_body).toContain(`release ${f.student.first_name} ${f.student.last_name} to attend Downey Unified in the 2027-2028 school year`);
      await upload(f, id, ['pay-stub', 'employer-letter']);
      expect((await rowOf(t, id)).status).toBe('submitted');
      // Nothing goes to a hosted district: no other request for the student exists.
      expect(await requestsOf(t, f.student.id)).toHaveLength(1);
      expect(textOf((await f.client.get(`/applications/${id}`)).html)).toContain('District the student wants to attend Downey Unified');
    });

    it('DEC-5 Paramount approves a release to a district not hosted here, and nothing is forwarded', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const id = await submittedRelease(t, f, { target_district: 'other', target_district_name: 'Downey Unified', target_school: '', target_school_name: 'Gauldin Elementary' });
      const { client: clerk } = await staffMember(t, P);
      t.clock.set('2027-02-16T18:00:00Z'); // a day later: the emails read in the order sent
      expect((await act(clerk, id, 'approve', { years: '2' })).status).toBe(303);
      const release = await rowOf(t, id);
      expect(release).toMatchObject({ status: 'approved', linked_application_id: null });
      expect(await requestsOf(t, f.student.id)).toHaveLength(1);
      expect(await subjectsOf(t, id)).toEqual([`Release request received: confirmation number ${number(release)}`, `Release approved for ${f.student.first_name} ${f.student.last_name}`]);
      const [decision] = await decisionsOf(t, id);
      const letter = await pdfText((await f.client.get(`/applications/${id}/letters/${decision.id}.pdf`)).body);
      expect(letter).toContain('Downey Unified');
      expect(letter).toContain('School years 2027-2028 through 2028-2029');
    });

    it('STU-2 STU-3 the home address decides: a release is asked of the district of residence, an unplaced address is refused, and a resident is not offered an incoming permit', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      // A Paramount resident asks LAUSD for a release.
      const f = await family(t);
      const wrong = await askRelease(f, L, { target_district: P, target_school: `${P}:101` });
      expect(wrong.res.status).toBe(400);
      expect(textOf(wrong.res.html)).toContain('The student\'s home address is in Paramount, not in LAUSD. Ask Paramount instead');
      expect(await requestsOf(t, f.student.id)).toHaveLength(0);

      // An address in Paramount's ZIP on a street it has no range for.
      const lost = await family(t, { address_line1: '100 Nowhere St', city: 'Paramount', zip: '90723', current_grade: '2' });
      const release = await askRelease(lost, P);
      expect(release.res.status).toBe(400);
      expect(textOf(release.res.html)).toContain('We could not find the student\'s home address in Paramount\'s address list');
      await lost.client.get(`/apply/${P}`);
      expect((await lost.client.post(`/apply/${P}`, { agree: 'yes', student: lost.student.id })).status).toBe(303);
      const incomingForm = await lost.client.get(`/apply/${P}/form?student=${lost.student.id}`);
      expect(incomingForm.html).not.toContain(`action="/apply/${P}/form"`);
      const posted = await lost.client.post(`/apply/${P}/form`, {
        student: lost.student.id, submission_key: 'k'.repeat(24), school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '101',
        relationship: 'parent', decision_email: lost.user.email, decision_email_confirm: lost.user.email,
      });
      expect(posted.status).toBe(400);
      expect(await requestsOf(t, lost.student.id)).toHaveLength(0);

      // A Paramount resident is not offered an incoming permit to Paramount, and told why.
      await f.client.get(`/apply/${P}`);
      expect((await f.client.post(`/apply/${P}`, { agree: 'yes', student: f.student.id })).status).toBe(303);
      const inside = await f.client.get(`/apply/${P}/form?student=${f.student.id}`);
      const text = textOf(inside.html);
      expect(text).toContain('This address is inside the district');
      expect(text).toContain(`(ZIP code 90723) is inside ${PARAMOUNT}. An incoming permit is only for students who live outside the district.`);
      expect(text).toContain('Ask the student\'s current school to check the address');
      expect(inside.html).not.toContain(`action="/apply/${P}/form"`);
      const insidePost = await f.client.post(`/apply/${P}/form`, {
        student: f.student.id, submission_key: 'm'.repeat(24), school_year: '2027-2028', grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '101',
        relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email,
      });
      expect(insidePost.status).toBe(400);
      expect(textOf(insidePost.html)).toContain('This address is inside the district');
      expect(await requestsOf(t, f.student.id)).toHaveLength(0);
    });

    it('STU-3 an address that cannot be placed is not called "inside the district" on the incoming form', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const lost = await family(t, { address_line1: '100 Nowhere St', city: 'Paramount', zip: '90723', current_grade: '2' });
      await lost.client.get(`/apply/${P}`);
      await lost.client.post(`/apply/${P}`, { agree: 'yes', student: lost.student.id });
      const page = textOf((await lost.client.get(`/apply/${P}/form?student=${lost.student.id}`)).html);
      expect(page).not.toContain('This address is inside the district');
      expect(page).toContain('We could not find the student\'s home address in Paramount\'s address list');
    });

    it('DEC-19 a bullying victim\'s release goes to LAUSD at once, Paramount cannot deny it, and LAUSD\'s approval grants the release by law in the same transaction', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const releaseId = submitted((await askRelease(f, P, { reason: 'bullying-victim' })).res);
      let release = await rowOf(t, releaseId);
      expect(release).toMatchObject({ priority: 1, status: 'incomplete', reason_code: 'bullying-victim' });
      // Forwarded right at submit, before anyone at Paramount looked at it.
      const incoming = (await incomingFrom(t, releaseId))!;
      expect(incoming).toMatchObject({ district_id: L, priority: 1, reason_code: 'bullying-victim', received_at: release.received_at, linked_application_id: releaseId, status: 'incomplete' });
      expect(release.linked_application_id).toBe(incoming.id);
      expect(await subjectsOf(t, incoming.id)).toEqual([`Your request was sent to ${LAUSD}: confirmation number ${number(incoming)}`]);
      // No release is asked of the parent for a priority transfer.
      expect((await new DocumentsService(t.deps).checklistStatus(incoming.id)).missingRequired.sort()).toEqual(['attendance', 'bullying-report', 'discipline', 'report-card']);

      // Paramount may not block it.
      await upload(f, releaseId, ['bullying-report']);
      expect((await rowOf(t, releaseId)).status).toBe('submitted');
      const { client: paramountClerk } = await staffMember(t, P);
      const page = textOf((await paramountClerk.get(`/staff/requests/${releaseId}`)).html);
      expect(page).toContain('This is a priority release (bullying victim or military family)');
      const mailsBefore = await mailsOf(t, releaseId);
      const denied = await act(paramountClerk, releaseId, 'deny', { 'deny_reasons__no-space-grade': 'yes', deny_note: '', appeal_right: 'yes' });
      expect(denied.status).toBe(409);
      expect(textOf(denied.html)).toContain('A release for a victim of bullying or a child of an active-duty military parent cannot be denied');
      expect((await rowOf(t, releaseId)).status).toBe('submitted');
      expect(await decisionsOf(t, releaseId)).toHaveLength(0);
      expect(await mailsOf(t, releaseId)).toEqual(mailsBefore);

      // LAUSD decides, without waiting for the release; only capacity can stop it.
      await upload(f, incoming.id, ['report-card', 'discipline', 'attendance', 'bullying-report']);
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');
      const { client: lausdClerk } = await staffMember(t, L);
      await t.deps.db.insertInto('seat_counts').values({ school_id: `${L}:1001`, school_year: '2027-2028', grade: '3', used: 2 })
        .onConflict((oc) => oc.columns(['school_id', 'school_year', 'grade']).doUpdateSet({ used: 2 })).execute();
      const full = await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' });
      expect(full.status).toBe(400);
      expect(textOf(full.html)).toContain('Elm Street Elementary has no permit seats left in grade 3 for 2027-2028');
      // All or nothing: the refused approval did not release the student either.
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');
      expect((await rowOf(t, releaseId)).status).toBe('submitted');
      expect(await decisionsOf(t, releaseId)).toHaveLength(0);
      expect(await permitsOf(t, releaseId)).toHaveLength(0);

      t.clock.set('2027-02-18T18:00:00Z');
      expect((await act(lausdClerk, incoming.id, 'approve', { school: '1002', years: '2' })).status).toBe(303);
      expect((await rowOf(t, incoming.id)).status).toBe('approved');
      release = await rowOf(t, releaseId);
      expect(release.status).toBe('approved');
      const [byLaw] = await decisionsOf(t, releaseId);
      const [accepted] = await decisionsOf(t, incoming.id);
      expect(byLaw).toMatchObject({ kind: 'approved', decided_by: null, note: 'DEC-19', decided_on: '2027-02-18' });
      expect(byLaw.decided_at).toBe(accepted.decided_at);
      expect(await permitsOf(t, incoming.id)).toMatchObject([{ status: 'active', first_year: '2027-2028', last_year: '2028-2029', school_id: `${L}:1002` }]);
      // DEC-18: the release granted by law covers the years LAUSD approved.
      expect(await permitsOf(t, releaseId)).toMatchObject([{ status: 'active', first_year: '2027-2028', last_year: '2028-2029', school_id: `${L}:1001` }]);
      const events = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', releaseId).where('to_status', '=', 'approved').execute();
      expect(events.map((e) => [e.actor, e.from_status])).toEqual([['system', 'submitted']]);
      // The permit carries both districts.
      const letter = await pdfText((await f.client.get(`/applications/${incoming.id}/letters/${accepted.id}.pdf`)).body);
      expect(letter).toContain(`Released by: ${PARAMOUNT}`);
      expect(letter).toContain('Sunrise Avenue Elementary');
    });

    it('DEC-16 DEC-5 withdrawing an approved release withdraws the undecided request it became; LAUSD can then not approve it', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const releaseId = await submittedRelease(t, f);
      const { client: paramountClerk } = await staffMember(t, P);
      expect((await act(paramountClerk, releaseId, 'approve', { years: '1' })).status).toBe(303);
      const incoming = (await incomingFrom(t, releaseId))!;
      await upload(f, incoming.id, ['report-card', 'discipline', 'attendance']);
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');

      const page = await f.client.get(`/applications/${releaseId}`);
      expect(textOf(page.html)).toContain('Withdrawing the release also withdraws the request it became in the other district');
      const res = await f.client.post(`/applications/${releaseId}/withdraw`, {});
      expect(res.status).toBe(303);
      expect(res.location).toBe(`/applications/${releaseId}?notice=withdrawn`);
      expect(textOf((await f.client.follow(res)).html)).toContain('The request was withdrawn.');
      expect((await rowOf(t, releaseId)).status).toBe('withdrawn');
      expect((await rowOf(t, incoming.id)).status).toBe('withdrawn');
      expect(await permitsOf(t, releaseId)).toMatchObject([{ status: 'revoked' }]);
      expect(await subjectsOf(t, releaseId)).toContain(`Request withdrawn: ${number(await rowOf(t, releaseId))}`);
      expect(await subjectsOf(t, incoming.id)).toContain(`Request withdrawn: ${number(incoming)}`);
      const incomingEvents = await t.deps.db.selectFrom('application_events').selectAll().where('application_id', '=', incoming.id).where('to_status', '=', 'withdrawn').execute();
      expect(incomingEvents.map((e) => [e.actor, e.from_status])).toEqual([['system', 'submitted']]);

      const { client: lausdClerk } = await staffMember(t, L);
      const mailsBefore = await mailsOf(t, incoming.id);
      const refused = await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' });
      expect(refused.status).toBe(409);
      expect(textOf(refused.html)).toContain('already decided or changed by someone else');
      expect((await rowOf(t, incoming.id)).status).toBe('withdrawn');
      expect(await decisionsOf(t, incoming.id)).toHaveLength(0);
      expect(await permitsOf(t, incoming.id)).toHaveLength(0);
      expect(await mailsOf(t, incoming.id)).toEqual(mailsBefore);
      // The LAUSD page says where the release stands.
      expect(textOf((await lausdClerk.get(`/staff/requests/${incoming.id}`)).html)).toContain(`Came with the release of ${PARAMOUNT} (request ${number(await rowOf(t, releaseId))}). The release's status: Withdrawn`);
    });

    it('DEC-5 DEC-16 a forwarded request cannot be approved or denied while its (non-priority) release is still pending in the district of residence', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const { user } = await signedInParent(t);
      const release = await request(t, P, { kind: 'outgoing', requested_school_id: null, school_year: '2027-2028', target_district_slug: L, target_district_name: LAUSD, target_school: '1001', status: 'submitted' }, user);
      const incoming = await completeRequest(t, L, { school_year: '2027-2028', linked_application_id: release.id, received_at: release.received_at, student_id: release.student_id }, user);
      await t.deps.db.updateTable('applications').set({ linked_application_id: incoming.id }).where('id', '=', release.id).execute();
      const { client: lausdClerk } = await staffMember(t, L);
      const page = textOf((await lausdClerk.get(`/staff/requests/${incoming.id}`)).html);
      expect(page).toContain(`Came with the release of ${PARAMOUNT} (request ${number(release)}). The release's status: Received`);
      const res = await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' });
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain('The district of residence has not released the student yet');
      const denied = await act(lausdClerk, incoming.id, 'deny', { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'no-release' });
      expect(denied.status).toBe(409);
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');
      expect((await rowOf(t, release.id)).status).toBe('submitted');
      expect(await decisionsOf(t, incoming.id)).toHaveLength(0);
      expect(await decisionsOf(t, release.id)).toHaveLength(0);
      expect(await mailsOf(t, incoming.id)).toHaveLength(0);
      expect(await permitsOf(t, incoming.id)).toHaveLength(0);
    });

    it('APP-1 an intra-district request: another school than the school of residence, with the registration number Paramount requires', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const form = await f.client.get(`/apply/${P}/intra?student=${f.student.id}`);
      expect(textOf(form.html)).toContain('The school of residence for this address is Garfield Park Elementary.');

      // APP-5: radio groups left unanswered are not sent at all; each still gets its own message.
      const form2 = await f.client.get(`/apply/${P}/intra?student=${f.student.id}`);
      const { reason: _r, school_year: _y, ...unanswered } = transferForm(f, {});
      const blank = await f.client.post(`/apply/${P}/intra`, { ...unanswered, submission_key: keyOf(form2.html) });
      expect(blank.status).toBe(400);
      expect(fieldError(blank.html, 'reason')).toBe('Choose the reason for the request');
      expect(fieldError(blank.html, 'school_year')).toBe('Choose the school year');

      const unregistered = await askTransfer(f, { registration_number: '' });
      expect(unregistered.res.status).toBe(400);
      expect(fieldError(unregistered.res.html, 'registration_number')).toBe('Enter the student ID number from registration at Garfield Park Elementary. Register the student there first');
      expect(unregistered.res.html).toMatch(/value="sibling"[^>]*checked/);
      const same = await askTransfer(f, { school: '102' });
      expect(same.res.status).toBe(400);
      expect(fieldError(same.res.html, 'school')).toBe('Garfield Park Elementary is already the student\'s school of residence. Choose a different school');
      expect(await requestsOf(t, f.student.id)).toHaveLength(0);

      const id = submitted((await askTransfer(f)).res);
      const row = await rowOf(t, id);
      expect(row).toMatchObject({
        kind: 'intra', district_id: P, requested_school_id: `${P}:101`, residence_school_id: `${P}:102`, registration_number: 'GP-20417', status: 'incomplete', reason_code: 'sibling',
      });
      expect(await subjectsOf(t, id)).toEqual([`School change request received: confirmation number ${number(row)}`]);
      await upload(f, id, ['sibling-report-card']);
      expect((await rowOf(t, id)).status).toBe('submitted');
      // One open request for another school per year.
      const again = await askTransfer(f, { school: '103' });
      expect(again.res.status).toBe(400);
      expect(fieldError(again.res.html, 'school')).toContain(`(confirmation number ${number(row)})`);
      expect(await requestsOf(t, f.student.id)).toHaveLength(1);
    });

    it('APP-1 DEC-6 both schools decide an intra-district request: each site administrator only for their school; the second approval issues the permit and takes a seat', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const id = submitted((await askTransfer(f)).res);
      await upload(f, id, ['sibling-report-card']);
      const row = await rowOf(t, id);
      const { client: admin101 } = await staffMember(t, P, 'site_admin', ['101']);
      const { client: admin102 } = await staffMember(t, P, 'site_admin', ['102']);
      const { client: admin103 } = await staffMember(t, P, 'site_admin', ['103']);
      const { client: clerk } = await staffMember(t, P);

      expect(textOf((await admin101.get('/staff/queue')).html)).toContain(number(row));
      expect(textOf((await admin102.get('/staff/queue')).html)).toContain(number(row));
      expect(textOf((await admin103.get('/staff/queue')).html)).not.toContain(number(row));
      expect((await admin103.get(`/staff/requests/${id}`)).status).toBe(404);

      // The permit office's generic approval does not apply to it.
      const generic = await act(clerk, id, 'approve', { school: '101', years: '1' });
      expect(generic.status).toBe(409);
      expect(textOf(generic.html)).toContain('An intra-district request is decided by its two schools');
      expect((await rowOf(t, id)).status).toBe('submitted');

      // 101 is the school asked for: it cannot decide for the school of residence.
      const page101 = await admin101.get(`/staff/requests/${id}`);
      expect(page101.html).toContain(`action="/staff/requests/${id}/school-decision/requested"`);
      expect(page101.html).not.toContain(`action="/staff/requests/${id}/school-decision/residence"`);
      const notMine = await admin101.post(`/staff/requests/${id}/school-decision/residence`, { school_decision_residence: 'approved', school_note_residence: '' });
      expect(notMine.status).toBe(403);
      expect(await approvalsOf(t, id)).toHaveLength(0);

      expect((await act(admin102, id, 'school-decision/residence', { school_decision_residence: 'approved', school_note_residence: '' })).status).toBe(303);
      expect((await rowOf(t, id)).status).toBe('submitted'); // one school is not enough
      expect(await permitsOf(t, id)).toHaveLength(0);
      t.clock.set('2027-02-16T18:00:00Z');
      expect((await act(admin101, id, 'school-decision/requested', { school_decision_requested: 'approved', school_note_requested: '' })).status).toBe(303);
      expect((await rowOf(t, id)).status).toBe('approved');
      expect((await approvalsOf(t, id)).map((a) => [a.role, a.decision, a.school_id])).toEqual([['residence', 'approved', `${P}:102`], ['requested', 'approved', `${P}:101`]]);
      expect(await permitsOf(t, id)).toMatchObject([{ school_id: `${P}:101`, first_year: '2027-2028', last_year: '2027-2028', grade: '3', status: 'active' }]);
      expect(await seatsUsed(t, `${P}:101`, '2027-2028', '3')).toBe(1);
      const approvedMails = (await mailsOf(t, id)).filter((m) => m.subject.startsWith('Permit approved'));
      expect(approvedMails).toHaveLength(1);
      expect(approvedMails[0].text_body).toContain('School: Orchard Lane Elementary');
      const [decision] = await decisionsOf(t, id);
      const letter = await pdfText((await f.client.get(`/applications/${id}/letters/${decision.id}.pdf`)).body);
      expect(letter).toContain('Intra-district permit');
      expect(letter).toContain('Orchard Lane Elementary');
      // A second decision by the same school is refused.
      const twice = await act(admin101, id, 'school-decision/requested', { school_decision_requested: 'denied', school_note_requested: 'changed my mind' });
      expect(twice.status).toBe(409);
      expect((await rowOf(t, id)).status).toBe('approved');
      const parentPage = textOf((await f.client.get(`/applications/${id}`)).html);
      expect(parentPage).toContain('School of residence Garfield Park Elementary');
    });

    it('APP-1 DEC-16 one school\'s denial closes an intra-district request: the note reaches the parent, with no county appeal', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const id = submitted((await askTransfer(f)).res);
      await upload(f, id, ['sibling-report-card']);
      const seats = await seatsUsed(t, `${P}:101`, '2027-2028', '3');
      const { client: admin102 } = await staffMember(t, P, 'site_admin', ['102']);
      const noNote = await act(admin102, id, 'school-decision/residence', { school_decision_residence: 'denied', school_note_residence: '' });
      expect(noNote.status).toBe(400);
      expect(fieldError(noNote.html, 'school_note_residence')).toBe('Write why the school denies the request: the parent reads it');
      expect((await rowOf(t, id)).status).toBe('submitted');

      const res = await act(admin102, id, 'school-decision/residence', { school_decision_residence: 'denied', school_note_residence: 'The sibling left Orchard Lane last year.' });
      expect(res.status).toBe(303);
      expect((await rowOf(t, id)).status).toBe('denied');
      const [decision] = await decisionsOf(t, id);
      expect(decision).toMatchObject({ kind: 'denied', appeal_until: null, no_appeal_reason: 'intra-district', note: 'The sibling left Orchard Lane last year.' });
      const denied = (await mailsOf(t, id)).filter((m) => m.subject.startsWith('School change request denied'));
      expect(denied).toHaveLength(1);
      expect(denied[0].text_body).toContain('Garfield Park Elementary has denied the request');
      expect(denied[0].text_body).toContain('Why: The sibling left Orchard Lane last year.');
      expect(denied[0].text_body).not.toMatch(/county|LACOE/i);
      expect(await permitsOf(t, id)).toHaveLength(0);
      expect(await seatsUsed(t, `${P}:101`, '2027-2028', '3')).toBe(seats);
      const letter = await pdfText((await f.client.get(`/applications/${id}/letters/${decision.id}.pdf`)).body);
      expect(letter).toContain('It is not appealed to the county office');
      expect(letter).not.toContain('Los Angeles County Office of Education');
    });

    it('APP-1 DEC-6 a full school refuses the final approval of an intra-district request and changes nothing', async () => {
      t.clock.set('2027-02-15T18:00:00Z');
      const f = await family(t);
      const id = submitted((await askTransfer(f)).res);
      await upload(f, id, ['sibling-report-card']);
      const { client: clerk } = await staffMember(t, P); // the permit office may record either school's decision
      expect((await act(clerk, id, 'school-decision/residence', { school_decision_residence: 'approved', school_note_residence: '' })).status).toBe(303);
      // Orchard Lane (101) has 3 permit seats in grade 3: all taken.
      await t.deps.db.insertInto('seat_counts').values({ school_id: `${P}:101`, school_year: '2027-2028', grade: '3', used: 3 })
        .onConflict((oc) => oc.columns(['school_id', 'school_year', 'grade']).doUpdateSet({ used: 3 })).execute();
      const mailsBefore = await mailsOf(t, id);
      const res = await act(clerk, id, 'school-decision/requested', { school_decision_requested: 'approved', school_note_requested: '' });
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain('Orchard Lane Elementary has no permit seats left in grade 3 for 2027-2028');
      expect((await rowOf(t, id)).status).toBe('submitted');
      expect((await approvalsOf(t, id)).map((a) => a.role)).toEqual(['residence']);
      expect(await decisionsOf(t, id)).toHaveLength(0);
      expect(await permitsOf(t, id)).toHaveLength(0);
      expect(await seatsUsed(t, `${P}:101`, '2027-2028', '3')).toBe(3);
      expect(await mailsOf(t, id)).toEqual(mailsBefore);
    });

    // These two run the sweeper on an earlier school year (2026-2027): they come last, and look only at their own rows.
    it('DEC-3 DEC-15 DEC-5 the receiving district\'s deadline counts from the day the approved release reaches it, not from the day the release was asked', async () => {
      t.clock.set('2026-09-01T18:00:00Z');
      const f = await family(t);
      const releaseId = await submittedRelease(t, f, { school_year: '2026-2027' });
      expect((await rowOf(t, releaseId)).decision_due_on).toBe('2026-10-01'); // after the first day of school: 30 days
      t.clock.set('2026-09-28T18:00:00Z');
      const { client: paramountClerk } = await staffMember(t, P);
      expect((await act(paramountClerk, releaseId, 'approve', { years: '1' })).status).toBe(303);
      const incoming = (await incomingFrom(t, releaseId))!;
      expect(incoming.received_at).toBe('2026-09-01T18:00:00.000Z'); // its place in the queue
      expect(incoming.decision_due_on).toBe('2026-10-28'); // 30 days from the day LAUSD received it
      await upload(f, incoming.id, ['report-card', 'discipline', 'attendance']);
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');

      // A week later LAUSD has not decided yet: that is no denial by silence.
      t.clock.set('2026-10-05T18:00:00Z');
      await backgroundRunner(t.deps, 'deadlines').runOnce();
      expect((await rowOf(t, incoming.id)).status).toBe('submitted');
      expect(await decisionsOf(t, incoming.id)).toHaveLength(0);
      const { client: lausdClerk } = await staffMember(t, L);
      expect((await act(lausdClerk, incoming.id, 'approve', { school: '1001', years: '1' })).status).toBe(303);
      expect((await rowOf(t, incoming.id)).status).toBe('approved');
    });

    it('DEC-17 DEC-5 a forwarded request that is still incomplete is not abandoned before the parent had 30 days to send the receiving district\'s documents', async () => {
      t.clock.set('2026-09-01T18:00:00Z');
      const f = await family(t);
      const releaseId = await submittedRelease(t, f, { school_year: '2026-2027' });
      t.clock.set('2026-09-28T18:00:00Z');
      const { client: paramountClerk } = await staffMember(t, P);
      expect((await act(paramountClerk, releaseId, 'approve', { years: '1' })).status).toBe(303);
      const incoming = (await incomingFrom(t, releaseId))!;
      expect(incoming.status).toBe('incomplete');
      t.clock.set('2026-10-05T18:00:00Z'); // 7 days after it reached LAUSD
      await backgroundRunner(t.deps, 'deadlines').runOnce();
      expect((await rowOf(t, incoming.id)).status).toBe('incomplete');
      expect(await decisionsOf(t, incoming.id)).toHaveLength(0);
    });

    it('DEC-15 APP-1 a school change past its due date is not deemed denied with a county appeal: the two schools decide it', async () => {
      t.clock.set('2027-03-01T18:00:00Z');
      const intra = await request(t, P, { kind: 'intra', requested_school_id: `${P}:101`, residence_school_id: `${P}:102`, status: 'submitted', decision_due_on: '2027-02-10', school_year: '2027-2028' });
      const incoming = await request(t, P, { status: 'submitted', decision_due_on: '2027-02-10', school_year: '2027-2028' });
      await backgroundRunner(t.deps, 'deadlines').runOnce();
      expect((await rowOf(t, intra.id)).status).toBe('submitted');
      expect(await decisionsOf(t, intra.id)).toHaveLength(0);
      expect((await rowOf(t, incoming.id)).status).toBe('deemed_denied');
    });

    it('DEC-16 a denial of an incoming request without any release is preset as one with no appeal; a release document on file presets the appeal', async () => {
      t.clock.set('2027-03-01T18:00:00Z');
      const { client: clerk } = await staffMember(t, L);
      const radio = (html: string, value: string) => [...html.matchAll(/<input[^>]*name="appeal_right"[^>]*>/g)].map((m) => m[0]).find((x) => x.includes(`value="${value}"`))!;
      const bare = await withRequiredDocuments(t, await request(t, L, { status: 'submitted' }), ['release']); // all but the release (APP-11)
      const page = (await clerk.get(`/staff/requests/${bare.id}`)).html;
      expect(textOf(page)).toContain('No release from the district of residence is on file for this request');
      expect(radio(page, 'no-release')).toContain('checked');
      expect(radio(page, 'yes')).not.toContain('checked');
      const withRelease = await withRequiredDocuments(t, await request(t, L, { status: 'submitted' }), ['release']); // all but the release (APP-11)
      await t.deps.db.insertInto('documents').values({ id: `doc-${withRelease.id}`, application_id: withRelease.id, doc_type: 'release', original_name: 'release.pdf', content_type: 'application/pdf', size_bytes: 10, sha256: 'x'.repeat(64), storage_key: 'xx/xx/x', status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null }).execute();
      const page2 = (await clerk.get(`/staff/requests/${withRelease.id}`)).html;
      expect(textOf(page2)).not.toContain('No release from the district of residence is on file');
      expect(radio(page2, 'yes')).toContain('checked');
    });
  });
}
