import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { PASSWORD, signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { StaffService } from '../src/modules/staff/service.js';

const INVITE = { first_name: 'Rosa', last_name: 'Méndez', role: 'permit_staff' };

for (const db of databases) {
  describe(`district administrators invite staff on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    const outboxTo = (to: string) => t.deps.db.selectFrom('outbox').selectAll().where('to_address', '=', to).orderBy('created_at').orderBy('id').execute();
    const staffCount = async () => (await t.deps.db.selectFrom('staff').select('id').execute()).length;
    const outboxCount = async () => (await t.deps.db.selectFrom('outbox').select('id').execute()).length;
    const linkIn = (text: string) => /\/staff\/activate\/[A-Za-z0-9_-]+/.exec(text)![0];

    it('an administrator invites a clerk by email; the link activates the account and the clerk signs in', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      const queue = await admin.client.get('/staff/queue');
      expect(queue.html).toContain('href="/staff/team"');
      const page = await admin.client.get('/staff/team');
      expect(page.status).toBe(200);
      expect(textOf(page.html)).toContain(admin.email);
      expect(textOf(page.html)).toContain('Invite a staff member');
      expect(textOf(page.html)).toContain('Name Email Role Schools Account');
      expect(textOf(page.html)).not.toMatch(/\bteam\.\w/); // every message is in the catalog

      const res = await admin.client.post('/staff/team/invite', { ...INVITE, email: 'Rosa.Mendez@LAUSD.example.org' });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/staff/team');
      const after = textOf((await admin.client.follow(res)).html);
      expect(after).toContain('We sent an invitation to rosa.mendez@lausd.example.org.');
      expect(after).toContain('Méndez, Rosa rosa.mendez@lausd.example.org Permit office staff — Invitation pending');

      const mails = await outboxTo('rosa.mendez@lausd.example.org');
      expect(mails).toHaveLength(1);
      expect(mails[0]).toMatchObject({ subject: 'You are invited to Student Permits', status: 'pending', account_id: null, template: 'team.email.invite' });
      expect(mails[0].text_body).toContain('Hello Rosa,');
      expect(mails[0].text_body).toContain('Permit Clerk invited you to Los Angeles');
      expect(mails[0].text_body).toContain('as Permit office staff');
      expect(mails[0].text_body).toContain(`${t.config.publicUrl}/staff/activate/`);
      expect(mails[0].text_body).toContain('for 7 days');

      const clerk = new TestClient(t.app, '10.63.0.1');
      const link = linkIn(mails[0].text_body);
      expect((await clerk.get(link)).status).toBe(200);
      expect((await clerk.post(link, { password: PASSWORD, password_confirm: PASSWORD })).location).toBe('/staff/queue');
      const again = new TestClient(t.app, '10.63.0.2');
      await again.get('/staff/sign-in');
      expect((await again.post('/staff/sign-in', { email: 'rosa.mendez@lausd.example.org', password: PASSWORD })).location).toBe('/staff/queue');
      expect((await again.get('/staff/queue')).status).toBe(200);
      // A clerk gets no Staff link and no Staff page.
      expect((await again.get('/staff/queue')).html).not.toContain('href="/staff/team"');

      expect(textOf((await admin.client.get('/staff/team')).html)).toContain('rosa.mendez@lausd.example.org Permit office staff — Active');
      const audit = await t.deps.db.selectFrom('audit_log').select(['action', 'entity_type', 'entity_id', 'detail']).where('staff_id', '=', admin.id).where('action', '=', 'staff.invite').execute();
      expect(audit).toHaveLength(1);
      const invited = await t.deps.db.selectFrom('staff').selectAll().where('email', '=', 'rosa.mendez@lausd.example.org').executeTakeFirstOrThrow();
      expect(audit[0]).toMatchObject({ entity_type: 'staff', entity_id: invited.id });
      expect(invited).toMatchObject({ district_id: 'lausd-sample', role: 'permit_staff', first_name: 'Rosa', last_name: 'Méndez' });
    });

    it('a site administrator is invited with their schools, and only a site administrator keeps schools', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/staff/team');
      const site = await admin.client.post('/staff/team/invite', { first_name: 'Sam', last_name: 'Site', email: 'sam.site@example.org', role: 'site_admin', school_2001: 'yes', school_3001: 'yes' });
      expect(site.status).toBe(303);
      const page = textOf((await admin.client.follow(site)).html);
      expect(page).toContain('sam.site@example.org Site administrator Central Avenue High School, Mission Hills Middle School Invitation pending');
      const samId = (await t.deps.db.selectFrom('staff').select('id').where('email', '=', 'sam.site@example.org').executeTakeFirstOrThrow()).id;
      const schools = await t.deps.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', samId).orderBy('school_id').execute();
      expect(schools.map((s) => s.school_id)).toEqual(['lausd-sample:2001', 'lausd-sample:3001']);

      const clerk = await admin.client.post('/staff/team/invite', { first_name: 'Cleo', last_name: 'Clerk', email: 'cleo@example.org', role: 'auditor', school_2001: 'yes' });
      expect(clerk.status).toBe(303);
      const cleoId = (await t.deps.db.selectFrom('staff').select('id').where('email', '=', 'cleo@example.org').executeTakeFirstOrThrow()).id;
      expect(await t.deps.db.selectFrom('staff_schools').select('school_id').where('staff_id', '=', cleoId).execute()).toHaveLength(0);
    });

    it('bad input shows errors beside the fields, keeps what was typed, and saves nothing', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/staff/team');
      const before = { staff: await staffCount(), outbox: await outboxCount() };

      const empty = await admin.client.post('/staff/team/invite', { first_name: '', last_name: ' ', email: 'not-an-email', role: 'permit_staff' });
      expect(empty.status).toBe(400);
      expect(empty.html).toContain('<title>Error: Staff | Student Permits</title>');
      expect(empty.html).toContain('id="error-summary"');
      const text = textOf(empty.html);
      expect(text).toContain('Enter their first name');
      expect(text).toContain('Enter their last name');
      expect(text).toContain('Enter an email address like name@example.org');
      expect(empty.html).toMatch(/<input[^>]*id="field-email"[^>]*value="not-an-email"/);
      expect(empty.html).toMatch(/<input[^>]*value="permit_staff"[^>]*checked/);
      expect(empty.html).toContain('href="#field-first_name"');

      const noSchool = await admin.client.post('/staff/team/invite', { first_name: 'Sol', last_name: 'Site', email: 'sol@example.org', role: 'site_admin' });
      expect(noSchool.status).toBe(400);
      expect(textOf(noSchool.html)).toContain('Choose at least one school for this role');
      expect(noSchool.html).toContain('href="#field-schools"');
      expect(noSchool.html).toMatch(/<input[^>]*id="field-first_name"[^>]*value="Sol"/);
      expect(noSchool.html).toMatch(/<input[^>]*value="site_admin"[^>]*checked/);

      const noRole = await admin.client.post('/staff/team/invite', { first_name: 'Sol', last_name: 'Site', email: 'sol@example.org', school_1001: 'yes' });
      expect(noRole.status).toBe(400);
      expect(textOf(noRole.html)).toContain('Choose a role');
      expect(noRole.html).toMatch(/<input[^>]*name="school_1001"[^>]*checked/);

      const dup = await admin.client.post('/staff/team/invite', { ...INVITE, email: admin.email.toUpperCase() });
      expect(dup.status).toBe(400);
      expect(dup.html).toContain('<title>Error: Staff | Student Permits</title>');
      expect(textOf(dup.html)).toContain('There is already a staff account with this email address');
      expect(dup.html).toMatch(/<input[^>]*id="field-email"[^>]*value="[^"]+"/);
      expect(dup.html).toMatch(/<input[^>]*id="field-last_name"[^>]*value="Méndez"/);

      expect({ staff: await staffCount(), outbox: await outboxCount() }).toEqual(before);
    });

    it('the account and its invitation email are saved together, or not at all', async () => {
      const before = { staff: await staffCount(), outbox: await outboxCount() };
      const input = { districtSlug: 'lausd-sample', email: 'half@example.org', firstName: 'Half', lastName: 'Saved', role: 'permit_staff' as const };
      await expect(new StaffService(t.deps).create(input, async () => { throw new Error('the outbox is down'); })).rejects.toThrow('the outbox is down');
      expect({ staff: await staffCount(), outbox: await outboxCount() }).toEqual(before);
      expect(await t.deps.db.selectFrom('staff_tokens').select('token_hash').where('staff_id', 'in', t.deps.db.selectFrom('staff').select('id').where('email', '=', 'half@example.org')).execute()).toHaveLength(0);
    });

    it('only a district administrator reaches the Staff page; other roles find nothing, parents and visitors go to the staff entrance', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/staff/team');
      await admin.client.post('/staff/team/invite', { ...INVITE, email: 'pending@example.org' });
      const pendingId = (await t.deps.db.selectFrom('staff').select('id').where('email', '=', 'pending@example.org').executeTakeFirstOrThrow()).id;
      const before = { staff: await staffCount(), outbox: await outboxCount() };

      for (const [role, schools] of [['permit_staff', []], ['auditor', []], ['site_admin', ['1001']]] as const) {
        const other = await staffMember(t, 'lausd-sample', role, [...schools]);
        await other.client.get('/staff/queue');
        expect((await other.client.get('/staff/team')).status, role).toBe(404);
        expect((await other.client.post('/staff/team/invite', { ...INVITE, email: `by-${role}@example.org` })).status, role).toBe(404);
        expect((await other.client.post(`/staff/team/${pendingId}/resend`, {})).status, role).toBe(404);
      }

      const parent = await signedInParent(t);
      const res = await parent.client.get('/staff/team');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/staff/sign-in?next=%2Fstaff%2Fteam');
      expect((await parent.client.post('/staff/team/invite', { ...INVITE, email: 'by-parent@example.org' })).location).toMatch(/^\/staff\/sign-in/);
      expect((await new TestClient(t.app, '10.63.1.1').get('/staff/team')).location).toBe('/staff/sign-in?next=%2Fstaff%2Fteam');

      expect({ staff: await staffCount(), outbox: await outboxCount() }).toEqual({ staff: before.staff + 3, outbox: before.outbox });
    });

    it('an administrator sends a new link to a pending account of their district; another district\'s administrator cannot', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/staff/team');
      await admin.client.post('/staff/team/invite', { ...INVITE, email: 'late@example.org' });
      const late = await t.deps.db.selectFrom('staff').select('id').where('email', '=', 'late@example.org').executeTakeFirstOrThrow();

      const foreign = await staffMember(t, 'paramount-sample', 'district_admin');
      const foreignPage = await foreign.client.get('/staff/team');
      expect(foreignPage.status).toBe(200);
      expect(textOf(foreignPage.html)).not.toContain('late@example.org');
      expect((await foreign.client.post(`/staff/team/${late.id}/resend`, {})).status).toBe(404);
      expect(await outboxTo('late@example.org')).toHaveLength(1);
      expect(await t.deps.db.selectFrom('audit_log').select('id').where('staff_id', '=', foreign.id).where('action', '=', 'staff.resend').where('outcome', '=', 'allowed').execute()).toHaveLength(0);
      // PRV-2: the attempt itself is on the record, as refused.
      expect(await t.deps.db.selectFrom('audit_log').select('id').where('staff_id', '=', foreign.id).where('action', '=', 'staff.resend').where('outcome', '=', 'refused').execute()).toHaveLength(1);

      t.clock.advance(60_000);
      const page = await admin.client.get('/staff/team');
      expect(page.html).toContain(`action="/staff/team/${late.id}/resend"`);
      const res = await admin.client.post(`/staff/team/${late.id}/resend`, {});
      expect(res.status).toBe(303);
      expect(textOf((await admin.client.follow(res)).html)).toContain('We sent a new invitation to late@example.org. Earlier links also keep working until they expire.');
      const mails = await outboxTo('late@example.org');
      expect(mails).toHaveLength(2);
      const [first, second] = mails.map((m) => linkIn(m.text_body));
      expect(second).not.toBe(first);
      expect(await t.deps.db.selectFrom('audit_log').select('entity_id').where('staff_id', '=', admin.id).where('action', '=', 'staff.resend').execute()).toEqual([{ entity_id: late.id }]);

      // The new link activates the account; then there is nothing left to resend.
      const c = new TestClient(t.app, '10.63.2.1');
      await c.get(second);
      expect((await c.post(second, { password: PASSWORD, password_confirm: PASSWORD })).location).toBe('/staff/queue');
      await admin.client.get('/staff/team');
      const done = await admin.client.post(`/staff/team/${late.id}/resend`, {});
      expect(textOf((await admin.client.follow(done)).html)).toContain('late@example.org has already activated their account.');
      expect(await outboxTo('late@example.org')).toHaveLength(2);
      expect((await admin.client.post('/staff/team/no-such-id/resend', {})).status).toBe(404);
    });

    it('refuses an invitation posted without its CSRF token, and saves nothing', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/staff/team');
      const before = { staff: await staffCount(), outbox: await outboxCount() };
      const forged = await admin.client.post('/staff/team/invite', { ...INVITE, email: 'forged@example.org', _csrf: 'forged' });
      expect(forged.status).toBe(403);
      const missing = await admin.client.post('/staff/team/invite', { ...INVITE, email: 'forged@example.org', _csrf: '' });
      expect(missing.status).toBe(403);
      expect({ staff: await staffCount(), outbox: await outboxCount() }).toEqual(before);
    });

    it('LNG-1 the Staff page and its errors read in Spanish, and the invitation is written in the administrator\'s language', async () => {
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      await admin.client.get('/language?to=es&next=/staff/team');
      const page = await admin.client.get('/staff/team');
      expect(textOf(page.html)).toContain('Invitar a un miembro del personal');
      expect(textOf(page.html)).not.toMatch(/\bteam\.\w/);
      const bad = await admin.client.post('/staff/team/invite', { first_name: 'Luz', last_name: 'Vega', email: 'luz@example.org' });
      expect(textOf(bad.html)).toContain('Elija una función');
      await admin.client.post('/staff/team/invite', { first_name: 'Luz', last_name: 'Vega', email: 'luz@example.org', role: 'auditor' });
      const [mail] = await outboxTo('luz@example.org');
      expect(mail.subject).toBe('Invitación a Permisos Estudiantiles');
      expect(mail.text_body).toContain('Hola Luz:');
      expect(mail.text_body).toContain('como Auditor.');
    });
  });
}
