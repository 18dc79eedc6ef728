import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { textOf } from './support/client.js';
import { staffMember } from './support/staff.js';
import { ROLL, enrolledStudent } from './support/roll.js';
import { bellSchedule, section } from './support/attendance.js';

/**
 * The office's page of one student on the roll shows the student's attendance this year and links
 * to its page — a section the attendance module adds from above the roll (platform/modules.ts,
 * rollStudentPage), shown only to those who may open that page (PRV-1).
 */
for (const db of databases) {
  describe(`the roll's student page links to attendance (${db.name})`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url, now: '2026-12-07T18:00:00Z' });
      await bellSchedule(t);
    });
    afterAll(() => t.close());

    it('PRV-1 the office and the student\'s teacher see the attendance line and link; another teacher of the school does not', async () => {
      const office = await staffMember(t, ROLL.district, 'school_office', ['1001']);
      const teacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      const otherTeacher = await staffMember(t, ROLL.district, 'teacher', ['1001']);
      const { student } = await enrolledStudent(t);
      await section(t, { students: [student.id], teacherId: teacher.id });
      const link = `/staff/attendance/students/${student.id}`;

      const byOffice = await office.client.get(`/staff/roll/students/${student.id}`);
      expect(byOffice.status).toBe(200);
      expect(byOffice.html).toContain(`href="${link}"`);
      expect(textOf(byOffice.html)).toContain('Elm Street Elementary, 2026-2027: 0 days absent, 0 not yet explained; attendance rate 100.0%.');

      expect((await teacher.client.get(`/staff/roll/students/${student.id}`)).html).toContain(`href="${link}"`);
      const other = await otherTeacher.client.get(`/staff/roll/students/${student.id}`);
      expect(other.status).toBe(200);
      expect(other.html).not.toContain(`href="${link}"`);
    });
  });
}
