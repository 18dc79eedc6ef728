import type { MarkCategory } from '../../platform/db/schema.js';
import type { AttendanceCodeConfig, DistrictConfig } from '../districts/config-schema.js';

/** ATT-8 (EC 48260): a tardy or a part of a day counts toward truancy past this many minutes. */
export const TRUANCY_MINUTES = 30;

const BY_EDFI: Record<string, MarkCategory> = {
  Present: 'present',
  'In Attendance': 'in-attendance',
  Tardy: 'tardy',
  'Early departure': 'early-departure',
  Partial: 'early-departure',
  'Excused Absence': 'excused',
  'Unexcused Absence': 'unexcused',
};

/** The category a code counts as, from its Ed-Fi descriptor (ADR 0034: marks are counted by Ed-Fi's category). */
export function categoryOf(code: Pick<AttendanceCodeConfig, 'edfi'>): MarkCategory {
  const name = code.edfi.slice(code.edfi.indexOf('#') + 1);
  const category = BY_EDFI[name];
  if (!category) throw new Error(`attendance code with an unknown Ed-Fi category: ${code.edfi}`);
  return category;
}

/** Whether a category is an absence from the period (excused or not). */
export const isAbsence = (c: MarkCategory): boolean => c === 'excused' || c === 'unexcused';

/** The district's "present" code: the first code whose category is present (what a roster's default stands for). */
export function presentCode(district: DistrictConfig): AttendanceCodeConfig {
  const found = district.attendanceCodes.codes.find((c) => categoryOf(c) === 'present');
  if (!found) throw new Error(`district ${district.slug} has no attendance code in Ed-Fi's Present category`);
  return found;
}

/**
 * ATT-8 (EC 48260): whether one mark makes its day count toward truancy. Only a code that counts
 * toward truancy can: an unexcused absence from a period longer than 30 minutes (or from the
 * day, in daily mode: `periodMinutes` null), or a tardy or early departure of more than 30 minutes.
 */
export function countsTowardTruancy(code: Pick<AttendanceCodeConfig, 'edfi' | 'truancy'>, minutes: number | null, periodMinutes: number | null): boolean {
  if (!code.truancy) return false;
  const category = categoryOf(code);
  if (category === 'unexcused') return periodMinutes === null || periodMinutes > TRUANCY_MINUTES;
  if (category === 'tardy' || category === 'early-departure') return (minutes ?? 0) > TRUANCY_MINUTES;
  return false;
}
