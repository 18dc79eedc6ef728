import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';

describe('public district page', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await makeTestApp();
  });
  afterAll(async () => t.close());

  it('DEC-20 lists dates, reasons, documents, deadlines, abandonment and the appeal office, without an account', async () => {
    const page = await new TestClient(t.app).get('/districts/lausd-sample');
    expect(page.status).toBe(200);
    const text = textOf(page.html);
    expect(text).toContain('Permits in Los Angeles Unified (sample)');
    expect(text).toContain('requests open on Monday, February 1, 2027 and close on Friday, June 9, 2028');
    expect(text).toContain('After that date, only these reasons are accepted: Parent employment');
    expect(text).toContain('Victim of an act of bullying — handled with priority');
    expect(text).toContain('Pay stub from the last 30 days');
    expect(text).toContain('Lack of space in the grade level');
    expect(text).toContain('decided by Thursday, August 27, 2026 at the latest');
    expect(text).toContain('it closes as abandoned');
    expect(text).toContain('Los Angeles County Office of Education (LACOE) within 30 calendar days');
    expect(text).toContain('Repeated failure to follow attendance policies');
    expect(page.html).toContain('href="/apply/lausd-sample?lang=en"');
  });

  it('DEC-20 LNG-1 the same page in Spanish', async () => {
    const c = new TestClient(t.app);
    await c.get('/language?to=es&next=/');
    const text = textOf((await c.get('/districts/paramount-sample')).html);
    expect(text).toContain('Permisos en Distrito Unificado de Paramount (ejemplo)');
    expect(text).toContain('las solicitudes se abren el viernes, 15 de enero de 2027');
    expect(text).toContain('Talón de pago de los últimos 30 días');
    expect(text).toContain('Oficina de Educación del Condado de Los Ángeles (LACOE)');
  });

  it('answers 404 for a district that does not exist', async () => {
    expect((await new TestClient(t.app).get('/districts/nowhere')).status).toBe(404);
  });
});
