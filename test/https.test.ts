import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { TestClient } from './support/client.js';
import { HSTS } from '../src/platform/http/security.js';

describe('HTTPS', () => {
  let secure: TestApp;
  let plain: TestApp;
  beforeAll(async () => {
    secure = await makeTestApp({ env: { PUBLIC_URL: 'https://permits.example.org' } });
    plain = await makeTestApp();
  });
  afterAll(async () => {
    await secure.close();
    await plain.close();
  });

  it('with an https:// PUBLIC_URL every response carries Strict-Transport-Security: pages, assets, 404s and refusals', async () => {
    const c = new TestClient(secure.app);
    const home = await c.get('/');
    expect(home.headers['strict-transport-security']).toBe(HSTS);
    expect(HSTS).toMatch(/max-age=(\d+)/);
    expect(Number(/max-age=(\d+)/.exec(HSTS)![1])).toBeGreaterThanOrEqual(180 * 24 * 3600);
    for (const url of ['/assets/uswds/css/uswds.min.css', '/no-such-page', '/staff/queue']) {
      const res = await secure.app.inject({ method: 'GET', url });
      expect(res.headers['strict-transport-security'], url).toBe(HSTS);
    }
    const forged = await secure.app.inject({ method: 'POST', url: '/sign-in', payload: 'email=a%40b.org&password=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(forged.statusCode).toBe(403);
    expect(forged.headers['strict-transport-security']).toBe(HSTS);
    // The session cookie is Secure as well.
    const form = await secure.app.inject({ method: 'GET', url: '/sign-in' });
    expect(String(form.headers['set-cookie'])).toMatch(/Secure/i);
  });

  it('over plain http (a laptop) the header is not sent: it would lock the browser out of http://localhost', async () => {
    const res = await plain.app.inject({ method: 'GET', url: '/' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['strict-transport-security']).toBeUndefined();
  });
});
