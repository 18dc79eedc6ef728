import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { request, staffMember } from './support/staff.js';

for (const db of databases) {
  describe(`words a family met on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('XCH-3 the queue CSV is UTF-8 with a byte-order mark, so spreadsheets keep accents', async () => {
      const clerk = await staffMember(t, 'lausd-sample');
      await request(t, 'lausd-sample', { student_first_name: 'María' });
      const res = await clerk.client.get('/staff/queue.csv');
      expect(res.status).toBe(200);
      expect(String(res.headers['content-type'])).toContain('charset=utf-8');
      expect(res.html.charCodeAt(0)).toBe(0xfeff);
      expect(res.html).toContain('María');
    });
  });
}
