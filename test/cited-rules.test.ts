import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf, type Page, type TestClient } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { samplePdf } from './support/files.js';
import { pdfText } from './support/pdf.js';

/**
 * APP-7, APP-12 and DOC-5 through the pages a parent and the permit office use, on Paramount's
 * sample configuration: who may ask for a permit, the school the district assigns, and the
 * documents each reason needs.
 */
const P = 'paramount-sample';
const YEAR = '2027-2028';
/** Garfield Park Elementary (102) for K-5 in config/districts/paramount-sample.ranges.csv. */
const LIVES_IN_PARAMOUNT = { address_line1: '8312 Garfield Ave', city: 'Paramount', zip: '90723', current_grade: '2' };

/** Paramount's configuration as the district wrote it, read apart from the app's loader. */
interface YamlDoc { code: string; required?: boolean }
interface YamlConfig {
  documents: { code: string; label: { en: string; es: string } }[];
  commonDocuments: { incoming: YamlDoc[] };
  reasons: { code: string; kinds: string[]; priority?: boolean; label: { en: string }; documents: YamlDoc[] }[];
  schools: { code: string; name: string; lowestGrade: string; highestGrade: string; permitSeats: { perGrade: number } }[];
}
const paramountYaml = (): YamlConfig => parseYaml(fs.readFileSync(path.resolve('config/districts/paramount-sample.yaml'), 'utf8')) as YamlConfig;

const rowsOf = (t: TestApp, accountId: string) => t.deps.db.selectFrom('applications').selectAll().where('account_id', '=', accountId).execute();
const rowOf = (t: TestApp, id: string) => t.deps.db.selectFrom('applications').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
const keyOf = (html: string) => /name="submission_key" value="([^"]+)"/.exec(html)?.[1] ?? '';

/** The message shown beside a field (USWDS error message), as a person reads it. */
function fieldError(html: string, name: string): string | null {
  const m = new RegExp(`id="field-${name}-error">([\\s\\S]*?)</span>\\s*(<|$)`).exec(html);
  return m ? textOf(m[1]).replace(/^Error:\s*/, '') : null;
}

/** The id in a "303 → /applications/:id/confirmation" answer. */
function submitted(res: Page): string {
  expect(res.status, textOf(res.html).slice(0, 600)).toBe(303);
  const m = /^\/applications\/([^/]+)\/confirmation/.exec(res.location ?? '');
  if (!m) throw new Error(`not a confirmation: ${res.location}`);
  return m[1];
}

/** A signed-in parent with one student who lives outside Paramount (Downey). */
async function family(t: TestApp, home: Record<string, unknown> = {}) {
  const parent = await signedInParent(t);
  const student = await buildStudent(t, parent.user.id, { last_name: `Ruiz${Math.random().toString(36).slice(2, 8)}`, ...home });
  return { ...parent, student };
}
type Family = Awaited<ReturnType<typeof family>>;

/** Reads Paramount's guidelines, agrees, and opens the incoming form, as a browser does. */
async function openIncomingForm(f: Family): Promise<Page> {
  await f.client.get(`/apply/${P}`);
  const agreed = await f.client.post(`/apply/${P}`, { student: f.student.id, agree: 'yes' });
  expect(agreed.status).toBe(303);
  const form = await f.client.get(agreed.location!);
  expect(form.status).toBe(200);
  return form;
}

const incomingAnswers = (f: Family, key: string, over: Record<string, string | undefined> = {}) => {
  const all: Record<string, string | undefined> = {
    submission_key: key, school_year: YEAR, grade_requested: '3', current_grade: '2', reason: 'parent-employment', school: '101',
    relationship: 'parent', decision_email: f.user.email, decision_email_confirm: f.user.email, ...over,
  };
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
};

/** Submits Paramount's incoming form with these answers; returns the request's id. */
async function submitIncoming(f: Family, over: Record<string, string | undefined> = {}): Promise<string> {
  const form = await openIncomingForm(f);
  return submitted(await f.client.post(`/apply/${P}/form`, incomingAnswers(f, keyOf(form.html), over)));
}

/** The checklist codes offered on a request's page: one file input per document (`file_<code>`), "other" aside. */
const uploadCodes = (html: string): string[] => [...html.matchAll(/name="file_([a-z0-9-]+)"/g)].map((m) => m[1]).filter((c) => c !== 'other');

