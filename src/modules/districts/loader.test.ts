import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDistrictConfigs, parseDistrictConfig } from './loader.js';

const sample = fs.readFileSync('config/districts/paramount-sample.yaml', 'utf8');

describe('district configuration files', () => {
  it('loads both sample districts with at least 6 schools, TK–12, and one LAUSD magnet', () => {
    const all = loadDistrictConfigs('config/districts');
    expect(all.map((d) => d.slug)).toEqual(['lausd-sample', 'paramount-sample']);
    for (const d of all) {
      expect(d.schools.length).toBeGreaterThanOrEqual(6);
      expect(d.schools.some((s) => s.lowestGrade === 'TK')).toBe(true);
      expect(d.schools.some((s) => s.highestGrade === '12')).toBe(true);
    }
    expect(all[0].schools.filter((s) => s.magnet)).toHaveLength(1);
  });

  it('names the file, the field and what is wrong', () => {
    expect(() => parseDistrictConfig(sample.replace('firstDay: "2026-08-12"', 'firstDay: "2026-02-31"'), 'x.yaml')).toThrow(/x\.yaml: schoolYears\.0\.firstDay: is not a real calendar date/);
    expect(() => parseDistrictConfig(sample.replace('slug: paramount-sample\n', ''), 'x.yaml')).toThrow(/x\.yaml: slug:/);
    expect(() => parseDistrictConfig(sample.replace('[{ code: escrow-lease }]', '[{ code: no-such-doc }]'), 'x.yaml')).toThrow(/reasons\.6\.documents\.0\.code: names document "no-such-doc"/);
    expect(() => parseDistrictConfig('slug: [unclosed', 'bad.yaml')).toThrow(/bad\.yaml.*not valid YAML/);
  });

  it('refuses two files with the same slug', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'districts-'));
    fs.writeFileSync(path.join(dir, 'a.yaml'), sample);
    fs.writeFileSync(path.join(dir, 'b.yaml'), sample);
    expect(() => loadDistrictConfigs(dir)).toThrow(/b\.yaml: slug: "paramount-sample" is already used by a\.yaml/);
    fs.rmSync(dir, { recursive: true });
  });
});
