import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { databases, makeTestApp, type TestApp } from './support/app.js';
import { TestClient, textOf } from './support/client.js';
import { staffMember } from './support/staff.js';
import { AddressService, type Residence } from '../src/modules/addresses/service.js';
import { importConfiguredRanges } from '../src/modules/addresses/configured.js';
import { decodeCsvBytes, parseCsv, parseRanges } from '../src/modules/addresses/csv-import.js';
import { DistrictCatalog } from '../src/modules/districts/catalog.js';
import { gradeIndex, type DistrictConfig } from '../src/modules/districts/config-schema.js';

const P = 'paramount-sample';
const L = 'lausd-sample';
const HEADER = 'street,from,to,side,zip,grades,school';
const sample = (slug: string) => fs.readFileSync(path.resolve(`config/districts/${slug}.ranges.csv`), 'utf8');
const csv = (...rows: string[]) => [HEADER, ...rows].join('\n');

describe('STU-2 range files (no database)', () => {
  it('STU-2 RFC 4180: quotes, commas and quotes inside quotes, CRLF, a BOM, line numbers of each record', () => {
    const { records, errors } = parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\r\n"two\nlines",z\r\n\r\nlast,row');
    expect(errors).toEqual([]);
    expect(records).toEqual([
      { line: 1, fields: ['a', 'b'] },
      { line: 2, fields: ['x, y', 'say "hi"'] },
      { line: 3, fields: ['two\nlines', 'z'] },
      { line: 5, fields: [''] },
      { line: 6, fields: ['last', 'row'] },
    ]);
    expect(parseCsv('a,"open\nb,c').errors).toEqual([{ line: 1, message: expect.stringContaining('never closed') }]);
  });

  it('STU-2 RFC 4180: lone CR line ends, a trailing line break, empty last fields, quotes after plain lines, a stray quote inside a field', () => {
    expect(parseCsv('a,b\rc,d\r').records).toEqual([{ line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }]);
    expect(parseCsv('a,b,\nc,,\n').records).toEqual([{ line: 1, fields: ['a', 'b', ''] }, { line: 2, fields: ['c', '', ''] }]);
    expect(parseCsv('a,b\nc,d\n"e\r\nf",g\nh,12" pipe').records).toEqual([
      { line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }, { line: 3, fields: ['e\r\nf', 'g'] }, { line: 5, fields: ['h', '12" pipe'] },
    ]);
    expect(parseCsv('').records).toEqual([]);
    expect(parseCsv('\uFEFF').records).toEqual([]);
  });

  it('STU-2 files saved by a spreadsheet: Windows-1252 accents, rows of empty cells, any column order, header case', async () => {
    const bytes = Buffer.concat([Buffer.from('School,Grades,ZIP,Side,To,From,Street\r\n101,K-5,90723,both,999,1,Avenida C'), Buffer.from([0xe9]), Buffer.from('sar Ch'), Buffer.from([0xe1]), Buffer.from('vez\r\n,,,,,,\r\n')]);
    const text = decodeCsvBytes(bytes);
    expect(text).toContain('César Chávez');
    const t = await makeTestApp();
    try {
      const r = parseRanges(text, t.deps.districts.get(P)!);
      expect(r).toEqual({ ok: true, rows: [{ street: 'AVENIDA CESAR CHAVEZ', numberFrom: 1, numberTo: 999, side: 'both', zip: '90723', gradeFrom: 1, gradeTo: 6, schoolCode: '101', line: 2 }] });
    } finally {
      await t.close();
    }
  });
});

