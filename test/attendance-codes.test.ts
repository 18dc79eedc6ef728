import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistrictCatalog } from '../src/modules/districts/catalog.js';
import { attendanceCategory } from '../src/modules/districts/config-schema.js';
import { DistrictConfigError, loadDistrictConfigs, parseDistrictConfig } from '../src/modules/districts/loader.js';
import { EDFI_ATTENDANCE_EVENT_CATEGORIES, EXCUSED_ABSENCE_REASONS } from '../src/modules/districts/state-codes.js';

/**
 * Issue 16, point 4: attendance codes are district configuration, each with its labels, its Ed-Fi
 * attendance event category, the Education Code reason it excuses, who may use it, whether it
 * counts toward truancy and, for the bulletin's capped reasons, its cap (ATT-3).
 */
const sample = fs.readFileSync('config/districts/lausd-sample.yaml', 'utf8');
const districts = loadDistrictConfigs('config/districts');
const catalog = new DistrictCatalog(districts);

const EDFI = 'uri://ed-fi.org/AttendanceEventCategoryDescriptor#';

/** The sample with one piece of text replaced, parsed as x.yaml; the piece must be in the sample. */
const wrong = (from: string, to: string) => {
  expect(sample).toContain(from);
  return () => parseDistrictConfig(sample.replace(from, to), 'x.yaml');
};
/** A line of the sample's attendance codes by its code, and its index in the list. */
const line = (code: string): { text: string; index: number } => {
  const lines = sample.slice(sample.indexOf('attendanceCodes:')).split('\n').filter((l) => l.startsWith('    - { code: '));
  const index = lines.findIndex((l) => l.startsWith(`    - { code: ${code},`));
  expect(index).toBeGreaterThanOrEqual(0);
  return { text: lines[index], index };
};

