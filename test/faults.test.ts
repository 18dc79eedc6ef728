import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { sql } from 'kysely';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request } from './support/staff.js';
import { samplePdf } from './support/files.js';
import { ApplicationsRepository } from '../src/modules/applications/repository.js';

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
      // Uploads stage each file in the store first (nothing under its key until the upload is accepted).
      const stage = t.deps.storage.stage.bind(t.deps.storage);
      t.deps.storage.stage = async () => {
        throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC', syscall: 'write' });
      };
      try {
        await client.get(`/applications/${app.id}`);
        const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [{ field: 'file_pay-stub', filename: 'stub.pdf', contentType: 'application/pdf', data: samplePdf('full') }]);
        expect(res.status).toBe(303);
        const page = textOf((await client.follow(res)).html);
        expect(page).toContain('We could not save your files just now, and nothing was kept. Your request is safe.');
      } finally {
        t.deps.storage.stage = stage;
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

    it('PRV-3 the database unreachable (restart, fail-over, SQLite locked): a 503 in the parent\'s language with Retry-After, not a 500', async () => {
      const { client, user } = await signedInParent(t, { language: 'es' });
      const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
      const byId = ApplicationsRepository.prototype.byId;
      ApplicationsRepository.prototype.byId = async () => {
        throw Object.assign(new Error('terminating connection due to administrator command'), { code: db.name === 'postgres' ? '57P01' : 'SQLITE_BUSY' });
      };
      try {
        const res = await client.get(`/applications/${app.id}`);
        expect(res.status).toBe(503);
        expect(res.headers['retry-after']).toBe('5');
        expect(textOf(res.html)).toContain('No pudimos llegar a nuestros registros en este momento, así que no se guardó nada de este paso.');
      } finally {
        ApplicationsRepository.prototype.byId = byId;
      }
      expect((await client.get(`/applications/${app.id}`)).status).toBe(200);
    });
  });
}

/**
 * The database restarting under the app (PostgreSQL: a fail-over, a restart for an upgrade):
 * every connection the app holds is cut at once. Simulated by terminating the app's server
 * processes, which is what the app sees of a restart.
 */
const postgres = databases.find((d) => d.name === 'postgres');
describe.runIf(postgres)('faults on postgres: the database restarts', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp({ dbUrl: postgres!.url });
  });
  afterAll(async () => t.close());

  const cutConnections = async () => {
    // Only this app's sessions (named after its schema): other test files share the database.
    const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(t.deps.db);
    const admin = new pg.Client({ connectionString: postgres!.url });
    await admin.connect();
    try {
      const r = await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and application_name = $1', [rows[0].schema]);
      return r.rowCount ?? 0;
    } finally {
      await admin.end();
    }
  };

  it('PRV-3 connections cut between requests: the next request works on fresh ones', async () => {
    const { client, user } = await signedInParent(t);
    const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
    expect(await cutConnections()).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 50)); // the pool hears the idle connections close
    const page = await client.get(`/applications/${app.id}`);
    expect(page.status).toBe(200);
    expect(textOf(page.html)).toContain(user.email);
  });

  it('PRV-3 connections cut while requests are in flight: each answers 200 or a plain 503 asking to try again — never a 500, and the process lives on', async () => {
    const parents = await Promise.all(Array.from({ length: 6 }, () => signedInParent(t)));
    const apps = await Promise.all(parents.map((p) => request(t, 'lausd-sample', { status: 'incomplete' }, p.user)));
    const inflight = parents.map((p, i) => p.client.get(`/applications/${apps[i].id}`));
    await cutConnections();
    const answers = await Promise.all(inflight);
    for (const a of answers) {
      expect([200, 503]).toContain(a.status);
      if (a.status === 503) expect(textOf(a.html)).toContain('try again');
    }
    // Afterwards everything answers normally.
    for (const [i, p] of parents.entries()) expect((await p.client.get(`/applications/${apps[i].id}`)).status).toBe(200);
  });
});
