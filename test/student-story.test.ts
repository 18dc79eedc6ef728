import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { completeRequest, request, staffMember } from './support/staff.js';

const PARAMOUNT_HOME = { address_line1: '8312 Garfield Ave', city: 'Paramount', zip: '90723', current_grade: '3' };

for (const db of databases) {
  describe(`a student's whole story on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    beforeEach(() => t.clock.set('2027-02-15T18:00:00Z'));

    it('ACC-6 STU-2 shows where the student lives and offers the three kinds of request for that address', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, PARAMOUNT_HOME);
      const page = await client.get(`/students/${s.id}`);
      expect(page.status).toBe(200);
      const text = textOf(page.html);
      expect(text).toContain('District of residence: Paramount Unified (sample). School of residence for the current grade: Garfield Park Elementary.');
      expect(page.html).toContain(`href="/apply/paramount-sample/intra?student=${s.id}"`);
      expect(page.html).toContain(`href="/apply/paramount-sample/outgoing?student=${s.id}"`);
      expect(page.html).toContain(`href="/apply/lausd-sample?student=${s.id}"`);
      // A resident is not offered an incoming permit to the own district (STU-3).
      expect(page.html).not.toContain(`href="/apply/paramount-sample?student=${s.id}"`);
      expect(text).toContain('No requests yet for this student.');
    });

    it('ACC-6 lists every request of every kind with its status, letters, permit and next step, in Spanish too', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, PARAMOUNT_HOME);
      const release = await request(t, 'paramount-sample', { kind: 'outgoing', student_id: s.id, requested_school_id: null, target_district_slug: 'lausd-sample', target_district_name: 'Los Angeles Unified (sample)', status: 'incomplete', school_year: '2027-2028' }, user);
      const incoming = await completeRequest(t, 'lausd-sample', { student_id: s.id, school_year: '2027-2028', status: 'submitted', decision_due_on: '2027-08-26' }, user);
      const { client: clerk } = await staffMember(t, 'lausd-sample');
      await clerk.get(`/staff/requests/${incoming.id}`);
      expect((await clerk.post(`/staff/requests/${incoming.id}/approve`, { school: '1001', years: '1' })).status).toBe(303);

      const text = textOf((await client.get(`/students/${s.id}`)).html);
      expect(text).toContain('Outgoing inter-district permit (release) — Paramount Unified (sample) — 2027–2028');
      expect(text).toContain('Next: Upload the documents the request needs.');
      expect(text).toContain('Incoming inter-district permit — Los Angeles Unified (sample) — 2027–2028');
      expect(text).toContain('Elm Street Elementary · School years 2027-2028 through 2027-2028');
      expect(text).toContain('Next: Keep the permit.');
      const decision = await t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', incoming.id).executeTakeFirstOrThrow();
      const page = await client.get(`/students/${s.id}`);
      expect(page.html).toContain(`/applications/${incoming.id}/letters/${decision.id}.pdf`);
      // The permit's own part sits inside the request's box (h3): its heading is an h4, and no
      // heading on the page goes more than one level deeper than the one before it.
      expect(page.html).toMatch(new RegExp(`<h4 id="permit-life-heading-${incoming.id}"`));
      const levels = [...page.html.matchAll(/<h([1-6])[\s>]/g)].map((m) => Number(m[1]));
      levels.forEach((level, i) => expect(level - (levels[i - 1] ?? 0), `heading ${i + 1} (h${level}) after h${levels[i - 1]}`).toBeLessThanOrEqual(1));
      const letter = await client.get(`/applications/${incoming.id}/letters/${decision.id}.pdf`);
      expect(letter.headers['content-type']).toBe('application/pdf');
      expect(release.id).not.toBe(incoming.id);

      await client.get('/language?to=es&next=/account');
      const es = textOf((await client.get(`/students/${s.id}`)).html);
      expect(es).toContain('Siguiente paso: Suba los documentos que pide la solicitud.');
      expect(es).toContain('Distrito de residencia: Distrito Unificado de Paramount (ejemplo).');
    });

    it('PRV-1 another parent cannot open the story of a student who is not theirs', async () => {
      const { user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, PARAMOUNT_HOME);
      const { client: stranger } = await signedInParent(t);
      expect((await stranger.get(`/students/${s.id}`)).status).toBe(404);
    });

    it('STU-2 an address the ranges cannot place says so instead of guessing', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id, { address_line1: '999 Nowhere Street', city: 'Paramount', zip: '90723' });
      expect(textOf((await client.get(`/students/${s.id}`)).html)).toContain("We could not find this address in the district's address list.");
    });
  });
}
