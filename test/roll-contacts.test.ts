import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { buildStudent, signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { Roll } from '../src/modules/enrollment/roll.js';
import { normalizePhone } from '../src/modules/enrollment/emergency-contacts.js';

/** Monday, November 23, 2026, 10:00 in Los Angeles. */
const NOW = '2026-11-23T18:00:00Z';

/** One contact's boxes on the form, numbered from 1. */
const contact = (i: number, c: { name?: string; relationship?: string; phone?: string; alt_phone?: string; email?: string; language?: string }) =>
  Object.fromEntries(Object.entries(c).map(([k, v]) => [`${k}_${i}`, v ?? '']));

describe('ENR-4 a phone number is a phone number', () => {
  it('ENR-4 keeps a North American number written one way, an international one with its +, and refuses the rest', () => {
    expect(normalizePhone('213 555 0142')).toBe('(213) 555-0142');
    expect(normalizePhone('+1 (213) 555-0142')).toBe('(213) 555-0142');
    expect(normalizePhone('1-213-555-0142')).toBe('(213) 555-0142');
    expect(normalizePhone('+52 55 1234 5678')).toBe('+525512345678');
    for (const bad of ['555-12', '(013) 555-0142', '213 155 0142', 'call me', '213-555-0142 ext 4', '12+345678901', '+52 1']) expect(normalizePhone(bad)).toBeNull();
  });
});

for (const db of databases) {
  describe(`emergency contacts and the parent's view of the roll (${db.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: NOW });
    });
    afterAll(() => t.close());

    const contactsOf = (studentId: string) => t.deps.db.selectFrom('emergency_contacts').selectAll().where('student_id', '=', studentId).orderBy('position').execute();
    const auditOf = (studentId: string) =>
      t.deps.db.selectFrom('audit_log').select(['action', 'outcome', 'staff_id']).where('entity_type', '=', 'student').where('entity_id', '=', studentId).orderBy('at').orderBy('id').execute();

    it('ENR-4 the parent gives and updates the contacts in Spanish; a bad phone is refused beside its field and what was typed is kept', async () => {
      const { client, user } = await signedInParent(t);
      const { student } = await enrolledStudent(t, { accountId: user.id });
      await client.get('/language?to=es&next=/');
      const url = `/students/${student.id}/emergency-contacts`;

      const form = await client.get(url);
      expect(form.status).toBe(200);
      expect(form.html).toContain('Contactos de emergencia de Mateo');
      expect(form.html).toContain('Relación con el estudiante');
      expect(form.html).toContain('name="name_2"'); // a second, optional box from the start

      // A phone that is no phone number: refused in Spanish, beside the field and in the summary; nothing saved.
      const bad = await client.post(url, { rows: '2', saved: '0', ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '555-12', email: 'rosa@example.org', language: 'es' }) });
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('id="error-summary"');
      expect(bad.html).toMatch(/id="field-phone_1-error"[\s\S]*Escriba un número de teléfono con su código de área/);
      expect(bad.html).toContain('href="#field-phone_1"');
      expect(bad.html).toContain('value="555-12"');
      expect(bad.html).toContain('value="Rosa López"');
      expect(bad.html).toContain('value="rosa@example.org"');
      expect(bad.html).toMatch(/<option value="grandparent" selected/);
      expect(await contactsOf(student.id)).toEqual([]);

      // A box begun without a name or a relationship: each refused on its own field.
      const half = await client.post(url, { rows: '2', saved: '0', ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '(213) 555-0142' }), ...contact(2, { phone: '323 555 0199' }) });
      expect(half.status).toBe(400);
      expect(half.html).toMatch(/id="field-name_2-error"[\s\S]*Escriba el nombre del contacto/);
      expect(half.html).toMatch(/id="field-relationship_2-error"[\s\S]*Elija qué relación tiene esta persona/);
      expect(await contactsOf(student.id)).toEqual([]);

      // No contact at all: at least one (ENR-4).
      const none = await client.post(url, { rows: '2', saved: '0' });
      expect(none.status).toBe(400);
      expect(none.html).toContain('Dé al menos un contacto de emergencia');

      const saved = await client.post(url, {
        rows: '2',
        saved: '0',
        ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '213 555 0142', email: 'Rosa@Example.org', language: 'es' }),
        ...contact(2, { name: 'Luis López', relationship: 'aunt-uncle', phone: '+52 55 1234 5678', alt_phone: '', email: '', language: '' }),
      });
      expect(saved.status).toBe(303);
      expect(saved.location).toBe(`/students/${student.id}#emergency-heading`);
      expect(await contactsOf(student.id)).toEqual([
        expect.objectContaining({ position: 1, name: 'Rosa López', relationship: 'grandparent', phone: '(213) 555-0142', alt_phone: null, email: 'rosa@example.org', language: 'es', updated_by: `account:${user.id}` }),
        expect.objectContaining({ position: 2, name: 'Luis López', relationship: 'aunt-uncle', phone: '+525512345678', email: null, language: null, updated_by: `account:${user.id}` }),
      ]);

      // The student page says so, in Spanish, with the contacts and the link to update them.
      const page = await client.get(`/students/${student.id}`);
      expect(page.html).toContain('Se guardaron los contactos de emergencia de Mateo.');
      expect(page.html).toContain('Rosa López');
      expect(page.html).toContain('Abuela o abuelo');
      expect(page.html).toContain('(213) 555-0142');
      expect(page.html).toContain(`href="/students/${student.id}/emergency-contacts"`);
      expect(page.html).toContain('Actualizar los contactos de emergencia');

      // Updating: the saved two and a third box; removing the first moves the second up, as one list.
      const again = await client.get(url);
      expect(again.html).toContain('value="Rosa López"');
      expect(again.html).toContain('name="name_3"');
      expect(again.html).toContain('Quitar el contacto 1');
      const removed = await client.post(url, {
        rows: '3',
        saved: '2',
        ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '(213) 555-0142' }),
        remove_1: 'yes',
        ...contact(2, { name: 'Luis López', relationship: 'aunt-uncle', phone: '+525512345678' }),
        ...contact(3, { name: 'Ana López', relationship: 'parent', phone: '(323) 555-0100', alt_phone: '323.555.0101' }),
      });
      expect(removed.status).toBe(303);
      expect((await contactsOf(student.id)).map((c) => [c.position, c.name, c.alt_phone])).toEqual([
        [1, 'Luis López', null],
        [2, 'Ana López', '(323) 555-0101'],
      ]);

      // A parent's own changes are not staff reads: no audit line.
      expect(await auditOf(student.id)).toEqual([]);
    });

    it('ENR-4 PRV-1 another family\'s student, or one the school has not linked, is not found: nothing shown, nothing changed', async () => {
      const { client } = await signedInParent(t);
      const other = await signedInParent(t);
      const { student: theirs } = await enrolledStudent(t, { accountId: other.user.id });
      const { student: unlinked } = await enrolledStudent(t);
      for (const s of [theirs, unlinked]) {
        expect((await client.get(`/students/${s.id}/emergency-contacts`)).status).toBe(404);
        expect((await client.get(`/students/${s.id}`)).status).toBe(404);
        const post = await client.post(`/students/${s.id}/emergency-contacts`, { rows: '1', saved: '0', ...contact(1, { name: 'Someone Else', relationship: 'other', phone: '(213) 555-0111' }) });
        expect(post.status).toBe(404);
        expect(await contactsOf(s.id)).toEqual([]);
      }
    });

    it('ENR-4 PRV-2 the school office enters the contacts (audited, who and when kept); a teacher reads them but cannot change them', async () => {
      const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      const { student } = await enrolledStudent(t); // enrolled at the counter: no family account yet
      const url = `/staff/roll/students/${student.id}/emergency-contacts`;

      const form = await office.client.get(url);
      expect(form.status).toBe(200);
      expect(form.html).toContain('Emergency contacts of Mateo López');
      const bad = await office.client.post(url, { rows: '2', saved: '0', ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '213' }) });
      expect(bad.status).toBe(400);
      expect(bad.html).toContain('Enter a phone number with its area code');
      expect(bad.html).toContain('value="213"');
      const done = await office.client.post(url, { rows: '2', saved: '0', ...contact(1, { name: 'Rosa López', relationship: 'grandparent', phone: '(213) 555-0142' }) });
      expect(done.status).toBe(303);
      expect(done.location).toBe(`/staff/roll/students/${student.id}#emergency-contacts-heading`);
      expect(await contactsOf(student.id)).toEqual([expect.objectContaining({ name: 'Rosa López', phone: '(213) 555-0142', updated_by: `staff:${office.id}`, updated_at: NOW.replace('Z', '.000Z') })]);

      // The office's page of the student shows them, who changed them, and the way to change them.
      const record = await office.client.get(`/staff/roll/students/${student.id}`);
      expect(record.status).toBe(200);
      expect(record.html).toContain('id="emergency-contacts-heading"');
      expect(record.html).toContain('Rosa López');
      expect(record.html).toContain(`Last changed by ${office.email}`);
      expect(record.html).toContain(`href="${url}"`);

      // A teacher of the school reads them (an emergency), without a form or a link to change them.
      const read = await teacher.client.get(url);
      expect(read.status).toBe(200);
      expect(read.html).toContain('Rosa López');
      expect(read.html).not.toContain('name="name_1"');
      const teacherRecord = await teacher.client.get(`/staff/roll/students/${student.id}`);
      expect(teacherRecord.html).toContain('Rosa López');
      expect(teacherRecord.html).not.toContain(`href="${url}"`);
      // …and cannot change them: refused whole, nothing changed, the refusal audited.
      await teacher.client.get(`/staff/roll/students/${student.id}`);
      const refused = await teacher.client.post(url, { rows: '1', saved: '0', ...contact(1, { name: 'Changed By Teacher', relationship: 'other', phone: '(213) 555-0199' }) });
      expect(refused.status).toBe(403);
      expect(await contactsOf(student.id)).toEqual([expect.objectContaining({ name: 'Rosa López' })]);

      // The office of another school, and the permit office, find no such student.
      const elsewhere = await staffMember(t, ROLL.district, 'school_office', ['1002']);
      const permitOffice = await staffMember(t, ROLL.district, 'permit_staff');
      for (const s of [elsewhere, permitOffice]) {
        expect((await s.client.get(url)).status).toBe(404);
        await s.client.get('/staff/queue');
        expect((await s.client.post(url, { rows: '1', saved: '0', ...contact(1, { name: 'Nobody', relationship: 'other', phone: '(213) 555-0199' }) })).status).toBe(404);
      }
      expect(await contactsOf(student.id)).toEqual([expect.objectContaining({ name: 'Rosa López' })]);

      const audit = await auditOf(student.id);
      expect(audit).toEqual(
        expect.arrayContaining([
          { action: 'roll.contacts.view', outcome: 'allowed', staff_id: office.id },
          { action: 'roll.contacts.update', outcome: 'allowed', staff_id: office.id },
          { action: 'roll.contacts.view', outcome: 'allowed', staff_id: teacher.id },
          { action: 'roll.contacts.update', outcome: 'refused', staff_id: teacher.id },
          { action: 'roll.contacts.view', outcome: 'refused', staff_id: elsewhere.id },
          { action: 'roll.contacts.update', outcome: 'refused', staff_id: elsewhere.id },
          { action: 'roll.contacts.view', outcome: 'refused', staff_id: permitOffice.id },
        ]),
      );
      expect(audit.filter((a) => a.action === 'roll.contacts.update' && a.outcome === 'allowed')).toHaveLength(1);
    });

    it("ENR-4 PRV-1 the parent's student page shows the child's school and enrollment history in Spanish, the exit's reason in Spanish, for a student the school linked without any request", async () => {
      const { client, user } = await signedInParent(t);
      const { student, enrollment } = await enrolledStudent(t, { accountId: user.id, entryDate: '2026-08-13', student: { first_name: 'Lucía' } });
      const moved = await new Roll(t.deps).transfer('staff:test', { enrollmentId: enrollment.id, toSchoolId: ROLL.sunrise, firstDay: '2026-10-05', exitCode: 'T160', entryType: 'transfer' });
      expect(moved.ok).toBe(true);
      await client.get('/language?to=es&next=/');

      // No permit request: the account still lists the student and opens the student's page.
      const account = await client.get('/account');
      expect(account.html).toContain(`href="/students/${student.id}"`);
      const page = await client.get(`/students/${student.id}`);
      expect(page.status).toBe(200);
      expect(page.html).toContain('Lucía asiste a Sunrise Avenue Elementary, 2.º grado, en el año escolar 2026–2027.');
      expect(page.html).toContain('Dónde ha estado inscrito Lucía');
      expect(page.html).toContain('Elm Street Elementary');
      expect(page.html).toContain('13 de agosto de 2026');
      expect(page.html).toContain('4 de octubre de 2026 — Traslado a una escuela pública de California');
      expect(page.html).toContain('5 de octubre de 2026');
      expect(page.html).toContain('Dejó la escuela');
      expect(page.html).toContain('Asiste');
      // No contact yet: the page asks for one.
      expect(page.html).toContain('La escuela no tiene ningún contacto de emergencia de Lucía.');
      expect(page.html).toContain('Dar los contactos de emergencia');

      // A pre-enrollment says when the school expects the child; a student never on a roll has no school section.
      const { student: next } = await enrolledStudent(t, { accountId: user.id, entryDate: null, expectedFirstDay: '2026-11-30', student: { first_name: 'Mateo' } });
      const expected = await client.get(`/students/${next.id}`);
      expect(expected.html).toContain('La escuela espera a Mateo el lunes, 30 de noviembre de 2026.');
      const never = await buildStudent(t, user.id, { first_name: 'Sofía' });
      const plain = await client.get(`/students/${never.id}`);
      expect(plain.status).toBe(200);
      expect(plain.html).not.toContain('id="school-heading"');
    });
  });
}