/** The parent's checklist as read on the page: each document's name and whether it is required. */
function checklistRows(html: string): { label: string; needed: string }[] {
  const table = /<table[^>]*app-checklist[^>]*>([\s\S]*?)<\/table>/.exec(html);
  if (!table) throw new Error('no checklist on the page');
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(table[1])![1];
  return [...body.matchAll(/<tr[^>]*>([\s\S]*?)<\/tr>/g)].map((r) => {
    const th = /<th[^>]*>([\s\S]*?)<\/th>/.exec(r[1])![1];
    const label = textOf(th.replace(/<div class="usa-hint">[\s\S]*?<\/div>/, ''));
    const needed = textOf(/<td[^>]*>([\s\S]*?)<\/td>/.exec(r[1])![1]);
    return { label, needed };
  });
}

/** The parent uploads one PDF per checklist code, from the request's page in the account. */
async function upload(f: Family, id: string, codes: string[]) {
  await f.client.get(`/applications/${id}`);
  const res = await f.client.postMultipart(
    `/applications/${id}/documents`,
    {},
    codes.map((c) => ({ field: `file_${c}`, filename: `${c}.pdf`, contentType: 'application/pdf', data: samplePdf(`${id}-${c}`) })),
  );
  expect(res.status, textOf(res.html).slice(0, 400)).toBe(303);
  expect(res.location).toBe(`/applications/${id}`);
}

/** The clerk accepts every document of a request from its page (DOC-3). */
async function acceptAll(t: TestApp, clerk: TestClient, id: string) {
  const docs = await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', id).execute();
  for (const d of docs) {
    await clerk.get(`/staff/requests/${id}`);
    expect((await clerk.post(`/staff/requests/${id}/documents/${d.id}/review`, { decision: 'accepted' })).status).toBe(303);
  }
}

/** A complete request (APP-11): submitted by the parent, every required document uploaded and accepted. */
async function completeRequest(t: TestApp, clerk: TestClient, over: Record<string, string> = {}) {
  const f = await family(t);
  const id = await submitIncoming(f, over);
  const page = await f.client.get(`/applications/${id}`);
  await upload(f, id, uploadCodes(page.html).filter((c) => c !== 'iep-504'));
  await acceptAll(t, clerk, id);
  expect((await rowOf(t, id)).status).toBe('submitted');
  return { f, id };
}

/** Posts a decision form the way a browser does: read the request's page (for its CSRF token), then submit. */
async function approve(clerk: TestClient, id: string, school: string) {
  await clerk.get(`/staff/requests/${id}`);
  return clerk.post(`/staff/requests/${id}/approve`, { school, years: '1' });
}

/** The approval form's choice of schools on the staff request page, as "name — seats" lines. */
function approvalChoices(html: string): Record<string, string> {
  const form = /<form[^>]*action="[^"]*\/approve"[^>]*>([\s\S]*?)<\/form>/.exec(html);
  if (!form) throw new Error('no approval form');
  const out: Record<string, string> = {};
  for (const m of form[1].matchAll(/<input[^>]*name="school"[^>]*value="([^"]+)"[^>]*>[\s\S]*?<label[^>]*>([\s\S]*?)<\/label>/g)) out[m[1]] = textOf(m[2]);
  return out;
}

/** The value shown beside a label of the staff request page's summary. */
function summaryValue(html: string, label: string): string | null {
  const m = new RegExp(`<dt>${label}</dt><dd>([\\s\\S]*?)</dd>`).exec(html);
  return m ? textOf(m[1]) : null;
}