for (const db of databases) {
  describe(`address ranges on ${db.name}`, () => {
    let t: TestApp;
    let addresses: AddressService;
    let paramount: DistrictConfig;
    const resolve = (line1: string, zip: string, grade: string | null = null, line2: string | null = null): Promise<Residence> => addresses.resolve({ line1, line2, zip }, grade);

    beforeAll(async () => {
      t = await makeTestApp({ dbUrl: db.url });
      addresses = new AddressService(t.deps);
      paramount = t.deps.districts.get(P)!;
    });
    afterAll(async () => t.close());

    it('STU-2 the sample districts get their configured range files at start-up', async () => {
      expect(await addresses.count(P)).toBe(22);
      expect(await addresses.count(L)).toBe(21);
      expect(await addresses.hasRanges(P)).toBe(true);
      // Abbreviations in the file were written out on import.
      const streets = await t.deps.db.selectFrom('address_ranges').select('street').distinct().where('district_id', '=', P).orderBy('street').execute();
      expect(streets.map((s) => s.street)).toEqual([
        'CALIFORNIA AVENUE', 'DOWNEY AVENUE', 'GARFIELD AVENUE', 'JACKSON STREET', 'ORCHARD LANE', 'PARAMOUNT BOULEVARD', 'ROSECRANS AVENUE',
      ]);
      // A second start changes nothing: the district already has ranges.
      expect(await importConfiguredRanges(t.deps.db, t.deps.districts.all, t.config.districtsDir)).toEqual([]);
      expect(await addresses.count(P)).toBe(22);
    });

    it('STU-3 resolves the district and the school of residence per grade', async () => {
      expect(await resolve('8312 Garfield Ave Apt 4', '90723', '3')).toEqual({ kind: 'resolved', districtSlug: P, schoolCode: '102', via: 'ranges' });
      expect(await resolve('8312 Garfield Ave Apt 4', '90723', '7')).toEqual({ kind: 'resolved', districtSlug: P, schoolCode: '202', via: 'ranges' });
      expect(await resolve('8312 Garfield Ave Apt 4', '90723', '11')).toEqual({ kind: 'resolved', districtSlug: P, schoolCode: '301', via: 'ranges' });
      expect(await resolve('8312 Garfield Ave', '90723', 'TK')).toMatchObject({ schoolCode: '102' });
      expect(await resolve('8312 Garfield Ave', '90723', 'k')).toMatchObject({ schoolCode: '102' });
      expect(await resolve('7400 Orchard Lane', '90723', 'K')).toMatchObject({ districtSlug: P, schoolCode: '101' });
      expect(await resolve('16200 Downey Ave', '90723', '6')).toMatchObject({ schoolCode: '201' });
      expect(await resolve('7220 Jackson St', '90723', '8')).toMatchObject({ schoolCode: '202' });
      expect(await resolve('14429 Paramount Blvd', '90723', '2')).toMatchObject({ schoolCode: '103' });
      expect(await resolve('15110 California Avenue', '90723', '5')).toMatchObject({ schoolCode: '101' });
      expect(await resolve('1200 Elm Street', '90011', '4')).toEqual({ kind: 'resolved', districtSlug: L, schoolCode: '1001', via: 'ranges' });
      expect(await resolve('45 Sunrise Ave', '90033', '9')).toMatchObject({ districtSlug: L, schoolCode: '3001' });
      expect(await resolve('1750 Glendale Blvd', '90026', '7')).toMatchObject({ districtSlug: L, schoolCode: '2002' });
      expect(await resolve('310 Mission Road', '90031', '1')).toMatchObject({ districtSlug: L, schoolCode: '1002' });
    });

    it('STU-3 without a grade the district is found and the school is not', async () => {
      expect(await resolve('8312 Garfield Ave', '90723')).toEqual({ kind: 'resolved', districtSlug: P, schoolCode: null, via: 'ranges' });
      expect(await resolve('8312 Garfield Ave', '90723', 'PK')).toEqual({ kind: 'resolved', districtSlug: P, schoolCode: null, via: 'ranges' });
    });

    it('STU-3 odd and even sides of a street go to different schools', async () => {
      expect(await resolve('6001 Rosecrans Ave', '90723', 'K')).toMatchObject({ kind: 'resolved', schoolCode: '103' });
      expect(await resolve('6500 Rosecrans Ave', '90723', 'K')).toMatchObject({ kind: 'resolved', schoolCode: '101' });
      expect(await resolve('6999 Rosecrans Ave', '90723', '5')).toMatchObject({ schoolCode: '103' });
      // Both sides share the middle and high schools.
      expect(await resolve('6001 Rosecrans Ave', '90723', '7')).toMatchObject({ schoolCode: '201' });
      expect(await resolve('6500 Rosecrans Ave', '90723', '7')).toMatchObject({ schoolCode: '201' });
    });

    it('STU-2 STU-3 abbreviations, case, punctuation, accents, units and line 2 do not matter', async () => {
      const want = { kind: 'resolved', districtSlug: P, schoolCode: '102', via: 'ranges' };
      for (const line of ['8312 GARFIELD AVENUE', '8312 garfield av.', '8312  Garfield   Ave.,  #4', '8312-B Garfield Ave', '8312½ Garfield Avenue Unit 3', '8312 Gárfield Ave Spc 9'])
        expect(await resolve(line, '90723', '3'), line).toEqual(want);
      expect(await resolve('8312 Garfield Ave', '90723-1234', '3', 'Apt 4')).toEqual(want);
      expect(await resolve('5600 N. Figueroa St.', '90065', '9')).toMatchObject({ districtSlug: L, schoolCode: '3002' });
      expect(await resolve('5600 North Figueroa Street', '90065', '9')).toMatchObject({ districtSlug: L, schoolCode: '3002' });
      expect(await resolve('900 S Figueroa St', '90015', '9')).toMatchObject({ districtSlug: L, schoolCode: '3001' });
    });

    it('STU-3 a missing street type or directional is found when only one street fits', async () => {
      expect(await resolve('5600 N Figueroa', '90065', '9')).toMatchObject({ kind: 'resolved', districtSlug: L, schoolCode: '3002' });
      expect(await resolve('5600 Figueroa St', '90065', '9')).toMatchObject({ kind: 'resolved', districtSlug: L, schoolCode: '3002' });
      expect(await resolve('8312 Garfield', '90723', '3')).toMatchObject({ kind: 'resolved', schoolCode: '102' });
    });

    it('STU-3 unmatched: in a ranged district ZIP but no range fits the street, number or side', async () => {
      expect(await resolve('100 Nowhere St', '90723', '3')).toEqual({ kind: 'unmatched', districtSlug: P });
      expect(await resolve('9100 Garfield Ave', '90723', '3')).toEqual({ kind: 'unmatched', districtSlug: P });
      expect(await resolve('8312 Garfield Ave', '90011', '3')).toEqual({ kind: 'unmatched', districtSlug: L });
      expect(await resolve('8312 Garfield Ave', '90001', '3')).toEqual({ kind: 'unmatched', districtSlug: L });
    });

    it('STU-3 outside: no hosted district claims the address (the test parents live at 100 Main St, 90241)', async () => {
      expect(await resolve('100 Main St', '90241', '2')).toEqual({ kind: 'outside' });
      expect(await resolve('8312 Garfield Ave', '90241', '3')).toEqual({ kind: 'outside' });
    });

    it('STU-3 unreadable: no house number or street, or no ZIP', async () => {
      expect(await resolve('PO Box 12', '90723', '3')).toEqual({ kind: 'unreadable' });
      expect(await resolve('Garfield Ave', '90723', '3')).toEqual({ kind: 'unreadable' });
      expect(await resolve('', '90723', '3')).toEqual({ kind: 'unreadable' });
      expect(await resolve('8312 Garfield Ave', '9072', '3')).toEqual({ kind: 'unreadable' });
    });

    it('STU-3 a district without ranges decides by ZIP alone, with no school', async () => {
      const zipOnly: DistrictConfig = { ...paramount, slug: 'zip-only-sample', zipCodes: ['90241'], addressRanges: undefined };
      const s = new AddressService({ db: t.deps.db, districts: new DistrictCatalog([...t.deps.districts.all, zipOnly]) });
      expect(await s.resolve({ line1: '100 Main St', zip: '90241' }, '2')).toEqual({ kind: 'resolved', districtSlug: 'zip-only-sample', schoolCode: null, via: 'zip' });
      // A ranged district's ZIP stays unmatched even when another district lists it too.
      const both: DistrictConfig = { ...zipOnly, slug: 'zip-only-2', zipCodes: ['90723'] };
      const s2 = new AddressService({ db: t.deps.db, districts: new DistrictCatalog([...t.deps.districts.all, both]) });
      expect(await s2.resolve({ line1: '100 Nowhere St', zip: '90723' }, '2')).toEqual({ kind: 'unmatched', districtSlug: P });
    });

    it('STU-2 a bad file is refused with every bad line, and the ranges in use are kept', async () => {
      const r = await addresses.importRanges(P, csv(
        'Garfield Ave,8000,8999,both,90723,TK-5,102',
        ',1,2,both,90723,K,101',
        'Elm St,10,5,both,90723,K,101',
        'Elm St,11,21,even,90723,K,101',
        'Elm St,1,99,both,9072,K,101',
        'Elm St,1,99,both,90723,K-13,101',
        'Elm St,1,99,both,90723,5-K,101',
        'Elm St,1,99,both,90723,6-8,101',
        'Elm St,1,99,both,90723,K,999',
        'Elm St,1,99,sometimes,90723,K,101',
        'Elm St,one,99,both,90723,K,101',
        '"Elm St, West",1,99,both,90723,K,101,extra',
      ));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.problem).toMatchObject({ code: 'invalid-file', messageKey: 'addresses.errors.invalidFile', params: { count: 11 } });
      const lines = r.problem.lines!;
      expect(lines.map((l) => l.line)).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
      const at = (n: number) => lines.find((l) => l.line === n)!.message;
      expect(at(3)).toContain('street is empty');
      expect(at(4)).toContain('from (10) is greater than to (5)');
      expect(at(5)).toContain('side is even but from (11) is odd');
      expect(at(6)).toContain('ZIP must be 5 digits');
      expect(at(7)).toContain('grades "K-13" is not a grade');
      expect(at(8)).toContain('goes down');
      expect(at(9)).toContain('school 101 (Orchard Lane Elementary) teaches TK-5, not all of 6-8');
      expect(at(10)).toContain('school "999" is not a school of paramount-sample');
      expect(at(11)).toContain('side must be odd, even or both');
      expect(at(12)).toContain('from must be a whole house number');
      expect(at(13)).toContain('has 8 fields but the header has 7');
      expect(await addresses.count(P)).toBe(22);
      expect(await resolve('8312 Garfield Ave', '90723', '3')).toMatchObject({ schoolCode: '102' });
    });

    it('STU-2 a header without the needed columns, or a file without rows, is refused', async () => {
      const r1 = await addresses.importRanges(P, 'street,from,to,zip,grade,school\nGarfield Ave,1,9,90723,K,101');
      expect(!r1.ok && r1.problem.lines).toEqual([{ line: 1, message: expect.stringContaining('missing "side", "grades"') }]);
      const r2 = await addresses.importRanges(P, `${HEADER}\n`);
      expect(!r2.ok && r2.problem.lines![0].message).toContain('no ranges');
      const r3 = await addresses.importRanges(P, '');
      expect(!r3.ok && r3.problem.lines![0].message).toContain('empty');
      expect(await addresses.count(P)).toBe(22);
    });

    it('STU-2 overlapping rows are refused with both line numbers', async () => {
      const r = await addresses.importRanges(P, csv(
        'Garfield Ave,8000,8999,both,90723,TK-5,102',
        'Garfield Ave,8000,8999,both,90723,6-8,202', // other grades: fine
        'Garfield Ave,9001,9099,odd,90723,K-5,102',
        'Garfield Ave,9000,9098,even,90723,K-5,101', // other side: fine
        'GARFIELD AVENUE,8500,8600,even,90723,3,101', // grade 3 of line 2, same street once normalised
        'Garfield Ave,9051,9051,both,90723,K,103', // an odd number of line 4
      ));
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.problem.lines).toEqual([
        { line: 6, message: 'overlaps line 2: both would match 8500 GARFIELD AVENUE (90723) for grade 3 (schools 102 and 101)' },
        { line: 7, message: 'overlaps line 4: both would match 9051 GARFIELD AVENUE (90723) for grade K (schools 102 and 103)' },
      ]);
      expect(await addresses.count(P)).toBe(22);
    });

    it('STU-2 a good file replaces the district ranges, and only that district', async () => {
      const r = await addresses.importRanges(P, csv('Garfield Ave,8000,8998,even,90723,TK-5,102', 'Garfield Ave,8001,8999,odd,90723,TK-5,103'));
      expect(r).toEqual({ ok: true, value: { imported: 2 } });
      expect(await addresses.count(P)).toBe(2);
      expect(await addresses.count(L)).toBe(21);
      expect(await resolve('8312 Garfield Ave', '90723', '3')).toMatchObject({ schoolCode: '102' });
      expect(await resolve('8313 Garfield Ave', '90723', '3')).toMatchObject({ schoolCode: '103' });
      expect(await resolve('7400 Orchard Ln', '90723', '3')).toEqual({ kind: 'unmatched', districtSlug: P });
      expect(await addresses.importRanges(P, sample(P))).toEqual({ ok: true, value: { imported: 22 } });
      expect(await addresses.importRanges('nowhere', sample(P))).toMatchObject({ ok: false, problem: { code: 'not-found' } });
    });

    it('STU-3 ambiguous: two districts ranges match one address', async () => {
      try {
        const r = await addresses.importRanges(L, csv('Garfield Avenue,8300,8399,both,90723,TK-5,1001'));
        expect(r.ok).toBe(true);
        expect(await resolve('8312 Garfield Ave', '90723', '3')).toEqual({ kind: 'ambiguous', districtSlugs: [L, P] });
        expect(await resolve('8312 Garfield Ave', '90723', null)).toEqual({ kind: 'ambiguous', districtSlugs: [L, P] });
        expect(await resolve('8412 Garfield Ave', '90723', '3')).toMatchObject({ kind: 'resolved', districtSlug: P });
      } finally {
        expect(await addresses.importRanges(L, sample(L))).toEqual({ ok: true, value: { imported: 21 } });
      }
    });

    it('STU-3 ambiguous: two schools of one district for the same grade', async () => {
      await t.deps.db.insertInto('address_ranges').values({ district_id: P, street: 'GARFIELD AVENUE', number_from: 8310, number_to: 8320, side: 'both', zip: '90723', grade_from: gradeIndex('1'), grade_to: gradeIndex('1'), school_code: '101', line: 99 }).execute();
      addresses.invalidate();
      try {
        expect(await resolve('8312 Garfield Ave', '90723', '1')).toEqual({ kind: 'ambiguous', districtSlugs: [P] });
        expect(await resolve('8312 Garfield Ave', '90723', '2')).toMatchObject({ kind: 'resolved', schoolCode: '102' });
      } finally {
        await t.deps.db.deleteFrom('address_ranges').where('line', '=', 99).where('district_id', '=', P).execute();
        addresses.invalidate();
      }
    });

    it('STU-2 importing hundreds of rows takes milliseconds', async () => {
      const rows = Array.from({ length: 600 }, (_, i) => `Street ${i},1,999,both,90723,TK-5,101`);
      const started = performance.now();
      expect(await addresses.importRanges(P, csv(...rows))).toEqual({ ok: true, value: { imported: 600 } });
      const ms = performance.now() - started;
      expect(ms).toBeLessThan(1000);
      expect(await addresses.importRanges(P, sample(P))).toMatchObject({ ok: true });
    });

    describe('STU-2 the staff page', () => {
      const upload = (c: TestClient, text: string, name = 'ranges.csv') => c.postMultipart('/staff/addresses', {}, [{ field: 'file', filename: name, contentType: 'text/csv', data: Buffer.from(text) }]);

      it('STU-2 a district administrator sees the count and imports a file; the import is in the audit log', async () => {
        const { client, id } = await staffMember(t, P, 'district_admin');
        const page = await client.get('/staff/addresses');
        expect(page.status).toBe(200);
        expect(textOf(page.html)).toContain('22 address ranges are loaded.');
        expect(page.html).toContain('href="/staff/addresses"'); // in the staff navigation
        const res = await upload(client, csv('Garfield Ave,8000,8999,both,90723,TK-5,102', 'Orchard Ln,7000,7999,both,90723,TK-5,101'));
        expect(res.status).toBe(303);
        expect(res.location).toBe('/staff/addresses');
        const after = textOf((await client.follow(res)).html);
        expect(after).toContain('Imported 2 address ranges for Paramount Unified (sample).');
        expect(after).toContain('2 address ranges are loaded.');
        expect(await addresses.count(P)).toBe(2);
        expect(await addresses.count(L)).toBe(21);
        const log = await t.deps.db.selectFrom('audit_log').selectAll().where('staff_id', '=', id).where('action', '=', 'addresses.import').execute();
        expect(log).toHaveLength(1);
        expect(JSON.parse(log[0].detail!)).toMatchObject({ file: 'ranges.csv', result: 'imported', ranges: 2 });

        // A bad file: every line error on the page, nothing imported.
        await client.get('/staff/addresses');
        const bad = await upload(client, csv('Garfield Ave,8000,8999,both,90723,TK-5,102', 'Garfield Ave,9,1,both,90723,K,101', 'Orchard Ln,1,2,odd,90723,K,777'), 'bad.csv');
        expect(bad.status).toBe(400);
        const text = textOf(bad.html);
        expect(text).toContain('The file was not imported');
        expect(text).toContain('Line 3: from (9) is greater than to (1)');
        expect(text).toContain('Line 4: side is odd but to (2) is even; school "777" is not a school of paramount-sample');
        expect(await addresses.count(P)).toBe(2);
        expect((await t.deps.db.selectFrom('audit_log').select('detail').where('staff_id', '=', id).where('action', '=', 'addresses.import').execute()).length).toBe(2);

        // No file chosen.
        await client.get('/staff/addresses');
        const none = await client.postMultipart('/staff/addresses', {}, [{ field: 'file', filename: '', contentType: 'application/octet-stream', data: Buffer.alloc(0) }]);
        expect(none.status).toBe(400);
        expect(textOf(none.html)).toContain('Choose a CSV file to import');

        expect(await addresses.importRanges(P, sample(P))).toMatchObject({ ok: true });
      });

      it('STU-2 the page speaks Spanish too', async () => {
        const { client } = await staffMember(t, P, 'district_admin');
        await client.get('/language?to=es&next=/staff/addresses');
        const page = await client.get('/staff/addresses');
        expect(textOf(page.html)).toContain('Hay 22 rangos de direcciones cargados.');
        // LNG-1: the file field's own words too, for one file, and the script that puts them in place.
        const field = page.html.match(/<input[^>]*type="file"[^>]*>/)![0];
        expect(field).toContain('data-file-drag="Arrastre el archivo aquí o"');
        expect(field).toContain('data-file-choose="elíjalo de una carpeta"');
        expect(field).toContain('data-errormessage="Error: No se acepta este tipo de archivo."');
        expect(page.html).toMatch(/<script src="\/assets\/file-input-words\.[0-9a-f]{12}\.js" defer><\/script>/);
        await client.get('/language?to=en&next=/staff/addresses');
        const english = (await client.get('/staff/addresses')).html.match(/<input[^>]*type="file"[^>]*>/)![0];
        expect(english).toContain('data-file-drag="Drag file here or"');
      });

      it('STU-2 only district administrators: permit staff get the forbidden page and import nothing', async () => {
        const { client } = await staffMember(t, P, 'permit_staff');
        const page = await client.get('/staff/addresses');
        expect(page.status).toBe(403);
        expect(textOf(page.html)).toContain('Only district administrators import address ranges.');
        expect(page.html).not.toContain('href="/staff/addresses"');
        const res = await upload(client, csv('Garfield Ave,8000,8999,both,90723,TK-5,102'));
        expect(res.status).toBe(403);
        expect(await addresses.count(P)).toBe(22);
      });

      it('STU-2 a post without the CSRF token is refused and imports nothing', async () => {
        const { client } = await staffMember(t, P, 'district_admin');
        await client.get('/staff/addresses');
        const res = await client.postMultipart('/staff/addresses', { _csrf: 'forged' }, [{ field: 'file', filename: 'r.csv', contentType: 'text/csv', data: Buffer.from(csv('Garfield Ave,8000,8999,both,90723,TK-5,102')) }]);
        expect(res.status).toBe(403);
        expect(await addresses.count(P)).toBe(22);
        // Signed out: sent to sign in.
        const anon = await new TestClient(t.app).get('/staff/addresses');
        expect(anon.status).toBe(303);
        expect(anon.location).toContain('/staff/sign-in');
      });
    });
  });
}

describe('STU-2 the sample range files', () => {
  it('STU-2 are valid for their districts', async () => {
    const t = await makeTestApp();
    try {
      for (const slug of [P, L]) {
        const r = parseRanges(sample(slug), t.deps.districts.get(slug)!);
        expect(r.ok, slug).toBe(true);
      }
    } finally {
      await t.close();
    }
  });
});
