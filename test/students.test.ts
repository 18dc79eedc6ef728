import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { buildStudent, signedInParent } from './support/parents.js';

const valid = {
  first_name: 'Mateo', middle_name: '', last_name: 'López', dob_month: '4', dob_day: '9', dob_year: '2018', current_grade: '2',
  current_school: 'Lincoln Elementary', current_district: 'Downey Unified', address_line1: '100 Main St', address_line2: 'Apt 2', city: 'Downey', state: 'CA', zip: '90241',
};

for (const db of databases) {
  describe(`students on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('STU-1 ACC-4 adds two students to one account and lists them with dates written out', async () => {
      const { client, user } = await signedInParent(t);
      await client.get('/students/new');
      const r1 = await client.post('/students/new', valid);
      expect(r1.status).toBe(303);
      expect(r1.location).toBe('/students');
      await client.post('/students/new', { ...valid, first_name: 'Lucía', dob_year: '2015', current_grade: '5' });
      const list = await client.get('/students');
      const text = textOf(list.html);
      expect(text).toContain('Mateo López');
      expect(text).toContain('Lucía López');
      expect(text).toContain('Born Monday, April 9, 2018');
      const rows = await t.deps.db.selectFrom('students').selectAll().where('account_id', '=', user.id).execute();
      expect(rows.map((r) => r.date_of_birth).sort()).toEqual(['2015-04-09', '2018-04-09']);
    });

    it('STU-1 shows every problem beside its field and keeps what was typed', async () => {
      const { client } = await signedInParent(t);
      await client.get('/students/new');
      const res = await client.post('/students/new', { ...valid, first_name: '', dob_month: '2', dob_day: '31', zip: '9024', city: 'Downey<script>' });
      expect(res.status).toBe(400);
      const text = textOf(res.html);
      expect(res.html).toContain('There is a problem');
      for (const m of ["Enter the student's legal first name", 'Enter a real date: check the day and the month', 'Enter a ZIP code of 5 digits', 'Do not use the characters']) expect(text).toContain(m);
      expect(res.html).toContain('value="9024"');
      expect(res.html).toContain('value="31"');
      expect(res.html).not.toContain('Downey<script>');
    });

    it('STU-1 refuses a birth date in the future and a 40-year-old in grade 3', async () => {
      const { client } = await signedInParent(t);
      await client.get('/students/new');
      const future = await client.post('/students/new', { ...valid, dob_year: '2030', current_grade: '' });
      expect(textOf(future.html)).toContain('Enter a date of birth in the past');
      const old = await client.post('/students/new', { ...valid, dob_year: '1986', current_grade: '3' });
      expect(textOf(old.html)).toContain('Enter a date of birth less than 22 years ago');
      const mismatch = await client.post('/students/new', { ...valid, dob_year: '2008', current_grade: '3' });
      expect(textOf(mismatch.html)).toContain('The grade does not match the date of birth');
    });

    it('STU-1 edits a student and returns to where the parent came from', async () => {
      const { client, user } = await signedInParent(t);
      const s = await buildStudent(t, user.id);
      const form = await client.get(`/students/${s.id}/edit?next=/apply/lausd-sample`);
      expect(form.html).toContain('value="Mateo"');
      const res = await client.post(`/students/${s.id}/edit?next=/apply/lausd-sample`, { ...valid, zip: '90723' });
      expect(res.status).toBe(303);
      expect(res.location).toBe('/apply/lausd-sample');
      const row = await t.deps.db.selectFrom('students').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      expect(row.zip).toBe('90723');
    });

    it('PRV-1 another parent cannot see or change a student', async () => {
      const a = await signedInParent(t);
      const s = await buildStudent(t, a.user.id);
      const b = await signedInParent(t);
      expect((await b.client.get(`/students/${s.id}/edit`)).status).toBe(404);
      const res = await b.client.post(`/students/${s.id}/edit`, valid);
      expect(res.status).toBe(404);
      const row = await t.deps.db.selectFrom('students').selectAll().where('id', '=', s.id).executeTakeFirstOrThrow();
      expect(row.address_line1).toBe('100 Main St');
      expect(textOf((await b.client.get('/students')).html)).not.toContain('Mateo');
    });

    it('LNG-1 messages read in Spanish', async () => {
      const { client } = await signedInParent(t);
      await client.get('/language?to=es&next=/students/new');
      await client.get('/students/new');
      const res = await client.post('/students/new', { ...valid, last_name: '' });
      expect(textOf(res.html)).toContain('Escriba el apellido legal del estudiante');
    });
  });
}