describe('attendance codes in the district configuration', () => {
  it('ATT-2 both sample districts ship the bulletin\'s codes, each with English and Spanish labels and an Ed-Fi attendance category', () => {
    expect(districts.map((d) => d.slug)).toEqual(['lausd-sample', 'paramount-sample']);
    for (const d of districts) {
      const { codes, edition } = d.attendanceCodes;
      expect(edition).toMatch(/BUL-4926\.4.*Ed-Fi/);
      expect(codes.map((c) => c.code)).toEqual(['P', 'T', 'A', 'MO', 'ED', 'IL', 'QU', 'MD', 'FU', 'GS', 'JD', 'CH', 'CT', 'RH', 'RR', 'RI', 'CF', 'EB', 'MF', 'NC', 'CC', 'EW']);
      for (const c of codes) {
        expect(EDFI_ATTENDANCE_EVENT_CATEGORIES).toContain(attendanceCategory(c.edfi));
        expect(Object.keys(EXCUSED_ABSENCE_REASONS)).toContain(c.reason);
        expect(c.label.en.length).toBeGreaterThan(0);
        expect(c.label.es.length).toBeGreaterThan(0);
        expect(c.label.es).not.toBe(c.label.en);
      }
      // Every excused absence names its reason; every reason of EC 48205 and the bulletin is covered by a code.
      const excused = codes.filter((c) => attendanceCategory(c.edfi) === 'Excused Absence');
      expect(excused.every((c) => c.reason !== 'none')).toBe(true);
      expect(new Set(excused.map((c) => c.reason))).toEqual(new Set(Object.keys(EXCUSED_ABSENCE_REASONS).filter((r) => r !== 'none')));
      // The bulletin's newly added elementary code: Main Office, a student in school but not in class.
      expect(catalog.attendanceCode(d, 'MO')).toMatchObject({ edfi: `${EDFI}In Attendance`, reason: 'none', truancy: false, label: { en: 'Main Office' } });
    }
  });

  it('ATT-3 the bulletin\'s capped reasons carry their caps: funeral 5 per incident, grief support 3 per incident, religious retreat 1 per semester, religious instruction 4 per school month, entertainment work 5 per school year', () => {
    for (const d of districts) {
      const capped = Object.fromEntries(d.attendanceCodes.codes.filter((c) => c.cap).map((c) => [c.reason, c.cap]));
      expect(capped).toEqual({
        funeral: { days: 5, per: 'incident' },
        'grief-support': { days: 3, per: 'incident' },
        religious: { days: 1, per: 'semester' },
        'religious-instruction': { days: 4, per: 'school-month' },
        'entertainment-work': { days: 5, per: 'school-year' },
      });
      // A religious holiday is the same reason as a retreat, without the retreat's cap.
      expect(catalog.attendanceCode(d, 'RH')).toMatchObject({ reason: 'religious' });
      expect(catalog.attendanceCode(d, 'RH')?.cap).toBeUndefined();
      expect(catalog.attendanceCode(d, 'RR')).toMatchObject({ reason: 'religious', cap: { days: 1, per: 'semester' } });
    }
  });

  it('ATT-8 only an unexcused absence, an unexcused early departure or a tardy counts toward truancy; present and excused codes never do', () => {
    for (const d of districts) {
      const counting = d.attendanceCodes.codes.filter((c) => c.truancy).map((c) => [c.code, attendanceCategory(c.edfi)]);
      expect(counting).toEqual([
        ['T', 'Tardy'],
        ['A', 'Unexcused Absence'],
        ['ED', 'Early departure'],
      ]);
    }
  });

  it('ATT-1 a teacher\'s roster offers present, tardy, absent and Main Office; the office has every code', () => {
    const [lausd] = districts;
    expect(catalog.attendanceCodesFor(lausd, 'teacher').map((c) => c.code)).toEqual(['P', 'T', 'A', 'MO']);
    expect(catalog.attendanceCodesFor(lausd, 'office')).toEqual(lausd.attendanceCodes.codes);
    expect(catalog.attendanceCode(lausd, 'FU')).toMatchObject({ reason: 'funeral', usedBy: ['office'], label: { es: 'Funeral o duelo de un familiar o persona cercana' } });
    expect(catalog.attendanceCode(lausd, 'XX')).toBeUndefined();
    // Codes are the district's own, compared as written.
    expect(catalog.attendanceCode(lausd, 'mo')).toBeUndefined();
  });

  it('ATT-2 a district may add its own code, and its own labels, for a reason the law lists', () => {
    const own = sample.replace(
      '    - { code: EW,',
      '    - { code: IL-MH, edfi: "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Excused Absence", reason: illness, usedBy: [office], truancy: false, label: { en: "Mental or behavioural health", es: "Salud mental o conductual" } }\n    - { code: EW,',
    );
    const d = parseDistrictConfig(own, 'own.yaml');
    expect(new DistrictCatalog([d]).attendanceCode(d, 'IL-MH')).toMatchObject({ reason: 'illness', truancy: false });
  });

  it('ATT-2, ATT-8 a wrong code stops start-up naming the file, the field and the problem', () => {
    const t = line('T');
    const il = line('IL');
    const p = line('P');
    const a = line('A');
    expect(wrong(t.text, `${t.text}\n${t.text}`)).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${t.index + 1}\\.code: "T" is used twice`));
    // An excused absence without its reason.
    expect(wrong(il.text, il.text.replace('reason: illness', 'reason: none'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${il.index}\\.reason: must name the reason an excused absence stands for`));
    expect(wrong(il.text, il.text.replace('reason: illness', 'reason: sick'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${il.index}\\.reason: must be one of illness, quarantine`));
    // A present code has no reason and does not count toward truancy.
    expect(wrong(p.text, p.text.replace('reason: none', 'reason: medical'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${p.index}\\.reason: must be none for a code of the category "Present"`));
    expect(wrong(p.text, p.text.replace('truancy: false', 'truancy: true'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${p.index}\\.truancy: must be false for a code of the category "Present"`));
    expect(wrong(il.text, il.text.replace('truancy: false', 'truancy: true'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${il.index}\\.truancy: must be false for a code of the category "Excused Absence"`));
    // Ed-Fi's category: its code values only, in its own namespace, written as a descriptor.
    expect(wrong(a.text, a.text.replace('#Unexcused Absence', '#Truant'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.edfi: "Truant" is not a code value of Ed-Fi's AttendanceEventCategoryDescriptor`));
    expect(wrong(a.text, a.text.replace('uri://ed-fi.org/', 'uri://example.org/'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.edfi: must be in Ed-Fi's namespace`));
    expect(wrong(a.text, a.text.replace('"uri://ed-fi.org/AttendanceEventCategoryDescriptor#Unexcused Absence"', 'Unexcused'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.edfi: must be an Ed-Fi descriptor written uri://<namespace>/AttendanceEventCategoryDescriptor#<code value>`));
    // Who may use it, and both labels.
    expect(wrong(a.text, a.text.replace('usedBy: [teacher, office]', 'usedBy: []'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.usedBy: must name teacher, office or both`));
    expect(wrong(a.text, a.text.replace('usedBy: [teacher, office]', 'usedBy: [teacher, principal]'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.usedBy\\.1: must be one of teacher, office`));
    expect(wrong(a.text, a.text.replace('usedBy: [teacher, office]', 'usedBy: [teacher, teacher]'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.usedBy: names the same user twice`));
    expect(wrong(a.text, a.text.replace(', es: "Ausente, sin justificar"', ''))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${a.index}\\.label\\.es:`));
    expect(wrong('attendanceCodes:\n  edition:', 'attendanceCodes:\n  edit:')).toThrow(/x\.yaml: attendanceCodes\.edition:/);
  });

  it('ATT-3 a wrong cap stops start-up naming the file, the field and the problem', () => {
    const fu = line('FU');
    const ew = line('EW');
    const p = line('P');
    expect(wrong(fu.text, fu.text.replace('cap: { days: 5, per: incident }', 'cap: { days: 5, per: week }'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${fu.index}\\.cap\\.per: must be one of incident, semester, school-month, school-year`));
    expect(wrong(fu.text, fu.text.replace('cap: { days: 5, per: incident }', 'cap: { days: 0, per: incident }'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${fu.index}\\.cap\\.days:`));
    expect(wrong(ew.text, ew.text.replace('cap: { days: 5, per: school-year }', 'cap: { days: 2.5, per: school-year }'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${ew.index}\\.cap\\.days:`));
    expect(wrong(ew.text, ew.text.replace('cap: { days: 5, per: school-year }', 'cap: { per: school-year }'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${ew.index}\\.cap\\.days:`));
    expect(wrong(ew.text, ew.text.replace('cap: { days: 5, per: school-year }', 'cap: { days: 5, per: school-year, absences: 5 }'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${ew.index}\\.cap:.*absences`));
    // A cap limits excused absences of a reason: a present code cannot carry one.
    expect(wrong(p.text, p.text.replace('truancy: false,', 'truancy: false, cap: { days: 3, per: incident },'))).toThrow(new RegExp(`x\\.yaml: attendanceCodes\\.codes\\.${p.index}\\.cap: is only for a code that excuses an absence for a reason`));
  });

  it('ATT-2 a district file without attendance codes stops start-up, named among the files of the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'districts-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), sample.slice(0, sample.indexOf('# ATT-2, ATT-3, ATT-8: the attendance codes')));
    expect(() => loadDistrictConfigs(dir)).toThrow(DistrictConfigError);
    expect(() => loadDistrictConfigs(dir)).toThrow(/Invalid district configuration:\na\.yaml: attendanceCodes:/);
    fs.rmSync(dir, { recursive: true });
  });
});
