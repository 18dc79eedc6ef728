import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { currentSchoolYear, daysBetween, median } from '../src/modules/staff/dashboard.js';
import type { DecisionKind } from '../src/platform/db/schema.js';
import { newId } from '../src/platform/ids.js';

/** The rows of one of the dashboard's tables, as [label, value] (body, then the total). */
function table(html: string, id: string): [string, string][] {
  const m = new RegExp(`<table[^>]*id="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(html);
  if (!m) throw new Error(`no table ${id}`);
  return [...m[1].matchAll(/<tr><th scope="row">([\s\S]*?)<\/th><td>([\s\S]*?)<\/td><\/tr>/g)].map((r) => [textOf(r[1]), textOf(r[2])]);
}

/** The due list, as the names linked, in page order, with their links. */
function dueList(html: string): { name: string; href: string }[] {
  const m = /<table[^>]*id="due-table"[^>]*>([\s\S]*?)<\/table>/.exec(html);
  if (!m) return [];
  return [...m[1].matchAll(/<a class="usa-link" href="([^"]+)">([^<]+)<\/a>/g)].map((r) => ({ href: r[1], name: r[2] }));
}

async function decide(t: TestApp, applicationId: string, kind: DecisionKind, decidedOn: string) {
  await t.deps.db
    .insertInto('decisions')
    .values({
      id: newId(), application_id: applicationId, kind, reasons: '[]', note: null, decided_on: decidedOn, decided_at: `${decidedOn}T20:00:00.000Z`,
      decided_by: null, appeal_until: null, no_appeal_reason: null, language: 'en',
    })
    .execute();
}

async function event(t: TestApp, applicationId: string, at: string, toStatus: string, fromStatus: string | null = null) {
  await t.deps.db
    .insertInto('application_events')
    .values({ id: newId(), application_id: applicationId, at, actor: 'test', from_status: fromStatus, to_status: toStatus, note: null })
    .execute();
}

describe('dashboard arithmetic', () => {
  it('DEC-3 the median of odd and even counts, and whole days between dates', () => {
    expect(median([])).toBeNull();
    expect(median([30, 4, 10])).toBe(10);
    expect(median([30, 4, 10, 21])).toBe(15.5);
    expect(daysBetween('2026-10-05', '2026-10-15')).toBe(10);
    expect(daysBetween('2027-03-01', '2027-03-15')).toBe(14); // across the change to summer time
  });
});

for (const db of databases) {
  describe(`permit office dashboard on ${db.name}`, () => {
    let t: TestApp;
    beforeEach(async () => {
      t = await makeTestApp({ dbUrl: db.url }); // 2026-11-22, 10:00 in Los Angeles
    });
    afterEach(async () => t.close());

    it('the default school year is the current or upcoming one from the district configuration', () => {
      const d = t.deps.districts.get('lausd-sample')!;
      expect(currentSchoolYear(d, '2026-11-22')).toBe('2026-2027');
      expect(currentSchoolYear(d, '2027-07-01')).toBe('2027-2028'); // summer: the coming year
      expect(currentSchoolYear(d, '2029-01-01')).toBe('2027-2028'); // all ended: the last one
    });

    it('PRV-1 DEC-3 counts the year\'s requests by status, kind, reason and school; another district\'s requests never count', async () => {
      for (let i = 0; i < 3; i++) await request(t, 'lausd-sample');
      await request(t, 'lausd-sample', { status: 'incomplete', reason_code: 'sibling', requested_school_id: 'lausd-sample:2001' });
      await request(t, 'lausd-sample', { status: 'approved', reason_code: 'sibling', requested_school_id: 'lausd-sample:2001', kind: 'outgoing' });
      await request(t, 'lausd-sample', { school_year: '2027-2028', status: 'denied', reason_code: 'childcare' });
      for (let i = 0; i < 4; i++) await request(t, 'paramount-sample', { status: 'approved' });
      const { client } = await staffMember(t, 'lausd-sample');
      const page = await client.get('/staff/dashboard');
      expect(page.status).toBe(200);
      const html = page.html;
      expect(table(html, 'by-status-table')).toEqual([
        ['Incomplete', '1'], ['Received', '3'], ['Information requested', '0'], ['Approved', '1'], ['Denied', '0'],
        ['Denied (no decision in time)', '0'], ['Closed (abandoned)', '0'], ['Withdrawn', '0'], ['Revoked', '0'], ['Total', '5'],
      ]);
      expect(table(html, 'by-kind-table')).toEqual([
        ['Incoming inter-district permit', '4'], ['Outgoing inter-district permit (release)', '1'], ['Intra-district permit', '0'], ['Total', '5'],
      ]);
      expect(table(html, 'by-reason-table')).toEqual([['Parent employment', '3'], ['Sibling', '2'], ['Total', '5']]);
      expect(table(html, 'by-school-table')).toEqual([['Elm Street Elementary', '3'], ['Mission Hills Middle School', '2'], ['Total', '5']]);
      expect(textOf(html)).toContain('School year 2026-2027');

      // The year selector: the other year, and an unknown year falls back to the current one.
      const next = (await client.get('/staff/dashboard?year=2027-2028')).html;
      expect(table(next, 'by-status-table')).toContainEqual(['Denied', '1']);
      expect(table(next, 'by-status-table')).toContainEqual(['Total', '1']);
      expect(table(next, 'by-reason-table')).toEqual([['Child care', '1'], ['Total', '1']]);
      expect(next).toMatch(/<option value="2027-2028" selected/);
      expect(table((await client.get('/staff/dashboard?year=1999-2000')).html, 'by-status-table')).toContainEqual(['Total', '5']);

      // Paramount's staff see only Paramount's four.
      const paramount = await staffMember(t, 'paramount-sample');
      const theirs = (await paramount.client.get('/staff/dashboard')).html;
      expect(table(theirs, 'by-status-table')).toContainEqual(['Approved', '4']);
      expect(table(theirs, 'by-status-table')).toContainEqual(['Total', '4']);
      expect(table(theirs, 'by-school-table')).toEqual([['Orchard Lane Elementary', '4'], ['Total', '4']]);
    });

    it('DEC-15 DEC-3 PRV-1 "due in the next 7 days": open requests due today to today+7, earliest first, each linked; the overdue ones counted and linked to the queue', async () => {
      const due = async (decision_due_on: string, over: Record<string, unknown> = {}) => request(t, 'lausd-sample', { decision_due_on, ...over });
      const plus7 = await due('2026-11-29', { status: 'info_requested' });
      const today = await due('2026-11-22');
      const plus3 = await due('2026-11-25', { status: 'incomplete' });
      const otherYear = await due('2026-11-23', { school_year: '2027-2028' }); // every school year: nothing may lapse unseen
      const plus8 = await due('2026-11-30');
      const yesterday = await due('2026-11-21');
      const longAgo = await due('2026-11-01', { status: 'info_requested' });
      const closed = await Promise.all((['approved', 'denied', 'deemed_denied', 'withdrawn', 'abandoned'] as const).map((status) => due('2026-11-22', { status })));
      const closedLate = await due('2026-11-10', { status: 'deemed_denied' });
      const foreign = await request(t, 'paramount-sample', { decision_due_on: '2026-11-22' });
      const foreignLate = await request(t, 'paramount-sample', { decision_due_on: '2026-11-20' });

      const { client } = await staffMember(t, 'lausd-sample');
      const html = (await client.get('/staff/dashboard')).html;
      const list = dueList(html);
      expect(list.map((r) => r.name)).toEqual([today, otherYear, plus3, plus7].map((r) => `${r.student_last_name}, ${r.student_first_name}`));
      expect(list.map((r) => r.href)).toEqual([today, otherYear, plus3, plus7].map((r) => `/staff/requests/${r.id}`));
      const text = textOf(html);
      for (const r of [plus8, yesterday, longAgo, ...closed, closedLate, foreign, foreignLate]) expect(text).not.toContain(r.student_last_name);
      expect(text).toContain('Overdue open requests: 2.');
      expect(html).toContain('<a class="usa-link" href="/staff/queue?overdue=1">');
      // At the top: before any count.
      expect(html.indexOf('id="due-table"')).toBeLessThan(html.indexOf('id="by-status-table"'));
      expect(text).toContain('from Sunday, November 22, 2026 to Sunday, November 29, 2026');

      // The district's own day: 23:30 in Los Angeles is still the 22nd (07:30 UTC on the 23rd).
      // (A new sign-in each time: moving the clock ends the idle session.)
      t.clock.set('2026-11-23T07:30:00Z');
      const night = await staffMember(t, 'lausd-sample');
      expect(dueList((await night.client.get('/staff/dashboard')).html).map((r) => r.href)[0]).toBe(`/staff/requests/${today.id}`);
      // A day later, the 22nd is overdue and the 30th comes into the window.
      t.clock.set('2026-11-23T18:00:00Z');
      const tomorrow = await staffMember(t, 'lausd-sample');
      const later = (await tomorrow.client.get('/staff/dashboard')).html;
      expect(dueList(later).map((r) => r.href)).toEqual([otherYear, plus3, plus7, plus8].map((r) => `/staff/requests/${r.id}`));
      expect(textOf(later)).toContain('Overdue open requests: 3.');
    });

    it('DEC-15 says so when nothing is due and nothing is overdue', async () => {
      await request(t, 'lausd-sample', { decision_due_on: '2026-12-30' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = textOf((await client.get('/staff/dashboard')).html);
      expect(text).toContain('No open request is due in the next 7 days.');
      expect(text).toContain('Overdue open requests: 0.');
    });

    it('DEC-3 the median of days from complete to the first written decision, for odd and even counts', async () => {
      const at = '2026-10-01T17:00:00.000Z'; // 10:00 on October 1 in Los Angeles
      // Complete at 22:00 on October 5 in Los Angeles (05:00 UTC on the 6th), approved on the 15th: 10 days.
      const a = await request(t, 'lausd-sample', { status: 'approved', received_at: at });
      await event(t, a.id, at, 'incomplete');
      await event(t, a.id, '2026-10-06T05:00:00.000Z', 'submitted', 'incomplete');
      await decide(t, a.id, 'approved', '2026-10-15');
      // No event: complete when received (October 1); denied on the 5th: 4 days.
      const b = await request(t, 'lausd-sample', { status: 'denied', received_at: at });
      await decide(t, b.id, 'denied', '2026-10-05');
      // Complete on October 3 (the first time, not the second); approved November 2: 30 days.
      const c = await request(t, 'lausd-sample', { status: 'approved', received_at: at });
      await event(t, c.id, '2026-10-20T17:00:00.000Z', 'submitted', 'info_requested');
      await event(t, c.id, '2026-10-03T17:00:00.000Z', 'submitted', 'incomplete');
      await decide(t, c.id, 'approved', '2026-11-02');
      // Not written decisions, or not this district or year: never counted.
      const deemed = await request(t, 'lausd-sample', { status: 'deemed_denied', received_at: at });
      await decide(t, deemed.id, 'deemed_denied', '2026-10-02');
      const abandoned = await request(t, 'lausd-sample', { status: 'abandoned', received_at: at });
      await decide(t, abandoned.id, 'abandoned', '2026-12-01');
      const nextYear = await request(t, 'lausd-sample', { status: 'approved', received_at: at, school_year: '2027-2028' });
      await decide(t, nextYear.id, 'approved', '2026-12-01');
      const foreign = await request(t, 'paramount-sample', { status: 'approved', received_at: at });
      await decide(t, foreign.id, 'approved', '2026-12-01');

      const { client } = await staffMember(t, 'lausd-sample');
      const odd = (await client.get('/staff/dashboard')).html;
      expect(textOf(odd)).toContain('Median days from complete to decision: 10. Written decisions counted: 3.');
      expect(table(odd, 'timing-table')).toEqual([
        ['0 to 7 days', '1'], ['8 to 14 days', '1'], ['15 to 30 days', '1'], ['31 to 60 days', '0'], ['61 days or more', '0'], ['Median days', '10'],
      ]);

      // Denied after 21 days, then approved on appeal: the first decision counts. [4, 10, 21, 30] → 15.5.
      const d = await request(t, 'lausd-sample', { status: 'approved', received_at: at });
      await decide(t, d.id, 'denied', '2026-10-22');
      await decide(t, d.id, 'approved', '2026-11-20');
      const even = (await client.get('/staff/dashboard')).html;
      expect(textOf(even)).toContain('Median days from complete to decision: 15.5. Written decisions counted: 4.');
      expect(table(even, 'timing-table')).toContainEqual(['15 to 30 days', '2']);
      expect(table(even, 'timing-table')).toContainEqual(['Median days', '15.5']);
      expect(textOf(await client.get('/staff/dashboard?year=2027-2028').then((p) => p.html))).toContain('Median days from complete to decision: 61. Written decisions counted: 1.');
    });

    it('DEC-3 DEC-15 decisions on time and late this school year: on the due date is on time, a deemed denial is late', async () => {
      const make = async (kind: DecisionKind, decidedOn: string, over: Record<string, unknown> = {}, district = 'lausd-sample') => {
        const r = await request(t, district, { decision_due_on: '2026-11-10', status: kind, ...over });
        await decide(t, r.id, kind, decidedOn);
        return r;
      };
      await make('approved', '2026-11-10'); // on the day: on time
      await make('denied', '2026-11-01'); // early: on time
      await make('denied', '2026-11-11'); // a day late
      await make('deemed_denied', '2026-11-11'); // no written decision: late
      await make('approved', '2026-11-20', { decision_due_on: '2026-11-25' }); // on time
      await make('abandoned', '2026-11-30'); // not a decision on the request
      await make('approved', '2026-12-30', { school_year: '2027-2028' }); // another year
      await make('deemed_denied', '2026-11-11', {}, 'paramount-sample'); // another district (PRV-1)
      // Deemed denied, then approved on appeal: the first decision was late.
      const appealed = await make('deemed_denied', '2026-11-11');
      await decide(t, appealed.id, 'approved', '2026-12-15');

      const { client } = await staffMember(t, 'lausd-sample');
      const html = (await client.get('/staff/dashboard')).html;
      expect(table(html, 'timeliness-table')).toEqual([['On time', '3'], ['Late', '3'], ['of which deemed denied (no written decision)', '2'], ['Total', '6']]);
      const next = (await client.get('/staff/dashboard?year=2027-2028')).html;
      expect(table(next, 'timeliness-table')).toEqual([['On time', '0'], ['Late', '1'], ['of which deemed denied (no written decision)', '0'], ['Total', '1']]);
    });

    it('PRV-1 a site administrator\'s dashboard counts only the requests for their schools', async () => {
      const mine = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:2001', decision_due_on: '2026-11-24' });
      await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:2001', decision_due_on: '2026-11-02', status: 'info_requested' });
      const approved = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:2001', status: 'approved', decision_due_on: '2026-11-20' });
      await decide(t, approved.id, 'approved', '2026-11-21');
      const other = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:3001', decision_due_on: '2026-11-24' });
      await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:3001', decision_due_on: '2026-11-01' });
      const otherApproved = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:3001', status: 'approved', decision_due_on: '2026-11-20' });
      await decide(t, otherApproved.id, 'approved', '2026-11-01');

      const site = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      const html = (await site.client.get('/staff/dashboard')).html;
      expect(table(html, 'by-school-table')).toEqual([['Mission Hills Middle School', '3'], ['Total', '3']]);
      expect(table(html, 'by-status-table')).toContainEqual(['Total', '3']);
      expect(dueList(html).map((r) => r.href)).toEqual([`/staff/requests/${mine.id}`]);
      expect(textOf(html)).not.toContain(other.student_last_name);
      expect(textOf(html)).toContain('Overdue open requests: 1.');
      expect(table(html, 'timeliness-table')).toEqual([['On time', '0'], ['Late', '1'], ['of which deemed denied (no written decision)', '0'], ['Total', '1']]);

      // The district's permit office sees all of it.
      const office = await staffMember(t, 'lausd-sample');
      const all = (await office.client.get('/staff/dashboard')).html;
      expect(table(all, 'by-school-table')).toEqual([['Mission Hills Middle School', '3'], ['Central Avenue High School', '3'], ['Total', '6']]);
      expect(textOf(all)).toContain('Overdue open requests: 2.');
      expect(table(all, 'timeliness-table')).toContainEqual(['Total', '2']);
    });

    it('PRV-2 draws each table as an SVG bar chart with role="img", a title and a description, and records the view in the audit log', async () => {
      await request(t, 'lausd-sample');
      await request(t, 'lausd-sample', { status: 'incomplete' });
      const { client, id } = await staffMember(t, 'lausd-sample', 'auditor');
      const html = (await client.get('/staff/dashboard?year=2026-2027')).html;
      for (const chart of ['by-status', 'by-kind', 'by-reason', 'by-school', 'timing', 'timeliness']) {
        expect(html).toContain(`role="img" aria-labelledby="${chart}-chart-title ${chart}-chart-desc"`);
        expect(html).toMatch(new RegExp(`<title id="${chart}-chart-title">[^<]+</title><desc id="${chart}-chart-desc">[^<]+</desc>`));
      }
      expect(html).toContain('<title id="by-status-chart-title">Requests by status</title>');
      // Bars carry their values as text, not only as lengths.
      const statusChart = /<svg[^>]*id="by-status-chart"[\s\S]*?<\/svg>/.exec(html)![0];
      expect([...statusChart.matchAll(/<rect /g)]).toHaveLength(2);
      expect(textOf(statusChart)).toContain('Incomplete 1 Received 1 Information requested 0');
      expect(html).not.toMatch(/<script(?![^>]*src=)/); // no inline script: the charts need none
      // The nav has the dashboard, before the queue.
      expect(html.indexOf('href="/staff/dashboard"')).toBeGreaterThan(-1);
      expect(html.indexOf('href="/staff/dashboard"')).toBeLessThan(html.indexOf('href="/staff/queue"'));

      const rows = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', id).execute();
      expect(rows).toHaveLength(1);
      expect(rows[0]).toMatchObject({ action: 'dashboard.view', entity_type: 'dashboard', district_id: 'lausd-sample' });
      expect(JSON.parse(rows[0].detail!)).toEqual({ year: '2026-2027' });
    });

    it('LNG-1 the dashboard speaks Spanish', async () => {
      await request(t, 'lausd-sample', { decision_due_on: '2026-11-23' });
      const { client } = await staffMember(t, 'lausd-sample');
      await client.get('/language?to=es&next=/staff/dashboard');
      const text = textOf((await client.get('/staff/dashboard')).html);
      expect(text).toContain('Vencen en los próximos 7 días');
      expect(text).toContain('Solicitudes abiertas vencidas: 0.');
    });

    it('parents and signed-out visitors are sent to the staff entrance', async () => {
      const anonymous = await new TestClient(t.app).get('/staff/dashboard');
      expect(anonymous.status).toBe(303);
      expect(anonymous.location).toBe('/staff/sign-in?next=%2Fstaff%2Fdashboard');
      const { client } = await signedInParent(t);
      const parent = await client.get('/staff/dashboard?year=2026-2027');
      expect(parent.status).toBe(303);
      expect(parent.location).toBe('/staff/sign-in?next=%2Fstaff%2Fdashboard%3Fyear%3D2026-2027');
      expect(await t.deps.db.selectFrom('audit_log').selectAll().execute()).toEqual([]);
    });
  });
}
