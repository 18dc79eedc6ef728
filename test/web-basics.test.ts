import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';

for (const db of databases) {
  describe(`web basics on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('GET /healthz reports the app and database state as JSON', async () => {
      const res = await t.app.inject({ method: 'GET', url: '/healthz' });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ status: 'ok', database: 'ok', storage: 'ok', dialect: db.name });
    });

    it('serves the home page with a strict CSP and no inline script', async () => {
      const c = new TestClient(t.app);
      const page = await c.get('/');
      expect(page.status).toBe(200);
      expect(page.headers['content-security-policy']).toContain("script-src 'self'");
      expect(page.headers['content-security-policy']).not.toContain('unsafe-inline');
      expect(page.html).not.toMatch(/<script>(?!<\/script>)/);
      expect(page.html).not.toMatch(/ style="/);
      for (const d of t.deps.districts.all) expect(page.html).toContain(`/apply/${d.slug}`);
    });

    it('LNG-1 switches the language, remembers it, and goes back to the page', async () => {
      const c = new TestClient(t.app);
      const res = await c.get('/language?to=es&next=/');
      expect(res.status).toBe(303);
      expect(res.location).toBe('/');
      const page = await c.get('/');
      expect(page.html).toContain('lang="es"');
      expect(textOf(page.html)).toContain('Elija un distrito escolar');
    });

    it('picks Spanish from the browser when no choice was made', async () => {
      const c = new TestClient(t.app);
      const page = await c.get('/', { 'accept-language': 'es-MX,es;q=0.9' });
      expect(page.html).toContain('lang="es"');
    });

    it('refuses to redirect off-site from the language switch', async () => {
      const c = new TestClient(t.app);
      const res = await c.get('/language?to=es&next=//evil.example');
      expect(res.location).toBe('/');
    });

    it('shows a friendly 404 page', async () => {
      const c = new TestClient(t.app);
      const page = await c.get('/no-such-page');
      expect(page.status).toBe(404);
      expect(textOf(page.html)).toContain('Page not found');
    });
  });
}
