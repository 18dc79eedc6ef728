import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { DistrictCatalog } from '../src/modules/districts/catalog.js';
import { WITHDRAWAL_DOCUMENTS } from '../src/modules/districts/config-schema.js';
import { DistrictConfigError, loadDistrictConfigs, parseDistrictConfig } from '../src/modules/districts/loader.js';
import {
  CALPADS_ENROLLMENT_STATUSES,
  CALPADS_EXIT_CODES,
  CALPADS_TRANSFER_CODES,
  EDFI_ENTRY_TYPES,
  EDFI_EXIT_WITHDRAW_TYPES,
} from '../src/modules/districts/state-codes.js';

/**
 * Issue 15, point 2: a district's entry types, exit codes and enrollment statuses are district
 * configuration, each mapped to the state's CALPADS code and its Ed-Fi descriptor value.
 */
const sample = fs.readFileSync('config/districts/paramount-sample.yaml', 'utf8');
const districts = loadDistrictConfigs('config/districts');
const catalog = new DistrictCatalog(districts);

/** The code value of an Ed-Fi descriptor in Ed-Fi's own namespace, or undefined. */
const edfiValue = (descriptor: string, value: string): string | undefined => new RegExp(`^uri://ed-fi\\.org/${descriptor}#(.+)$`).exec(value)?.[1];

