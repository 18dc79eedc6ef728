import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request } from './support/staff.js';
import { samplePdf } from './support/files.js';

for (const db of databases) {
  describe(`faults on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('the file store full or unreachable during an upload: a plain message, nothing half-stored, the request untouched', async () => {
      const { client, user } = await signedInParent(t);
      const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
      const put = t.deps.storage.put.bind(t.deps.storage);
      t.deps.storage.put = async () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'write' });
      };
      try {
        await client.get(`/applications/${app.id}`);
        const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_pay-stub', filename: 'stub.pdf', contentType: 'application/pdf', data: samplePdf('full') }]);
        expect(res.status).toBe(303);
        const page = textOf((await client.follow(res)).html);
        expect(page).toContain('We could not save your files just now, and nothing was kept. Your request is safe.');
      } finally {
        t.deps.storage.put = put;
      }
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute()).toHaveLength(0);
      const row = await t.deps.db.selectFrom('applications').select(['status', 'confirmation_number']).where('id', '=', app.id).executeTakeFirstOrThrow();
      expect(row).toEqual({ status: 'incomplete', confirmation_number: app.confirmation_number });
      // Once the store is back, the same upload goes through.
      await client.get(`/applications/${app.id}`);
      const again = await client.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_pay-stub', filename: 'stub.pdf', contentType: 'application/pdf', data: samplePdf('full') }]);
      expect(again.status).toBe(303);
      expect(await t.deps.db.selectFrom('documents').select('id').where('application_id', '=', app.id).execute()).toHaveLength(1);
    });
  });
}
