import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { samplePdf } from './support/files.js';
import { request, staffMember, withRequiredDocuments } from './support/staff.js';

const L = 'lausd-sample';
type Client = TestClient;

const statusOf = async (t: TestApp, id: string) => (await t.deps.db.selectFrom('applications').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status;
const decisionsOf = (t: TestApp, id: string) => t.deps.db.selectFrom('decisions').selectAll().where('application_id', '=', id).execute();
const mailsOf = (t: TestApp, id: string, template: string) => t.deps.db.selectFrom('outbox').select('id').where('application_id', '=', id).where('template', '=', template).execute();

async function act(c: Client, id: string, path: string, form: Record<string, string>) {
  await c.get(`/staff/requests/${id}`);
  return c.post(`/staff/requests/${id}/${path}`, form);
}
const approve = (c: Client, id: string) => act(c, id, 'approve', { school: '1001', years: '1' });
const deny = (c: Client, id: string, appealRight = 'yes') => act(c, id, 'deny', { 'deny_reasons__no-space-grade': 'yes', appeal_right: appealRight });

/** Whether the request's page offers the approve and deny forms. */
const offers = (html: string, id: string) => ({ approve: html.includes(`action="/staff/requests/${id}/approve"`), deny: html.includes(`action="/staff/requests/${id}/deny"`) });

for (const db of databases) {
  describe(`APP-11 an incomplete request is not decided, on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2026-11-22T18:00:00Z'));

    it('APP-11 DOC-3 a request whose required document was rejected cannot be approved or denied; the page says what is missing; once replaced it can be', async () => {
      const app = await withRequiredDocuments(t, await request(t, L));
      await t.deps.db.updateTable('documents').set({ status: 'rejected', review_reason: 'unreadable' }).where('application_id', '=', app.id).where('doc_type', '=', 'pay-stub').execute();
      const { client: clerk } = await staffMember(t, L);

      const page = await clerk.get(`/staff/requests/${app.id}`);
      expect(offers(page.html, app.id)).toEqual({ approve: false, deny: false });
      const text = textOf(page.html);
      expect(text).toContain('Not ready for a decision');
      expect(text).toContain('Required documents missing, or rejected and not yet replaced: Pay stub from the last 30 days');
      expect(text).toContain('An incomplete request is not decided (APP-11)');
      // Asking the parent for the missing items is still offered.
      expect(page.html).toContain(`action="/staff/requests/${app.id}/request-info"`);

      for (const res of [await approve(clerk, app.id), await deny(clerk, app.id)]) {
        expect(res.status).toBe(409);
        expect(textOf(res.html)).toContain('This request is still missing required documents');
      }
      expect(await statusOf(t, app.id)).toBe('submitted');
      expect(await decisionsOf(t, app.id)).toHaveLength(0);

      // The parent's new pay stub is in: the request can be decided.
      await withRequiredDocuments(t, app);
      const ready = await clerk.get(`/staff/requests/${app.id}`);
      expect(textOf(ready.html)).not.toContain('Not ready for a decision');
      expect(offers(ready.html, app.id)).toEqual({ approve: true, deny: true });
      expect((await approve(clerk, app.id)).status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('approved');
    });

    it('APP-11 DOC-4 a request waiting for the parent\'s answer to a request for missing items cannot be approved or denied; the answer makes it decidable', async () => {
      const { client: parent, user } = await signedInParent(t);
      const app = await withRequiredDocuments(t, await request(t, L, {}, user));
      const { client: clerk } = await staffMember(t, L);
      expect((await act(clerk, app.id, 'request-info', { info_message: 'Send a letter from the employer with the work address.', info_due: '2026-12-04' })).status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('info_requested');

      const page = await clerk.get(`/staff/requests/${app.id}`);
      expect(offers(page.html, app.id)).toEqual({ approve: false, deny: false });
      expect(textOf(page.html)).toContain('The parent was asked for missing items by Friday, December 4, 2026 and has not answered yet.');
      for (const res of [await approve(clerk, app.id), await deny(clerk, app.id)]) {
        expect(res.status).toBe(409);
        expect(textOf(res.html)).toContain('The parent was asked for missing items and has not answered yet.');
      }
      expect(await decisionsOf(t, app.id)).toHaveLength(0);
      expect(await mailsOf(t, app.id, 'decisions.email.denied')).toHaveLength(0);

      // Spanish staff pages say the same.
      await clerk.follow(await clerk.get(`/language?to=es&next=${encodeURIComponent(`/staff/requests/${app.id}`)}`));
      const es = textOf((await clerk.get(`/staff/requests/${app.id}`)).html);
      expect(es).toContain('Todavía no se puede decidir');
      expect(es).toContain('Se pidieron al padre elementos que faltan a más tardar el viernes, 4 de diciembre de 2026 y todavía no ha respondido.');
      await clerk.follow(await clerk.get(`/language?to=en&next=${encodeURIComponent(`/staff/requests/${app.id}`)}`));

      // The parent answers with an upload: back in the queue, and decidable.
      await parent.get(`/applications/${app.id}`);
      const up = await parent.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_employer-letter', filename: 'letter.pdf', contentType: 'application/pdf', data: samplePdf('letter') }]);
      expect(up.status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('submitted');
      expect(offers((await clerk.get(`/staff/requests/${app.id}`)).html, app.id)).toEqual({ approve: true, deny: true });
      expect((await deny(clerk, app.id)).status).toBe(303);
      expect(await statusOf(t, app.id)).toBe('denied');
    });

    it('APP-11 the reported case: a rejected release and an open request for items — the denial is refused', async () => {
      const app = await withRequiredDocuments(t, await request(t, L));
      await t.deps.db.updateTable('documents').set({ status: 'rejected', review_reason: 'expired' }).where('application_id', '=', app.id).where('doc_type', '=', 'release').execute();
      const { client: clerk } = await staffMember(t, L);
      expect((await act(clerk, app.id, 'request-info', { info_message: 'Send a release signed this year.', info_due: '2026-12-04' })).status).toBe(303);
      const text = textOf((await clerk.get(`/staff/requests/${app.id}`)).html);
      expect(text).toContain('has not answered yet');
      expect(text).toContain('Approved release from your district of residence');
      for (const appealRight of ['yes', 'no-release']) expect((await deny(clerk, app.id, appealRight)).status).toBe(409);
      expect(await decisionsOf(t, app.id)).toHaveLength(0);
      expect(await statusOf(t, app.id)).toBe('info_requested');
    });

    it('APP-11 DEC-16 with only the release missing, the request cannot be approved, nor denied with appeal; it can be denied for want of a release', async () => {
      const app = await withRequiredDocuments(t, await request(t, L), ['release']);
      const { client: clerk } = await staffMember(t, L);
      const page = await clerk.get(`/staff/requests/${app.id}`);
      expect(offers(page.html, app.id)).toEqual({ approve: false, deny: true });
      expect(textOf(page.html)).toContain('Only the release is missing.');
      expect((await approve(clerk, app.id)).status).toBe(409);
      expect((await deny(clerk, app.id, 'yes')).status).toBe(409);
      expect(await decisionsOf(t, app.id)).toHaveLength(0);
      expect((await deny(clerk, app.id, 'no-release')).status).toBe(303);
      expect((await decisionsOf(t, app.id))[0]).toMatchObject({ kind: 'denied', no_appeal_reason: 'no-release', appeal_until: null });
    });

    it('APP-11 DEC-19 a bullying victim\'s incoming request needs no release to be complete', async () => {
      const app = await withRequiredDocuments(t, await request(t, L, { reason_code: 'bullying-victim', priority: 1 }));
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).where('doc_type', '=', 'release').execute()).toHaveLength(0);
      const { client: clerk } = await staffMember(t, L);
      const page = await clerk.get(`/staff/requests/${app.id}`);
      expect(textOf(page.html)).not.toContain('Not ready for a decision');
      expect((await approve(clerk, app.id)).status).toBe(303);
    });

    it('APP-11 APP-1 neither school decides an incomplete intra-district request; once complete, they do', async () => {
      const app = await request(t, L, { kind: 'intra', requested_school_id: `${L}:1001`, residence_school_id: `${L}:1002`, school_year: '2027-2028', decision_due_on: '2027-03-31' });
      const { client: clerk } = await staffMember(t, L);
      const page = await clerk.get(`/staff/requests/${app.id}`);
      expect(textOf(page.html)).toContain('Not ready for a decision');
      expect(page.html).not.toContain(`action="/staff/requests/${app.id}/school-decision/residence"`);
      const res = await act(clerk, app.id, 'school-decision/residence', { school_decision_residence: 'approved' });
      expect(res.status).toBe(409);
      expect(textOf(res.html)).toContain('This request is still missing required documents');
      expect(await t.deps.db.selectFrom('school_approvals').select('id').where('application_id', '=', app.id).execute()).toHaveLength(0);

      await withRequiredDocuments(t, app);
      expect((await clerk.get(`/staff/requests/${app.id}`)).html).toContain(`action="/staff/requests/${app.id}/school-decision/residence"`);
      expect((await act(clerk, app.id, 'school-decision/residence', { school_decision_residence: 'approved' })).status).toBe(303);
    });
  });
}