describe('enrollment codes in the district configuration', () => {
  it('WDR-4 every sample district maps each entry type, exit code and enrollment status to its CALPADS code and its Ed-Fi value', () => {
    expect(districts.map((d) => d.slug)).toEqual(['lausd-sample', 'paramount-sample']);
    for (const d of districts) {
      const { entryTypes, exitCodes, statuses, edition } = d.enrollmentCodes;
      expect(edition).toMatch(/CALPADS.*Ed-Fi/);
      for (const e of entryTypes) {
        expect(e.calpads === null || e.calpads in CALPADS_TRANSFER_CODES).toBe(true);
        expect(EDFI_ENTRY_TYPES).toContain(edfiValue('EntryTypeDescriptor', e.edfi));
      }
      for (const x of exitCodes) {
        expect(Object.keys(CALPADS_EXIT_CODES)).toContain(x.calpads);
        expect(EDFI_EXIT_WITHDRAW_TYPES).toContain(edfiValue('ExitWithdrawTypeDescriptor', x.edfi));
      }
      expect(statuses.map((s) => s.calpads).sort()).toEqual(Object.keys(CALPADS_ENROLLMENT_STATUSES).sort());
      expect(statuses.filter((s) => s.primarySchool).map((s) => s.calpads)).toEqual(['10']);
      for (const c of [...entryTypes, ...exitCodes, ...statuses]) {
        expect(c.label.en.length).toBeGreaterThan(0);
        expect(c.label.es.length).toBeGreaterThan(0);
      }
      // The common California set: every exit code the state's list names, once.
      expect(exitCodes.map((x) => x.calpads).sort()).toEqual(Object.keys(CALPADS_EXIT_CODES).sort());
      // An approved incoming permit's entry carries the formal inter-district agreement (transfer code 1).
      expect(catalog.entryType(d, 'inter-district-permit')).toMatchObject({ calpads: '1', edfi: 'uri://ed-fi.org/EntryTypeDescriptor#Transfer' });
    }
  });

  it('WDR-4 each exit code names the supporting document a withdrawal needs and whether due diligence comes first', () => {
    for (const d of districts) {
      // The documents of the bulletin's list (WDR-1), or none for the state's technical updates.
      for (const x of d.enrollmentCodes.exitCodes) expect(WITHDRAWAL_DOCUMENTS).toContain(x.document);
      expect(catalog.exitCode(d, 'T160')).toMatchObject({ document: 'records_request', dueDiligence: false });
      expect(catalog.exitCode(d, 'T180')).toMatchObject({ document: 'private_school_affidavit', edfi: 'uri://ed-fi.org/ExitWithdrawTypeDescriptor#Transferred' });
      expect(catalog.exitCode(d, 'E130')).toMatchObject({ document: 'death_notice' });
      expect(catalog.exitCode(d, 'N470')).toMatchObject({ document: 'not_attending_letter', edfi: 'uri://ed-fi.org/ExitWithdrawTypeDescriptor#No show' });
      // A truant with no known enrollment is exited only after logged due diligence (WDR-2).
      expect(catalog.exitCode(d, 'E140')).toMatchObject({ calpads: 'E140', document: 'not_attending_letter', dueDiligence: true });
      expect(catalog.exitCode(d, 'E230')).toMatchObject({ document: 'none', dueDiligence: false });
    }
  });

  it('WDR-4 the catalog looks each code up by the district\'s own code, and knows no other', () => {
    const [lausd] = districts;
    expect(catalog.enrollmentStatus(lausd, 'primary')).toMatchObject({ calpads: '10', primarySchool: true });
    expect(catalog.entryType(lausd, 'new')).toMatchObject({ calpads: null, edfi: 'uri://ed-fi.org/EntryTypeDescriptor#New to education system' });
    expect(catalog.exitCode(lausd, 'T999')).toBeUndefined();
    expect(catalog.entryType(lausd, 'T160')).toBeUndefined();
    expect(catalog.enrollmentStatus(lausd, 'active')).toBeUndefined();
  });

  it('WDR-4 a district may add its own code, under its own Ed-Fi namespace, mapped to a state code', () => {
    const own = sample.replace(
      '  statuses:\n',
      '    - { code: T160-CHARTER, calpads: T160, edfi: "uri://paramount.example.org/ExitWithdrawTypeDescriptor#Charter transfer", document: records_request, label: { en: "Transfer to a charter school", es: "Traslado a una escuela chárter" } }\n  statuses:\n',
    );
    const d = parseDistrictConfig(own, 'own.yaml');
    expect(new DistrictCatalog([d]).exitCode(d, 'T160-CHARTER')).toMatchObject({ calpads: 'T160', document: 'records_request', dueDiligence: false });
  });

  it('WDR-4 a wrong code stops start-up naming the file, the field and the problem', () => {
    const wrong = (from: string, to: string) => {
      expect(sample).toContain(from);
      return () => parseDistrictConfig(sample.replace(from, to), 'x.yaml');
    };
    expect(wrong('code: T180, calpads: T180', 'code: T180, calpads: T181')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.3\.calpads: "T181" is not a CALPADS exit reason code/);
    expect(wrong('code: inter-district-permit, calpads: "1"', 'code: inter-district-permit, calpads: "3"')).toThrow(/x\.yaml: enrollmentCodes\.entryTypes\.4\.calpads: "3" is not a CALPADS student school transfer code/);
    expect(wrong('code: primary, calpads: "10"', 'code: primary, calpads: 40')).toThrow(/x\.yaml: enrollmentCodes\.statuses\.0\.calpads: "40" is not a CALPADS enrollment status/);
    expect(wrong('ExitWithdrawTypeDescriptor#Graduated', 'ExitWithdrawTypeDescriptor#Finished')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.13\.edfi: "Finished" is not a code value of Ed-Fi's ExitWithdrawTypeDescriptor/);
    expect(wrong('edfi: "uri://ed-fi.org/EntryTypeDescriptor#Re-entry"', 'edfi: "Re-entry"')).toThrow(/x\.yaml: enrollmentCodes\.entryTypes\.3\.edfi: must be an Ed-Fi descriptor written uri:\/\/<namespace>\/EntryTypeDescriptor#<code value>/);
    expect(wrong('document: private_school_affidavit', 'document: affidavit')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.3\.document: must be one of records_request, private_school_affidavit/);
    expect(wrong('document: not_attending_letter, dueDiligence: true, label: { en: "No known', 'document: not_attending_letter, label: { en: "No known')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.9\.dueDiligence: must be true for CALPADS E140/);
    expect(wrong('{ code: T165,', '{ code: T160,')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.1\.code: "T160" is used twice/);
    expect(wrong('{ code: E230, calpads: E230, edfi: "uri://ed-fi.org/ExitWithdrawTypeDescriptor#Graduated", document: none, label: { en: "Graduated", es: "Se graduó" } }', '{ code: E230, calpads: E230, edfi: "uri://ed-fi.org/ExitWithdrawTypeDescriptor#Graduated", document: none, label: { en: "Graduated" } }')).toThrow(/x\.yaml: enrollmentCodes\.exitCodes\.13\.label\.es:/);
    expect(wrong('  edition: "CALPADS', '  edit: "CALPADS')).toThrow(/x\.yaml: enrollmentCodes\.edition:/);
  });

  it('WDR-4 a district file without its codes stops start-up, named among the files of the folder', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'districts-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), sample.slice(0, sample.indexOf('# WDR-4: the codes')));
    expect(() => loadDistrictConfigs(dir)).toThrow(DistrictConfigError);
    expect(() => loadDistrictConfigs(dir)).toThrow(/Invalid district configuration:\na\.yaml: enrollmentCodes:/);
    fs.rmSync(dir, { recursive: true });
  });
});
