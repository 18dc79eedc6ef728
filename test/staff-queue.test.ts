import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { buildParent, signedInParent } from './support/parents.js';
import { request, staffMember } from './support/staff.js';
import { newId } from '../src/platform/ids.js';
import { formatConfirmationNumber } from '../src/modules/applications/confirmation-number.js';
import { nameKey, prefixRange } from '../src/platform/name-key.js';
import { QueueService } from '../src/modules/staff/queue.js';

/** RFC 4180, read strictly: quoted fields may hold commas, doubled quotes and line breaks. */
function parseCsv(withMark: string): string[][] {
  // Spreadsheet programs read the file as UTF-8 (accents intact) only after a byte-order mark.
  if (!withMark.startsWith('\uFEFF')) throw new Error('the CSV does not start with a UTF-8 byte-order mark');
  const text = withMark.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let field = '';
    if (text[i] === '"') {
      i++;
      for (;;) {
        if (text[i] === '"' && text[i + 1] === '"') (field += '"'), (i += 2);
        else if (text[i] === '"') break;
        else field += text[i++];
      }
      i++;
    } else {
      while (i < text.length && text[i] !== ',' && text[i] !== '\r') field += text[i++];
    }
    row.push(field);
    if (text[i] === ',') i++;
    else if (text.startsWith('\r\n', i)) (rows.push(row), (row = []), (i += 2));
    else if (i < text.length) throw new Error(`bad CSV at ${i}: ${JSON.stringify(text.slice(i, i + 20))}`);
  }
  if (row.length) rows.push(row);
  return rows;
}

const HEADER = [
  'Confirmation number', 'Received at', 'Decision due on', 'Status', 'Type of request', 'Priority', 'Student last name', 'Student first name',
  'Date of birth', 'Student ID', 'Grade requested', 'Reason', 'School requested',
];

async function insertDocument(t: TestApp, applicationId: string, status: string) {
  await t.deps.db
    .insertInto('documents')
    .values({ id: newId(), application_id: applicationId, doc_type: 'pay-stub', original_name: 'stub.pdf', content_type: 'application/pdf', size_bytes: 10, sha256: 'x'.repeat(64), storage_key: newId(), status, uploaded_via: 'account', uploaded_at: t.clock.now().toISOString() })
    .execute();
}

