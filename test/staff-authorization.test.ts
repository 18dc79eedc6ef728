import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request, staffMember, withRequiredDocuments } from './support/staff.js';
import { samplePdf } from './support/files.js';
import { newId } from '../src/platform/ids.js';

/**
 * PRV-1: every staff page, for every kind of visitor. A request of Elm Street Elementary (1001)
 * in the LAUSD sample district is seen by its district's staff (a site administrator only when
 * it is one of their schools), never by another district's administrator, and never by parents
 * or visitors, who are sent to the staff entrance.
 */
const WHO = ['district_admin', 'permit_staff', 'site_admin_in_scope', 'site_admin_out_of_scope', 'auditor', 'foreign_admin', 'parent', 'visitor'] as const;
type Who = (typeof WHO)[number];

// Expected HTTP status per page, in WHO's order. 303 = sent to /staff/sign-in.
const OWN_RECORD = [200, 200, 200, 404, 200, 404, 303, 303];
const EVERY_STAFF = [200, 200, 200, 200, 200, 200, 303, 303];

for (const db of databases) {
  describe(`staff authorization matrix on ${db.name}`, () => {
    let t: TestApp;
    const clients = {} as Record<Who, TestClient>;
    let paths: Record<string, number[]>;

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
      clients.district_admin = (await staffMember(t, 'lausd-sample', 'district_admin')).client;
      clients.permit_staff = (await staffMember(t, 'lausd-sample', 'permit_staff')).client;
      clients.site_admin_in_scope = (await staffMember(t, 'lausd-sample', 'site_admin', ['1001'])).client;
      clients.site_admin_out_of_scope = (await staffMember(t, 'lausd-sample', 'site_admin', ['2001'])).client;
      clients.auditor = (await staffMember(t, 'lausd-sample', 'auditor')).client;
      clients.foreign_admin = (await staffMember(t, 'paramount-sample', 'district_admin')).client;
      const parent = await signedInParent(t);
      clients.parent = parent.client;
      clients.visitor = new TestClient(t.app);

      const app = await request(t, 'lausd-sample', {}, parent.user);
      const data = samplePdf('matrix');
      const stored = await t.deps.storage.put(Readable.from([data]), { maxBytes: 1_000_000 });
      const docId = newId();
      await t.deps.db.insertInto('documents').values({
        id: docId, application_id: app.id, doc_type: 'pay-stub', original_name: 'stub.pdf', content_type: 'application/pdf', size_bytes: stored.size, sha256: stored.sha256,
        storage_key: stored.key, status: 'received', uploaded_via: 'account', uploaded_at: t.clock.now().toISOString(), review_reason: null, review_note: null, reviewed_by: null, reviewed_at: null,
      }).execute();
      await withRequiredDocuments(t, app); // APP-11: the rest of its required documents, so it can be decided
      await clients.permit_staff.get(`/staff/requests/${app.id}`);
      const denied = await clients.permit_staff.post(`/staff/requests/${app.id}/deny`, { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' });
      expect(denied.status).toBe(303);
      const decision = await t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', app.id).executeTakeFirstOrThrow();

      paths = {
        '/staff/dashboard': EVERY_STAFF,
        '/staff/queue': EVERY_STAFF,
        '/staff/queue.csv': EVERY_STAFF,
        '/staff/documents': EVERY_STAFF,
        [`/staff/requests/${app.id}`]: OWN_RECORD,
        [`/staff/requests/${app.id}/documents/${docId}`]: OWN_RECORD,
        [`/staff/requests/${app.id}/documents/${docId}/view`]: OWN_RECORD,
        [`/staff/requests/${app.id}/letters/${decision.id}.pdf`]: OWN_RECORD,
        '/staff/audit': [200, 404, 404, 404, 200, 200, 303, 303],
        '/staff/team': [200, 404, 404, 404, 404, 200, 303, 303],
      };
    });
    afterAll(async () => t.close());

    it('PRV-1 each staff page answers each visitor as the roles allow', async () => {
      const seen: string[] = [];
      const wanted: string[] = [];
      for (const [path, expected] of Object.entries(paths)) {
        for (const [i, who] of WHO.entries()) {
          const res = await clients[who].get(path);
          seen.push(`${path} ${who} ${res.status}`);
          wanted.push(`${path} ${who} ${expected[i]}`);
          if (res.status === 303) expect(res.location).toMatch(/^\/staff\/sign-in/);
        }
      }
      expect(seen).toEqual(wanted);
    });

    it('PRV-1 another district\'s staff never see this district\'s requests in their queue, search, export or dashboard', async () => {
      const own = await t.deps.db.selectFrom('applications').select(['student_last_name', 'confirmation_number']).where('district_id', '=', 'lausd-sample').executeTakeFirstOrThrow();
      for (const path of ['/staff/queue', `/staff/queue?q=${own.confirmation_number}`, '/staff/queue.csv', '/staff/documents?q=Mateo', '/staff/dashboard']) {
        const res = await clients.foreign_admin.get(path);
        expect(res.html, path).not.toContain(own.student_last_name);
      }
      expect((await clients.permit_staff.get('/staff/queue')).html).toContain(own.student_last_name);
    });
  });
}