for (const db of databases) {
  describe(`rules cited from the spec (APP-7, APP-12, DOC-5) on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      // Paramount's window for 2027-2028 opened on January 15 (APP-2). Sessions outlive the fixed clock's steps.
      t = await makeTestApp({ dbUrl: db.url, now: '2027-02-15T18:00:00Z', env: { SESSION_IDLE_MINUTES: '100000', SESSION_ABSOLUTE_HOURS: '10000' } });
    });
    afterAll(async () => t.close());

    describe('APP-7 only a parent, a person with legal custody or an educational rights holder may ask, and says which', () => {
      it('APP-7 the form asks which one the applicant is, with the three choices of EC 46600.1', async () => {
        const f = await family(t);
        const form = await openIncomingForm(f);
        const radios = [...form.html.matchAll(/<input[^>]*name="relationship"[^>]*value="([^"]+)"/g)].map((m) => m[1]);
        expect(radios).toEqual(['parent', 'legal-custodian', 'educational-rights-holder']);
        const text = textOf(form.html);
        expect(text).toContain('Your relationship to the student');
        expect(text).toContain('I am the student\'s parent (natural or adoptive)');
        expect(text).toContain('I have legal custody of the student');
        expect(text).toContain('I hold the student\'s educational rights');
        expect(text).toContain('Only a parent, a person with legal custody or the holder of educational rights may ask for a permit.');
        await f.client.get(`/language?to=es&next=/`);
        const es = textOf((await openIncomingForm(f)).html);
        expect(es).toContain('Su relación con el estudiante');
        expect(es).toContain('Tengo la custodia legal del estudiante');
      });

      it('APP-7 a request without the attestation, or with a relationship not in the list, is refused beside the field, in English and Spanish, and nothing is saved', async () => {
        const f = await family(t);
        for (const relationship of [undefined, '', 'grandparent', 'neighbor', 'Parent']) {
          const form = await openIncomingForm(f);
          const res = await f.client.post(`/apply/${P}/form`, incomingAnswers(f, keyOf(form.html), { relationship }));
          expect(res.status, `relationship=${relationship}`).toBe(400);
          expect(fieldError(res.html, 'relationship')).toBe('Choose your relationship to the student');
          expect(textOf(res.html)).toContain('There is a problem');
          // The other answers are kept.
          expect(res.html).toContain(`value="${f.user.email}"`);
        }
        await f.client.get(`/language?to=es&next=/`);
        for (const relationship of [undefined, 'grandparent']) {
          const form = await openIncomingForm(f);
          const res = await f.client.post(`/apply/${P}/form`, incomingAnswers(f, keyOf(form.html), { relationship }));
          expect(res.status).toBe(400);
          expect(fieldError(res.html, 'relationship')).toBe('Elija su relación con el estudiante');
        }
        expect(await rowsOf(t, f.user.id)).toHaveLength(0);
        expect(await t.deps.db.selectFrom('outbox').select('id').where('to_address', '=', f.user.email).execute()).toHaveLength(0);
      });

      it('APP-7 the release and intra-district forms refuse a missing or unknown relationship too', async () => {
        const f = await family(t, LIVES_IN_PARAMOUNT);
        const base = { agree: 'yes', student: f.student.id, school_year: YEAR, grade_requested: '3', current_grade: '2', decision_email: f.user.email, decision_email_confirm: f.user.email };
        const forms = {
          outgoing: { ...base, reason: 'parent-employment', target_district: 'lausd-sample', target_district_name: '', target_school: 'lausd-sample:1001', target_school_name: '' },
          intra: { ...base, reason: 'sibling', school: '101', registration_number: 'GP-20417' },
        };
        for (const [kind, answers] of Object.entries(forms)) {
          for (const relationship of [undefined, 'aunt']) {
            const page = await f.client.get(`/apply/${P}/${kind}?student=${f.student.id}`);
            expect(page.status).toBe(200);
            const res = await f.client.post(`/apply/${P}/${kind}`, { ...answers, submission_key: keyOf(page.html), ...(relationship ? { relationship } : {}) });
            expect(res.status, `${kind} relationship=${relationship}`).toBe(400);
            expect(fieldError(res.html, 'relationship')).toBe('Choose your relationship to the student');
          }
        }
        expect(await rowsOf(t, f.user.id)).toHaveLength(0);
      });

      it('APP-7 the request records which one the applicant attested to, and the permit office reads it on the request page', async () => {
        const { client: clerk } = await staffMember(t, P);
        const shown = {
          parent: "I am the student's parent (natural or adoptive)",
          'legal-custodian': 'I have legal custody of the student',
          'educational-rights-holder': "I hold the student's educational rights",
        };
        for (const [relationship, label] of Object.entries(shown)) {
          const f = await family(t);
          const id = await submitIncoming(f, { relationship });
          expect((await rowOf(t, id)).relationship).toBe(relationship);
          const page = await clerk.get(`/staff/requests/${id}`);
          expect(page.status).toBe(200);
          expect(summaryValue(page.html, 'Parent')).toBe(`${f.user.first_name} ${f.user.last_name} (${label})`);
        }
      }, 60_000);
    });

    describe('APP-12 the district assigns a school with space, honouring the parent\'s choice when it can', () => {
      it('APP-12 the parent is told the choice is honoured where there is space, and the permit office sees the choice', async () => {
        const { client: clerk } = await staffMember(t, P);
        const f = await family(t);
        const form = await openIncomingForm(f);
        expect(textOf(form.html)).toContain('The district tries to honor your choice but assigns a school where there is space.');
        const id = submitted(await f.client.post(`/apply/${P}/form`, incomingAnswers(f, keyOf(form.html), { school: '103' })));
        expect((await rowOf(t, id)).requested_school_id).toBe(`${P}:103`);
        expect(summaryValue((await clerk.get(`/staff/requests/${id}`)).html, 'School requested')).toBe('Rosecrans Elementary');
      });

      it('APP-12 DEC-6 approval into the requested school with seats honours the choice; when its grade is full the student is placed at another school with space, and the letter names the school assigned', async () => {
        const { client: clerk } = await staffMember(t, P);
        const rosecrans = paramountYaml().schools.find((s) => s.code === '103')!;
        expect(rosecrans.name).toBe('Rosecrans Elementary');
        expect(rosecrans.permitSeats.perGrade).toBeGreaterThan(0);
        // Rosecrans has as many permit seats in grade 4 as the configuration gives it (2): the first requests fill them.
        for (let i = 0; i < rosecrans.permitSeats.perGrade; i++) {
          const { f, id } = await completeRequest(t, clerk, { school: '103', grade_requested: '4', current_grade: '3' });
          const page = await clerk.get(`/staff/requests/${id}`);
          expect(approvalChoices(page.html)['103']).toContain(`${rosecrans.permitSeats.perGrade - i} of ${rosecrans.permitSeats.perGrade} permit seats left`);
          expect((await approve(clerk, id, '103')).status).toBe(303);
          const permit = await t.deps.db.selectFrom('permits').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
          expect(permit.school_id).toBe(`${P}:103`);
          // The parent reads the school in the account and on the letter.
          const own = await f.client.get(`/applications/${id}`);
          expect(textOf(own.html)).toContain('Rosecrans Elementary');
          const decision = await t.deps.db.selectFrom('decisions').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
          const letter = await f.client.get(`/applications/${id}/letters/${decision.id}.pdf`);
          expect(letter.headers['content-type']).toBe('application/pdf');
          expect(await pdfText(letter.body)).toContain('Rosecrans Elementary');
        }

        // The next parent asks for Rosecrans too: its grade 4 is full.
        const { f, id } = await completeRequest(t, clerk, { school: '103', grade_requested: '4', current_grade: '3' });
        const page = await clerk.get(`/staff/requests/${id}`);
        expect(summaryValue(page.html, 'School requested')).toBe('Rosecrans Elementary');
        const choices = approvalChoices(page.html);
        expect(choices['103']).toContain(`0 of ${rosecrans.permitSeats.perGrade} permit seats left`);
        expect(choices['101']).toContain('3 of 3 permit seats left');
        const refused = await approve(clerk, id, '103');
        expect(refused.status).toBe(400);
        expect(textOf(refused.html)).toContain(`Rosecrans Elementary has no permit seats left in grade 4 for ${YEAR}`);
        const still = await rowOf(t, id);
        expect(still.status).toBe('submitted');
        expect(await t.deps.db.selectFrom('permits').select('id').where('application_id', '=', id).execute()).toHaveLength(0);
        expect(await t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', id).execute()).toHaveLength(0);

        // Another school with space takes the student; the parent's choice stays on record.
        expect((await approve(clerk, id, '101')).status).toBe(303);
        const permit = await t.deps.db.selectFrom('permits').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
        expect(permit.school_id).toBe(`${P}:101`);
        expect((await rowOf(t, id)).requested_school_id).toBe(`${P}:103`);
        const decision = await t.deps.db.selectFrom('decisions').selectAll().where('application_id', '=', id).executeTakeFirstOrThrow();
        const letter = await pdfText((await f.client.get(`/applications/${id}/letters/${decision.id}.pdf`)).body);
        expect(letter).toContain('Orchard Lane Elementary');
        expect(letter).not.toContain('Rosecrans Elementary');
        // The clock is fixed, so the request's emails share one created_at: find the decision's by what it says.
        const mail = await t.deps.db.selectFrom('outbox').selectAll().where('application_id', '=', id).execute();
        const decisionMail = mail.filter((m) => m.text_body.includes('Orchard Lane Elementary'));
        expect(decisionMail).toHaveLength(1);
        expect(decisionMail[0].text_body).not.toContain('Rosecrans Elementary');
        const own = textOf((await f.client.get(`/applications/${id}`)).html);
        expect(own).toContain('Orchard Lane Elementary');
        expect(own).toContain('Rosecrans Elementary'); // the school asked for, still shown
        const after = await clerk.get(`/staff/requests/${id}`);
        expect(summaryValue(after.html, 'School requested')).toBe('Rosecrans Elementary');
        const seats = await t.deps.db.selectFrom('seat_counts').select(['school_id', 'used']).where('school_year', '=', YEAR).where('grade', '=', '4').orderBy('school_id').execute();
        expect(seats).toEqual([{ school_id: `${P}:101`, used: 1 }, { school_id: `${P}:103`, used: rosecrans.permitSeats.perGrade }]);
      }, 120_000);
    });

    describe('DOC-5 each reason names its documents, as the district configured them', () => {
      const conf = paramountYaml();
      const label = (code: string) => conf.documents.find((d) => d.code === code)!.label;
      /** Something the spec names literally, for each reason, so an empty configuration cannot pass. */
      const literal: Record<string, string> = {
        'parent-employment': 'Pay stub from the last 30 days',
        childcare: 'Child-care provider letter',
        sibling: "Sibling's report card",
        'continuing-enrollment': 'Report card or transcript showing enrollment history',
        'bullying-victim': 'Complaint and investigation report',
        'military-family': 'Military orders or proof of active duty',
        'moving-into-district': 'Escrow or lease documents',
        'specialized-program': "Program material and a letter on the student's interest",
        other: 'Letter explaining the request',
      };
      const incoming = conf.reasons.filter((r) => r.kinds.includes('incoming'));

      it('DOC-5 every incoming reason of the configuration is one the spec names evidence for', () => {
        expect(incoming.map((r) => r.code).sort()).toEqual(Object.keys(literal).sort());
        for (const r of incoming) expect(r.documents.length, r.code).toBeGreaterThan(0);
      });

      for (const reason of incoming) {
        it(`DOC-5 APP-11 ${reason.code}: the parent's checklist lists exactly the configured documents, and the request stays incomplete until they are in`, async () => {
          const expected = [...conf.commonDocuments.incoming, ...reason.documents];
          expect(new Set(expected.map((d) => d.code)).size).toBe(expected.length);
          const f = await family(t);
          const id = await submitIncoming(f, { reason: reason.code });
          const page = await f.client.get(`/applications/${id}`);
          expect(uploadCodes(page.html)).toEqual(expected.map((d) => d.code));
          const rows = checklistRows(page.html);
          // DEC-19: a bullying victim's or a military family's transfer needs no release.
          const required = (d: YamlDoc) => d.required !== false && !(reason.priority && d.code === 'release');
          expect(rows).toEqual(expected.map((d) => ({ label: label(d.code).en, needed: required(d) ? expect.stringContaining('Required') : expect.stringContaining('If it applies') })));
          // What the spec names for every request (DOC-5), and for this reason, written out.
          const labels = rows.map((r) => r.label);
          for (const common of ['Approved release from your district of residence', 'Latest report card or transcript', 'Latest behavior or discipline report', 'Latest attendance record', 'Latest IEP or Section 504 plan, if any']) {
            expect(labels).toContain(common);
          }
          expect(labels).toContain(literal[reason.code]);

          // Incomplete until every required document is in: the common ones alone are not enough.
          expect((await rowOf(t, id)).status).toBe('incomplete');
          const needed = expected.filter(required).map((d) => d.code);
          const own = reason.documents.map((d) => d.code);
          await upload(f, id, needed.filter((c) => !own.includes(c)));
          expect((await rowOf(t, id)).status).toBe('incomplete');
          await upload(f, id, needed.filter((c) => own.includes(c)));
          // The IEP or 504 plan is sent only if the child has one.
          expect((await rowOf(t, id)).status).toBe('submitted');
        }, 60_000);
      }

      it('DOC-5 the checklist reads in Spanish for a Spanish-speaking parent', async () => {
        const conf = paramountYaml();
        const f = await family(t);
        await f.client.get(`/language?to=es&next=/`);
        const id = await submitIncoming(f, { reason: 'childcare' });
        const labels = checklistRows((await f.client.get(`/applications/${id}`)).html).map((r) => r.label);
        const codes = [...conf.commonDocuments.incoming, ...conf.reasons.find((r) => r.code === 'childcare')!.documents].map((d) => d.code);
        expect(labels).toEqual(codes.map((c) => conf.documents.find((d) => d.code === c)!.label.es));
        expect(labels).toContain('Carta del proveedor de cuidado infantil');
        expect(labels).toContain('Liberación aprobada de su distrito de residencia');
      });
    });
  });
}