for (const db of databases) {
  describe(`permit office queue filters, search and CSV export on ${db.name}`, () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
    });
    afterAll(async () => t.close());

    it('DEC-1 filters the queue by type of request, still in the order received', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const out1 = await request(t, 'lausd-sample', { kind: 'outgoing', student_last_name: 'Kindout' });
      t.clock.advance(60_000);
      const intra = await request(t, 'lausd-sample', { kind: 'intra', student_last_name: 'Kindintra' });
      t.clock.advance(60_000);
      const inc = await request(t, 'lausd-sample', { kind: 'incoming', student_last_name: 'Kindin' });
      t.clock.advance(60_000);
      const out2 = await request(t, 'lausd-sample', { kind: 'outgoing', student_last_name: 'Kindoutlater' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = async (query: string) => textOf((await client.get(`/staff/queue?${query}`)).html);

      const outgoing = await text('kind=outgoing&q=kind');
      expect(outgoing.indexOf(out1.student_last_name)).toBeGreaterThan(-1);
      expect(outgoing.indexOf(out1.student_last_name)).toBeLessThan(outgoing.indexOf(out2.student_last_name));
      expect(outgoing).not.toContain(intra.student_last_name);
      expect(outgoing).not.toContain(`${inc.student_last_name},`);
      const onlyIntra = await text('kind=intra&q=kind');
      expect(onlyIntra).toContain(intra.student_last_name);
      expect(onlyIntra).not.toContain(out1.student_last_name);
      // An unknown kind is ignored, as an unknown status is.
      expect(await text('kind=sideways&q=kind')).toContain(`${inc.student_last_name},`);

      const page = await client.get('/staff/queue?kind=intra');
      expect(page.html).toMatch(/<option value="intra" selected>Intra-district permit<\/option>/);
      expect(page.html).toContain('<option value="outgoing">Outgoing inter-district permit (release)</option>');
    });

    it('finds requests missing documents: incomplete, information requested, or with a rejected document', async () => {
      const incomplete = await request(t, 'lausd-sample', { status: 'incomplete', student_last_name: 'Misincomplete' });
      const asked = await request(t, 'lausd-sample', { status: 'info_requested', student_last_name: 'Misasked' });
      const rejected = await request(t, 'lausd-sample', { status: 'submitted', student_last_name: 'Misrejected' });
      await insertDocument(t, rejected.id, 'rejected');
      const fine = await request(t, 'lausd-sample', { status: 'submitted', student_last_name: 'Misfine' });
      await insertDocument(t, fine.id, 'received');
      const decided = await request(t, 'lausd-sample', { status: 'approved', student_last_name: 'Misdecided' });
      const foreign = await request(t, 'paramount-sample', { status: 'incomplete', student_last_name: 'Misforeign' });
      const { client } = await staffMember(t, 'lausd-sample');

      const page = await client.get('/staff/queue?missing=1&q=mis');
      expect(page.html).toMatch(/id="filter-missing" type="checkbox" name="missing" value="1" checked/);
      const text = textOf(page.html);
      for (const r of [incomplete, asked, rejected]) expect(text).toContain(r.student_last_name);
      for (const r of [fine, decided, foreign]) expect(text).not.toContain(r.student_last_name);
      // Combined with another filter, both apply.
      const outgoing = textOf((await client.get('/staff/queue?missing=1&kind=outgoing&q=mis')).html);
      expect(outgoing).toContain('No requests match.');
    });

    it('finds a request by the district\'s student ID, the start of the first name, or first and last name', async () => {
      await request(t, 'lausd-sample', { student_number: 'AB-4412', student_first_name: 'Idris', student_last_name: 'Numberone' });
      const xq = await request(t, 'lausd-sample', { student_first_name: 'Xiomara', student_last_name: 'Quintanilla' });
      const xo = await request(t, 'lausd-sample', { student_first_name: 'Xiomara', student_last_name: 'Ortega' });
      const pq = await request(t, 'lausd-sample', { student_first_name: 'Pedro', student_last_name: 'Quintanar' });
      await request(t, 'paramount-sample', { student_number: 'AB-4412', student_first_name: 'Xiomara', student_last_name: 'Quintero' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = async (q: string) => textOf((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html);

      const id = await text('ab-4412');
      expect(id).toContain('Numberone, Idris');
      expect(id).not.toContain('Quintero');
      expect(await text('AB-441')).toContain('No requests match.'); // a student ID matches whole, not by its start

      const first = await text('xio');
      expect(first).toContain('Quintanilla, Xiomara');
      expect(first).toContain('Ortega, Xiomara');
      expect(first).not.toContain('Quintanar');
      expect(first).not.toContain('Quintero');

      const both = await text('  Xio   quin ');
      expect(both).toContain(`${xq.student_last_name}, Xiomara`);
      expect(both).not.toContain(xo.student_last_name);
      expect(both).not.toContain(pq.student_last_name);
      expect(await text('quin')).toContain(`${pq.student_last_name}, Pedro`);
      // Wildcards typed in the box are not obeyed.
      expect(await text('x% q_in')).toContain('No requests match.');
    });

    it('DEC-1 PRV-1 PRV-2 exports every matching request as CSV, beyond one page, in the order received, and audits it', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const owner = await buildParent(t);
      const made: string[] = [];
      for (let i = 0; i < 520; i++) {
        t.clock.advance(1000);
        made.push((await request(t, 'paramount-sample', { student_last_name: `Bulkrow${String(i).padStart(3, '0')}`, kind: 'intra' }, owner)).student_last_name);
      }
      await request(t, 'paramount-sample', { student_last_name: 'Bulkrowother', kind: 'outgoing' }, owner);
      await request(t, 'lausd-sample', { student_last_name: 'Bulkrowlausd', kind: 'intra' }, owner);
      t.clock.set('2026-11-22T18:00:00Z');
      const staff = await staffMember(t, 'paramount-sample');

      const page = await staff.client.get('/staff/queue?kind=intra&q=bulkrow');
      expect(page.html).toContain('href="/staff/queue.csv?kind=intra&amp;q=bulkrow"');
      expect(textOf(page.html)).toContain('Download these requests as CSV');

      const res = await staff.client.get('/staff/queue.csv?kind=intra&q=bulkrow&after=2099-01-01T00:00:00Z%7Cz');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="requests-paramount-sample-2026-11-22.csv"');
      const rows = parseCsv(res.html);
      expect(rows[0]).toEqual(HEADER);
      // Every row (not one page of 50, nor one batch of 500), filtered, in the order received.
      expect(rows.slice(1).map((r) => r[6])).toEqual(made);
      expect(res.html).not.toContain('Bulkrowother');
      expect(res.html).not.toContain('Bulkrowlausd');

      const audit = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', staff.id).where('action', '=', 'queue.export').execute();
      expect(audit).toHaveLength(1);
      expect(audit[0]).toMatchObject({ district_id: 'paramount-sample', entity_type: 'queue', ip: expect.stringMatching(/^10\.60\./) });
      expect(JSON.parse(audit[0].detail!)).toEqual({ kind: 'intra', q: 'bulkrow', rows: 520 });
    });

    it('writes each column, quotes fields per RFC 4180 and defuses spreadsheet formulas', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const plain = await request(t, 'lausd-sample', { school_year: '2027-2028', student_last_name: 'O"Brien, Jr', student_first_name: 'Ana\nMaria', student_number: 'S123', priority: 1 });
      t.clock.advance(60_000);
      const nasty = await request(t, 'lausd-sample', {
        school_year: '2027-2028', kind: 'outgoing', status: 'incomplete', student_last_name: '-2+3', student_first_name: '=HYPERLINK("http://x.example","y")',
        student_number: '+15551234', reason_code: 'bullying-victim', requested_school_id: null, decision_due_on: null,
      });
      t.clock.advance(60_000);
      await request(t, 'lausd-sample', { school_year: '2027-2028', student_last_name: '@SUM(A1)', student_first_name: 'Safe-name' });
      const { client } = await staffMember(t, 'lausd-sample');
      const res = await client.get('/staff/queue.csv?year=2027-2028');
      const body = res.html;
      expect(body.startsWith(`\uFEFF${HEADER.join(',')}\r\n`)).toBe(true);
      expect(body).toContain(`${formatConfirmationNumber(plain.confirmation_number)},2026-11-22 10:00,2026-12-22,Received,Incoming inter-district permit,yes,"O""Brien, Jr","Ana\nMaria",2018-04-09,S123,3,Parent employment,Elm Street Elementary\r\n`);
      expect(body).toContain(`,2026-11-22 10:01,,Incomplete,Outgoing inter-district permit (release),no,'-2+3,"'=HYPERLINK(""http://x.example"",""y"")",2018-04-09,'+15551234,3,Victim of an act of bullying,\r\n`);
      expect(body).toContain(",'@SUM(A1),Safe-name,");
      const rows = parseCsv(body);
      expect(rows).toHaveLength(4);
      expect(rows.map((r) => r.length)).toEqual([13, 13, 13, 13]);
      expect(rows[2][7]).toBe(`'${nasty.student_first_name}`);
    });

    it('opens with accents intact in a spreadsheet: UTF-8 bytes after a byte-order mark', async () => {
      await request(t, 'lausd-sample', { school_year: '2027-2028', student_last_name: 'Hernández', student_first_name: 'María José' });
      const { client } = await staffMember(t, 'lausd-sample');
      const res = await client.get('/staff/queue.csv?year=2027-2028&q=hernandez');
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      // "á" is the two UTF-8 bytes C3 A1, not the one Windows-1252 byte E1.
      expect(bytes.includes(Buffer.from('Hernández', 'utf8'))).toBe(true);
      expect(bytes.includes(Buffer.from('Hern\xe1ndez', 'latin1'))).toBe(false);
    });

    it('PRV-1 a site administrator\'s CSV holds only their schools\' requests', async () => {
      const mine = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:2001', student_last_name: 'Sitemine' });
      const other = await request(t, 'lausd-sample', { requested_school_id: 'lausd-sample:3001', student_last_name: 'Siteother' });
      const { client } = await staffMember(t, 'lausd-sample', 'site_admin', ['2001']);
      const body = (await client.get('/staff/queue.csv?q=site')).html;
      expect(body).toContain(mine.student_last_name);
      expect(body).toContain('Mission Hills Middle School');
      expect(body).not.toContain(other.student_last_name);
      // Asking for the other school's requests by filter finds nothing, not the other school.
      expect(parseCsv((await client.get('/staff/queue.csv?school=3001')).html)).toEqual([HEADER]);
    });

    it('PRV-1 a parent or a signed-out visitor cannot get the CSV: sent to the staff entrance, nothing audited', async () => {
      await request(t, 'lausd-sample', { student_last_name: 'Hiddenfromparents' });
      const before = await t.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'queue.export').execute();
      const parent = await signedInParent(t);
      for (const c of [parent.client, new TestClient(t.app, '10.63.0.1')]) {
        const res = await c.get('/staff/queue.csv?q=hidden');
        expect(res.status).toBe(303);
        expect(res.location).toBe(`/staff/sign-in?next=${encodeURIComponent('/staff/queue.csv?q=hidden')}`);
        expect(res.html).not.toContain('Hiddenfromparents');
      }
      const after = await t.deps.db.selectFrom('audit_log').select('id').where('action', '=', 'queue.export').execute();
      expect(after).toHaveLength(before.length);
    });

    it('DEC-1 finds a name by its start without regard to accents, case or punctuation, in the order received', async () => {
      t.clock.set('2026-11-22T18:00:00Z');
      const older = await request(t, 'lausd-sample', { student_first_name: 'Sofía', student_last_name: 'Llópiz' });
      t.clock.advance(60_000);
      const newer = await request(t, 'lausd-sample', { student_first_name: 'Iñaki', student_last_name: 'LLOPIZ' });
      t.clock.advance(60_000);
      await request(t, 'lausd-sample', { student_first_name: 'Renée', student_last_name: 'O’Brëadaigh' });
      await request(t, 'paramount-sample', { student_first_name: 'Sofía', student_last_name: 'Llópizforeign' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = async (q: string) => textOf((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html);

      for (const q of ['llop', 'LLÓP', 'Llopiz']) {
        const found = await text(q);
        expect(found.indexOf(`${older.student_last_name}, Sofía`), q).toBeGreaterThan(-1);
        expect(found.indexOf(`${older.student_last_name}, Sofía`), q).toBeLessThan(found.indexOf(`${newer.student_last_name}, Iñaki`));
        expect(found, q).not.toContain('Llópizforeign');
      }
      expect(await text('sofia')).toContain('Llópiz, Sofía');
      expect(await text('inaki')).toContain('LLOPIZ, Iñaki');
      expect(await text('renee')).toContain('O’Brëadaigh, Renée');
      // Apostrophes, straight or curly, and hyphens are not part of the key.
      for (const q of ["o'bre", 'o’brea', 'obreadaigh']) expect(await text(q), q).toContain('O’Brëadaigh, Renée');
      expect(await text('lopiz')).toContain('No requests match.'); // the start of a name, not any part of it
    });

    it('DEC-1 finds a date of birth in the order received, page after page, only in the own district', async () => {
      t.clock.set('2026-11-23T18:00:00Z');
      const born = '2013-07-15';
      const mine: string[] = [];
      for (let i = 0; i < 5; i++) {
        // Other requests in between, so that the birth date's are not neighbours in the queue.
        await request(t, 'lausd-sample', { student_date_of_birth: '2013-07-16' });
        mine.push((await request(t, 'lausd-sample', { student_date_of_birth: born })).id);
        t.clock.advance(60_000);
      }
      await request(t, 'paramount-sample', { student_date_of_birth: born });
      const { id } = await staffMember(t, 'lausd-sample');
      const staff = { id, districtId: 'lausd-sample', email: '', firstName: '', lastName: '', role: 'permit_staff' as const };
      const queue = new QueueService(t.deps);
      const seen: string[] = [];
      let after: string | undefined;
      do {
        const page = await queue.page(staff, { q: born, after }, 2);
        seen.push(...page.rows.map((r) => r.id));
        after = page.next ?? undefined;
      } while (after);
      expect(seen).toEqual(mine);
    });

    it('finds "First Last" as the start of each, accents aside, and a last name of several words by any of them', async () => {
      await request(t, 'lausd-sample', { student_first_name: 'Zoé', student_last_name: 'De la Cruz Núñez' });
      await request(t, 'lausd-sample', { student_first_name: 'Zoé', student_last_name: 'Quesnel' });
      await request(t, 'lausd-sample', { student_first_name: 'Ximena', student_last_name: 'De la Cruz' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = async (q: string) => textOf((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html);

      const both = await text('zoe de la');
      expect(both).toContain('De la Cruz Núñez, Zoé');
      expect(both).not.toContain('Quesnel');
      expect(both).not.toContain('Ximena');
      expect(await text('ZOÉ QUES')).toContain('Quesnel, Zoé');
      expect(await text('Zoe Nunez')).toContain('De la Cruz Núñez, Zoé'); // any word of the names (ADR 0022; test/name-search.test.ts)
      const lastOnly = await text('de la cruz');
      expect(lastOnly).toContain('De la Cruz Núñez, Zoé');
      expect(lastOnly).toContain('De la Cruz, Ximena');
      expect(await text('delacruzn')).toContain('De la Cruz Núñez, Zoé');
    });

    it('does not obey LIKE wildcards typed in the search box', async () => {
      await request(t, 'lausd-sample', { student_first_name: 'Wendolyn', student_last_name: 'Wildcardez' });
      const { client } = await staffMember(t, 'lausd-sample');
      const text = async (q: string) => textOf((await client.get(`/staff/queue?q=${encodeURIComponent(q)}`)).html);
      for (const q of ['%cardez', '_ildcardez', 'w_ldcardez', 'wild%ez', 'wendolyn %ez']) expect(await text(q), q).toContain('No requests match.');
      // The characters are dropped, not obeyed: what is left still has to start the name.
      for (const q of ['wild%', 'w_', '\\wild']) expect(await text(q), q).toContain('Wildcardez, Wendolyn');
      expect(await text('wendolyn wild_')).toContain('Wildcardez, Wendolyn');
    });

    it('keys names for the search, and bounds a prefix for a plain index', () => {
      expect(nameKey('López')).toBe('lopez');
      expect(nameKey(' Ana-María  O’Brien ')).toBe('anamariaobrien');
      expect(nameKey('Łukasz Øster')).toBe('łukaszøster'); // letters that do not decompose stay
      expect(prefixRange('lop')).toEqual({ from: 'lop', to: 'loq' });
      expect(prefixRange('')).toEqual({ from: '', to: null });
      expect(prefixRange('a\u{10FFFF}')).toEqual({ from: 'a\u{10FFFF}', to: 'b' });
      expect(prefixRange('a\uD7FF')).toEqual({ from: 'a\uD7FF', to: 'a\uE000' });
    });
  });
}
