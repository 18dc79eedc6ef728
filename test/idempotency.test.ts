import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { completeRequest, request, staffMember } from './support/staff.js';
import { signedInParent } from './support/parents.js';
import { samplePdf } from './support/files.js';

const D = 'lausd-sample';
const KEY = 'k3y-abcdefghijklmnopqrstuv';
const denyForm = { 'deny_reasons__no-space-grade': 'yes', appeal_right: 'yes' };

for (const db of databases) {
  describe(`idempotency on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());
    const decisions = (id: string) => t.deps.db.selectFrom('decisions').select('id').where('application_id', '=', id).execute();

    it('every form carries a fresh idempotency key beside its CSRF token', async () => {
      const { client } = await staffMember(t, D);
      const app = await request(t, D);
      const page = await client.get(`/staff/requests/${app.id}`);
      const keys = [...page.html.matchAll(/name="_idem" value="([^"]+)"/g)].map((m) => m[1]);
      expect(keys.length).toBeGreaterThan(2);
      expect(new Set(keys).size).toBe(keys.length);
    });

    it('a retried decision returns the first result and decides once', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      await client.get(`/staff/requests/${app.id}`);
      const first = await client.post(`/staff/requests/${app.id}/deny`, { ...denyForm, _idem: KEY });
      const retry = await client.post(`/staff/requests/${app.id}/deny`, { ...denyForm, _idem: KEY });
      expect(first.status).toBe(303);
      expect(retry.status).toBe(303);
      expect(retry.location).toBe(first.location);
      expect(await decisions(app.id)).toHaveLength(1);
      // Without the key, the same post is a second attempt, refused because it is already decided.
      expect((await client.post(`/staff/requests/${app.id}/deny`, denyForm)).status).toBe(409);
    });

    it('a double click (two posts at once with one key) decides once, and both get the same answer', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      await client.get(`/staff/requests/${app.id}`);
      const both = await Promise.all([1, 2].map(() => client.post(`/staff/requests/${app.id}/approve`, { school: '1002', years: '1', _idem: `${KEY}-double` })));
      expect(both.map((r) => r.status)).toEqual([303, 303]);
      expect(both[0].location).toBe(both[1].location);
      expect(await decisions(app.id)).toHaveLength(1);
    });

    it('a post with errors does not use up its key: corrected and sent again, it is done', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      await client.get(`/staff/requests/${app.id}`);
      expect((await client.post(`/staff/requests/${app.id}/deny`, { appeal_right: 'yes', _idem: `${KEY}-fix` })).status).toBe(400);
      expect((await client.post(`/staff/requests/${app.id}/deny`, { ...denyForm, _idem: `${KEY}-fix` })).status).toBe(303);
      expect(await decisions(app.id)).toHaveLength(1);
    });

    it('a key belongs to its session: another person\'s post with the same key is their own', async () => {
      const a = await staffMember(t, D);
      const b = await staffMember(t, D);
      const one = await completeRequest(t, D);
      const two = await completeRequest(t, D);
      await a.client.get(`/staff/requests/${one.id}`);
      await b.client.get(`/staff/requests/${two.id}`);
      expect((await a.client.post(`/staff/requests/${one.id}/deny`, { ...denyForm, _idem: `${KEY}-shared` })).status).toBe(303);
      const other = await b.client.post(`/staff/requests/${two.id}/deny`, { ...denyForm, _idem: `${KEY}-shared` });
      expect(other.location).toContain(two.id);
      expect(await decisions(two.id)).toHaveLength(1);
    });

    it('a claim left by a request whose process died is taken over by the retry after 30 seconds', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      const page = await client.get(`/staff/requests/${app.id}`);
      expect(page.status).toBe(200);
      // The dead request had claimed the key (same session, same route) and never answered. The
      // client's session is one of those in the table: claim the key for each of them.
      const { sha256 } = await import('../src/platform/ids.js');
      for (const { id_hash: h } of await t.deps.db.selectFrom('sessions').select('id_hash').execute()) {
        await t.deps.db.insertInto('idempotency_keys').values({ key_hash: sha256(`${h}\u0000${KEY}-dead`), route: `POST /staff/requests/${app.id}/deny`, status: null, location: null, created_at: new Date(t.clock.now().getTime() - 31_000).toISOString() }).execute();
      }
      const res = await client.post(`/staff/requests/${app.id}/deny`, { ...denyForm, _idem: `${KEY}-dead` });
      expect(res.status).toBe(303);
      expect(await decisions(app.id)).toHaveLength(1);
    });

    it('an API client can send the key as an Idempotency-Key header', async () => {
      const { client } = await staffMember(t, D);
      const app = await completeRequest(t, D);
      await client.get(`/staff/requests/${app.id}`);
      const headers = { 'idempotency-key': `${KEY}-header` };
      expect((await client.post(`/staff/requests/${app.id}/deny`, denyForm, headers)).status).toBe(303);
      expect((await client.post(`/staff/requests/${app.id}/deny`, denyForm, headers)).status).toBe(303);
      expect(await decisions(app.id)).toHaveLength(1);
    });

    it('a retried upload of the same file for the same document is kept once', async () => {
      const { client, user } = await signedInParent(t);
      const app = await request(t, D, { status: 'incomplete' }, user);
      const file = { field: 'file_pay-stub', filename: 'stub.pdf', contentType: 'application/pdf', data: samplePdf('retry') };
      await client.get(`/applications/${app.id}`);
      expect((await client.postMultipart(`/applications/${app.id}/documents`, {}, [file])).status).toBe(303);
      await client.get(`/applications/${app.id}`);
      expect((await client.postMultipart(`/applications/${app.id}/documents`, {}, [file])).status).toBe(303);
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute()).toHaveLength(1);
    });
  });
}
