import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, buildParent, buildStudent, signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { StaffService } from '../src/modules/staff/service.js';
import { newId } from '../src/platform/ids.js';

for (const db of databases) {
  describe(`staff entrance and queue on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('a staff account made by the CLI service activates once and signs in at the staff entrance', async () => {
      const r = await new StaffService(t.deps).create({ districtSlug: 'lausd-sample', email: 'Admin@LAUSD.example.org', firstName: 'District', lastName: 'Admin', role: 'district_admin' });
      expect(r.ok).toBe(true);
      if (!r.ok) return;
      const c = new TestClient(t.app, '10.61.0.1');
      const link = new URL(r.value.activationLink).pathname;
      await c.get(link);
      const weak = await c.post(link, { password: 'password1', password_confirm: 'password1' });
      expect(textOf(weak.html)).toContain('This password is too common');
      expect((await c.post(link, { password: PASSWORD, password_confirm: PASSWORD })).location).toBe('/staff/queue');
      expect((await new TestClient(t.app).get(link)).status).toBe(410);
      const again = new TestClient(t.app, '10.61.0.2');
      await again.get('/staff/sign-in');
      const res = await again.post('/staff/sign-in?next=/staff/queue', { email: 'admin@lausd.example.org', password: PASSWORD });
      expect(res.location).toBe('/staff/queue');
      expect((await again.get('/staff/queue')).status).toBe(200);
    });

    it('refuses bad staff accounts: unknown district, duplicate email, a site administrator without schools', async () => {
      const s = new StaffService(t.deps);
      expect((await s.create({ districtSlug: 'nowhere', email: 'x@example.org', firstName: 'A', lastName: 'B', role: 'permit_staff' })).ok).toBe(false);
      await s.create({ districtSlug: 'lausd-sample', email: 'dup@example.org', firstName: 'A', lastName: 'B', role: 'permit_staff' });
      const dup = await s.create({ districtSlug: 'lausd-sample', email: 'DUP@example.org', firstName: 'A', lastName: 'B', role: 'permit_staff' });
      expect(!dup.ok && dup.problem.code).toBe('exists');
      const site = await s.create({ districtSlug: 'lausd-sample', email: 'site@example.org', firstName: 'A', lastName: 'B', role: 'site_admin' });
      expect(!site.ok && site.problem.code).toBe('no-schools');
    });

    it('DEC-1 DEC-3 DEC-19 the queue lists only this district\'s requests, in the order received, with due dates, overdue and priority shown', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const first = await request(t, 'lausd-sample', { decision_due_on: '2026-11-20' });
      t.clock.advance(60_000);
      const second = await request(t, 'lausd-sample', { decision_due_on: '2026-11-25', reason_code: 'bullying-victim', priority: 1 });
      t.clock.advance(60_000);
      const foreign = await request(t, 'paramount-sample');
      const { client } = await staffMember(t, 'lausd-sample');
      const page = await client.get('/staff/queue');
      const text = textOf(page.html);
      expect(text.indexOf(first.student_last_name)).toBeGreaterThan(-1);
      expect(text.indexOf(first.student_last_name)).toBeLessThan(text.indexOf(second.student_last_name));
      expect(text).not.toContain(foreign.student_last_name);
      expect(text).toContain('Friday, November 20, 2026 Overdue');
      expect(text).toContain('Wednesday, November 25, 2026 Due within 7 days');
      expect(text).toMatch(/Victim of an act of bullying Priority/);
    });

    it('DEC-3 filters the queue and finds a request by confirmation number, last name or date of birth', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const late = await request(t, 'lausd-sample', { decision_due_on: '2026-11-01', student_last_name: 'Zamora', reason_code: 'sibling', student_date_of_birth: '2016-02-29' });
      const onTime = await request(t, 'lausd-sample', { decision_due_on: '2026-12-30', student_last_name: 'Zapata' });
      const { client } = await staffMember(t, 'lausd-sample');
      const names = async (query: string) => textOf((await client.get(`/staff/queue?${query}`)).html);
      const byNumber = await names(`q=${encodeURIComponent(late.confirmation_number.toLowerCase())}`);
      expect(byNumber).toContain('Zamora');
      expect(byNumber).not.toContain('Zapata');
      const byName = await names('q=zA');
      expect(byName).toContain('Zamora');
      expect(byName).toContain('Zapata');
      expect(await names('q=2016-02-29')).not.toContain('Zapata');
      const overdue = await names('overdue=1');
      expect(overdue).toContain('Zamora');
      expect(overdue).not.toContain(onTime.student_last_name);
      const sibling = await names('reason=sibling');
      expect(sibling).toContain('Zamora');
      expect(sibling).not.toContain('Zapata');
      expect((await client.get('/staff/queue?q=%25_')).status).toBe(200);
      expect(await names('q=Qxqz')).toContain('No requests match.');
    });

    it('PRV-2 each queue view is in the audit log: who, when, what, from where', async () => {
      const { client, id } = await staffMember(t, 'lausd-sample');
      await client.get('/staff/queue?status=submitted');
      const rows = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'queue.view', district_id: 'lausd-sample', ip: expect.stringMatching(/^10\.60\./) });
      expect(JSON.parse(rows[0].detail!)).toMatchObject({ status: 'submitted' });
    });

    it('a site administrator sees only requests for their own schools', async () => {
      const mine = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:2001' });
      const other = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:3001' });
      const { client } = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      const text = textOf((await client.get('/staff/queue')).html);
      expect(text).toContain(mine.student_last_name);
      expect(text).not.toContain(other.student_last_name);
    });

    it('pages the queue by key, 50 at a time, without losing or repeating a request', async () => {
      t.clock.set('2027-01-05T18:00:00Z');
      const made: string[] = [];
      const owner = await buildParent(t);
      for (let i = 0; i < 55; i++) {
        t.clock.advance(1000);
        made.push((await request(t, 'paramount-sample', { status: 'incomplete' }, owner)).student_last_name);
      }
      const { client } = await staffMember(t, 'paramount-sample');
      const p1 = await client.get('/staff/queue?status=incomplete');
      const next = /href="(\/staff\/queue\?[^"]*after=[^"]+)"/.exec(p1.html)![1].replace(/&amp;/g, '&');
      const p2 = await client.get(next);
      const names = (html: string) => [...html.matchAll(/Student\d+/g)].map((m) => m[0]);
      const all = [...names(p1.html), ...names(p2.html)];
      expect(all).toEqual(made);
      expect(p2.html).not.toContain('after=');
      t.clock.set('2026-11-22T18:00:00Z');
    });

    it('PRV-1 PRV-2 a request page shows the student, parent, documents and history, is audited, and is invisible to other districts', async () => {
      const app = await request(t, 'lausd-sample');
      const bytes = Buffer.from('%PDF-1.4\n% release letter\n%%EOF\n');
      const stored = await t.deps.storage.put((async function* () { yield bytes; })() as never, { maxBytes: 1_000_000 });
      const docId = newId();
      await t.deps.db.insertInto('documents').values({ id: docId, application_id: app.id, doc_type: 'release', original_name: 'release "letter".pdf', content_type: 'application/pdf', size_bytes: stored.size, sha256: stored.sha256, storage_key: stored.key, status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString() }).execute();
      const clerk = await staffMember(t, 'lausd-sample');
      const page = await clerk.client.get(`/staff/requests/${app.id}`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain(`${app.student_last_name}, Mateo`);
      expect(text).toContain('Monday, April 9, 2018');
      expect(text).toContain('Parent employment');
      expect(text).toContain('Pay stub from the last 30 days Missing');
      const file = await clerk.client.get(`/staff/requests/${app.id}/documents/${docId}`);
      expect(file.status).toBe(200);
      expect(String(file.headers['content-disposition'])).toMatch(/^attachment; filename="release _letter_.pdf"$/);
      expect(file.body.equals(bytes)).toBe(true);
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_id']).where('staff_id', '=', clerk.id).orderBy('at').execute();
      expect(audit.map((a) => a.action)).toEqual(['application.view', 'document.download']);

      const foreign = await staffMember(t, 'paramount-sample');
      expect((await foreign.client.get(`/staff/requests/${app.id}`)).status).toBe(404);
      expect((await foreign.client.get(`/staff/requests/${app.id}/documents/${docId}`)).status).toBe(404);
      const site = await staffMember(t, 'lausd-sample', 'site_admin', ['3001']);
      expect((await site.client.get(`/staff/requests/${app.id}`)).status).toBe(404);
      // PRV-2: the attempt is on the record, as refused; nothing was shown to them.
      const foreignAudit = await t.deps.db.selectFrom('audit_log').select(['outcome', 'district_id']).where('staff_id', '=', foreign.id).where('entity_type', '=', 'application').execute();
      expect(foreignAudit).toEqual([{ outcome: 'refused', district_id: 'lausd-sample' }]);
      const parent = await signedInParent(t);
      expect((await parent.client.get(`/staff/requests/${app.id}`)).status).toBe(303);
    });

    it('PRV-2 district administrators and auditors search their district\'s audit log; clerks cannot', async () => {
      const app = await request(t, 'lausd-sample');
      const clerk = await staffMember(t, 'lausd-sample');
      await clerk.client.get(`/staff/requests/${app.id}`);
      const foreignAdmin = await staffMember(t, 'paramount-sample', 'district_admin');
      await foreignAdmin.client.get('/staff/queue');
      const auditor = await staffMember(t, 'lausd-sample', 'auditor');
      const page = await auditor.client.get(`/staff/audit?entity=${app.id}`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain(clerk.email);
      expect(text).toContain('application.view');
      expect(text).not.toContain(foreignAdmin.email);
      expect((await clerk.client.get('/staff/audit')).status).toBe(404);
      const byEmail = textOf((await auditor.client.get(`/staff/audit?email=${encodeURIComponent(foreignAdmin.email)}`)).html);
      expect(byEmail).toContain('No entries match.');
    });

    it('parents never reach staff pages, and staff sessions are not parent sessions', async () => {
      const { client } = await signedInParent(t);
      const res = await client.get('/staff/queue');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/staff/sign-in?next=%2Fstaff%2Fqueue');
      const staff = await staffMember(t, 'lausd-sample');
      expect((await staff.client.get('/account')).status).toBe(303);
      // A parent's password does not open the staff entrance.
      const c = new TestClient(t.app, '10.62.0.1');
      await c.get('/staff/sign-in');
      const { user } = await signedInParent(t);
      expect((await c.post('/staff/sign-in', { email: user.email, password: PASSWORD })).status).toBe(400);
    });
  });
}
