import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';

describe('when something breaks on our side', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  it('shows a friendly 500 page in the parent\'s language and reveals nothing of the fault', async () => {
    const { client } = await signedInParent(t);
    await client.get('/language?to=es&next=/');
    await sql`alter table students rename to students_moved_away`.execute(t.deps.db);
    try {
      const page = await client.get('/students');
      expect(page.status).toBe(500);
      expect(textOf(page.html)).toContain('Lo sentimos, algo salió mal');
      expect(page.html).not.toMatch(/students_moved_away|no such table|SqliteError/i);
    } finally {
      await sql`alter table students_moved_away rename to students`.execute(t.deps.db);
    }
  });

  it('/healthz says so when the database is unreachable', async () => {
    const other = await makeTestApp();
    await other.deps.db.destroy();
    const res = await other.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ status: 'degraded', database: 'unreachable' });
    await other.app.close();
  });
});
