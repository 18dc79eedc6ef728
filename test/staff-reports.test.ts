import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { staffMember } from './support/staff.js';
import { collectReports, declareModules } from '../src/modules/index.js';
import type { ModuleDeclaration } from '../src/platform/modules.js';
import type { StaffRole } from '../src/platform/db/schema.js';

/** The reports listed on /staff/reports, in order: each one's link, title and format. */
function listed(html: string): { href: string; title: string; format: string }[] {
  const m = /<table[^>]*id="reports-table"[^>]*>([\s\S]*?)<\/table>/.exec(html);
  if (!m) return [];
  return [...m[1].matchAll(/<th scope="row"[^>]*><a class="usa-link" href="([^"]+)">([^<]+)<\/a><\/th><td[^>]*>[\s\S]*?<\/td><td[^>]*>([^<]+)<\/td>/g)].map((r) => ({
    href: r[1], title: textOf(r[2]), format: textOf(r[3]),
  }));
}

const QUEUE_CSV = { href: '/staff/queue.csv', title: 'Requests in the queue', format: 'CSV file' };
const DASHBOARD = { href: '/staff/dashboard', title: 'Dashboard', format: 'Web page' };
const AUDIT = { href: '/staff/audit', title: 'Audit log', format: 'Web page' };
/** The school roll's reports (issue 15), which a district administrator keeps for every school. */
const ROLL_REPORTS = [
  { href: '/staff/roll/no-shows', title: 'No-shows', format: 'Web page' },
  { href: '/staff/roll/notices', title: 'Permits revoked or ended by a move', format: 'Web page' },
  { href: '/staff/roll', title: 'School roll', format: 'Web page' },
  { href: '/staff/roll/investigations', title: 'Open address investigations', format: 'Web page' },
];
/** Attendance's reports (issue 16), kept by those who keep the roll: a district administrator for every school. */
const ATTENDANCE_REPORTS = [
  { href: '/staff/attendance/sections', title: 'Class sections and bell schedule', format: 'Web page' },
  { href: '/staff/attendance/not-submitted', title: 'Attendance not submitted', format: 'Web page' },
  { href: '/staff/attendance/chronic', title: 'Chronic absence', format: 'Web page' },
  { href: '/staff/attendance/chronic.csv', title: 'Chronic absence (spreadsheet)', format: 'CSV file' },
  { href: '/staff/attendance/truancy', title: 'Truancy worklist', format: 'Web page' },
  { href: '/staff/attendance/explanations', title: 'Explanations of absences', format: 'Web page' },
];

/** A module that is not staff's, declaring a report of its own (as attendance will). */
const attendanceLike: ModuleDeclaration = {
  name: 'attendance-test',
  reports: [{
    id: 'monthly-absences', titleKey: 'reports.staff.dashboard.title', descriptionKey: 'reports.staff.dashboard.description',
    path: '/staff/attendance/absences.csv', format: 'csv', openedBy: (staff) => staff.role === 'district_admin',
  }],
};

