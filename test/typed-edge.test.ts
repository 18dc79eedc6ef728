import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';

/**
 * Route params and query strings are typed from their schemas (src/platform/http/route-schemas.ts),
 * and those schemas refuse nothing: an odd value is read as absent, an unknown id is the page's
 * own "not found", never Fastify's 400.
 */
describe('typed at the edge, answered as before', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  it('a repeated query value reads as absent: the page, with its usual return address', async () => {
    const c = new TestClient(t.app, '10.56.0.1');
    const res = await c.get('/sign-in?next=/students&next=/account');
    expect(res.status).toBe(200);
    expect(res.html).toContain('action="/sign-in?next=%2Faccount"');
    const language = await c.get('/language?to=es&to=en&next=/students');
    expect(language.status).toBe(303);
    expect(language.headers.location).toBe('/students');
  });

  it('an unknown id, token or district is the page\'s own answer, never a validation error', async () => {
    const c = new TestClient(t.app, '10.56.0.2');
    expect((await c.get('/districts/no-such-district')).status).toBe(404);
    expect((await c.get('/activate/not-a-token')).status).toBe(410);
    expect((await c.get('/permits/verify?code=1&code=2')).status).toBe(200);
  });
});