describe('collecting the reports', () => {
  it('every module\'s reports in the order of the modules; one id declared twice is refused', () => {
    const first: ModuleDeclaration = { name: 'first', reports: [{ ...attendanceLike.reports![0], id: 'a' }] };
    const second: ModuleDeclaration = { name: 'second', reports: [{ ...attendanceLike.reports![0], id: 'b' }, { ...attendanceLike.reports![0], id: 'c' }] };
    expect(collectReports([first, { name: 'none' }, second]).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(() => collectReports([first, first])).toThrow(/"a"/);
  });
});

for (const db of databases) {
  describe(`staff reports on ${db.name}`, () => {
    let t: TestApp;
    afterEach(async () => t.close());

    describe('the app as declared', () => {
      beforeEach(async () => {
        t = await makeTestApp({ dbUrl: db.url });
      });

      it('PRV-1 PRV-2 the permit office sees the queue CSV and the dashboard, and the audit log only in a role that may search it', async () => {
        const expected: [StaffRole, string[], object[]][] = [
          ['permit_staff', [], [QUEUE_CSV, DASHBOARD]],
          ['site_admin', ['1001'], [QUEUE_CSV, DASHBOARD]],
          ['district_admin', [], [QUEUE_CSV, DASHBOARD, AUDIT, ...ROLL_REPORTS, ...ATTENDANCE_REPORTS]],
          ['auditor', [], [QUEUE_CSV, DASHBOARD, AUDIT]],
        ];
        for (const [role, schools, reports] of expected) {
          const { client } = await staffMember(t, 'lausd-sample', role, schools);
          const page = await client.get('/staff/reports');
          expect(page.status, role).toBe(200);
          expect(listed(page.html), role).toEqual(reports);
          // Each report listed opens for its reader.
          for (const r of reports as { href: string }[]) expect((await client.get(r.href)).status, `${role} ${r.href}`).toBe(200);
        }
        const { client } = await staffMember(t, 'lausd-sample', 'permit_staff');
        const page = await client.get('/staff/reports');
        const text = textOf(page.html);
        expect(text).toContain('Every request in the queue, one row each, as a spreadsheet.');
        expect(page.html).toMatch(/<caption[^>]*>Reports you may open<\/caption>/);
        // Listing is not authorizing: the audit log still refuses a role that may not search it.
        expect((await client.get('/staff/audit')).status).toBe(404);
      });

      it('the dashboard links to the reports', async () => {
        const { client } = await staffMember(t, 'lausd-sample');
        const html = (await client.get('/staff/dashboard')).html;
        expect(html).toContain('<a class="usa-link" href="/staff/reports">All reports</a>');
      });

      it('LNG-1 the list of reports speaks Spanish', async () => {
        const { client } = await staffMember(t, 'lausd-sample', 'auditor');
        await client.get('/language?to=es&next=/staff/reports');
        const page = await client.get('/staff/reports');
        expect(page.html).toContain('<h1>Informes</h1>');
        expect(listed(page.html)).toEqual([
          { href: '/staff/queue.csv', title: 'Solicitudes de la lista', format: 'Archivo CSV' },
          { href: '/staff/dashboard', title: 'Panel', format: 'Página web' },
          { href: '/staff/audit', title: 'Registro de auditoría', format: 'Página web' },
        ]);
        expect(textOf((await client.get('/staff/dashboard')).html)).toContain('Todos los informes');
      });

      it('parents and signed-out visitors are sent to the staff entrance', async () => {
        const anonymous = await new TestClient(t.app).get('/staff/reports');
        expect(anonymous.status).toBe(303);
        expect(anonymous.location).toBe('/staff/sign-in?next=%2Fstaff%2Freports');
        const { client } = await signedInParent(t);
        const parent = await client.get('/staff/reports');
        expect(parent.status).toBe(303);
        expect(parent.location).toBe('/staff/sign-in?next=%2Fstaff%2Freports');
      });
    });

    it('PRV-1 a report another module declares is listed, for the roles it names, without a change to staff', async () => {
      t = await makeTestApp({
        dbUrl: db.url,
        modules: (deps) => {
          const declared = declareModules(deps);
          return { ...declared, modules: [...declared.modules, attendanceLike] };
        },
      });
      const admin = await staffMember(t, 'lausd-sample', 'district_admin');
      expect(listed((await admin.client.get('/staff/reports')).html)).toEqual([
        QUEUE_CSV, DASHBOARD, AUDIT, ...ROLL_REPORTS, ...ATTENDANCE_REPORTS, { href: '/staff/attendance/absences.csv', title: 'Dashboard', format: 'CSV file' },
      ]);
      const clerk = await staffMember(t, 'lausd-sample', 'permit_staff');
      expect(listed((await clerk.client.get('/staff/reports')).html)).toEqual([QUEUE_CSV, DASHBOARD]);
    });
  });
}
