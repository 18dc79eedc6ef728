import { z } from 'zod';
import type { StudentsTable } from '../../platform/db/schema.js';
import { foldText, parseAddress } from '../addresses/normalise.js';
import { addressFields, parseDateFields } from './validation.js';

/** The move and change-of-school forms (DEC-11, DEC-13): what the parent typed, checked. */

/** How far back a move (or a change of school) may be dated. */
export const MAX_YEARS_BACK = 2;
/** How far ahead a change of school may be dated (a move up to middle school next year). */
export const MAX_YEARS_AHEAD = 2;

export type Address = Pick<StudentsTable, 'address_line1' | 'address_line2' | 'city' | 'state' | 'zip'>;
export type FormErrors = Record<string, { key: string; params?: Record<string, string | number> }>;

// ---------------------------------------------------------------- dates

export const daysBetween = (from: string, to: string): number => Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
const shiftYears = (isoDate: string, years: number): string => `${String(Number(isoDate.slice(0, 4)) + years).padStart(4, '0')}${isoDate.slice(4)}`;

/** A memorable date checked against today, or the message key of what is wrong (`kind` names the field's own messages). */
function checkDate(values: Record<string, string>, prefix: string, kind: 'moved' | 'from', today: string): { date: string } | { error: string } {
  const d = parseDateFields(values[`${prefix}_month`] ?? '', (values[`${prefix}_day`] ?? '').trim(), (values[`${prefix}_year`] ?? '').trim());
  if ('error' in d) {
    if (d.error === 'students.errors.dobRequired') return { error: `moves.errors.${kind}Required` };
    if (d.error === 'students.errors.dobFormat') return { error: `moves.errors.${kind}Format` };
    return { error: 'students.errors.dobImpossible' };
  }
  if (kind === 'moved' && d.date > today) return { error: 'moves.errors.movedFuture' };
  if (d.date < shiftYears(today, -MAX_YEARS_BACK)) return { error: `moves.errors.${kind}TooOld` };
  if (kind === 'from' && d.date > shiftYears(today, MAX_YEARS_AHEAD)) return { error: 'moves.errors.fromTooFar' };
  return { date: d.date };
}

function collect(issues: readonly { path: readonly PropertyKey[]; message: string }[]): FormErrors {
  const errors: FormErrors = {};
  for (const i of issues) {
    const f = String(i.path[0]);
    if (!errors[f]) errors[f] = { key: i.message };
  }
  return errors;
}

type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FormErrors };

/**
 * A form of fields and one memorable date (DEC-11, DEC-13): the schema's problems and the date's
 * (its fields' prefix, `kind`, names its messages; `field` is where they show), every one at once; else what `build` makes.
 */
function parseDated<S extends z.ZodType, T>(
  schema: S,
  values: Record<string, string>,
  today: string,
  date: { kind: 'moved' | 'from'; field: string },
  build: (v: z.infer<S>, date: string) => T,
): Parsed<T> {
  const r = schema.safeParse(values);
  const errors = r.success ? {} : collect(r.error.issues);
  const d = checkDate(values, date.kind, date.kind, today);
  if ('error' in d) errors[date.field] = { key: d.error };
  if (!r.success || 'error' in d) return { ok: false, errors };
  return { ok: true, data: build(r.data, d.date) };
}

// ---------------------------------------------------------------- the move form

export const moveSchema = z.object({ ...addressFields, moved_month: z.string().default(''), moved_day: z.string().default(''), moved_year: z.string().default('') });
export type MoveInput = Address & { moved_on: string };

/** DEC-13: the new address and the day of the move, every problem at once. */
export function parseMoveForm(values: Record<string, string>, today: string): Parsed<MoveInput> {
  return parseDated(moveSchema, values, today, { kind: 'moved', field: 'moved_on' }, (v, movedOn) => ({
    address_line1: v.address_line1, address_line2: v.address_line2 || null, city: v.city, state: v.state, zip: v.zip.slice(0, 5), moved_on: movedOn,
  }));
}

/** An address on one line, as stored in address_changes. */
export function oneLine(a: Address): string {
  return `${a.address_line1}${a.address_line2 ? `, ${a.address_line2}` : ''}, ${a.city}, ${a.state} ${a.zip}`;
}

/** The same place, however it was typed ("8312 Garfield Ave" and "8312 GARFIELD AVENUE"). */
export function sameAddress(a: Address, b: Address): boolean {
  const key = (x: Address) => {
    const p = parseAddress(x.address_line1, x.address_line2);
    const place = p.ok ? `${p.value.number} ${p.value.street} ${foldText(p.value.unit ?? '')}` : foldText(`${x.address_line1} ${x.address_line2 ?? ''}`);
    return `${place.replace(/\s+/g, ' ').trim()}|${x.zip.slice(0, 5)}`;
  };
  return key(a) === key(b);
}

// ---------------------------------------------------------------- the school-change form

export const schoolChangeSchema = z.object({
  district: z.string().trim().min(1, 'moves.errors.districtRequired').max(60, 'moves.errors.districtRequired'),
  school: z.string().trim().min(1, 'moves.errors.schoolRequired').max(20, 'moves.errors.schoolNotInDistrict'),
  from_month: z.string().default(''),
  from_day: z.string().default(''),
  from_year: z.string().default(''),
});
export interface SchoolChangeInput {
  district: string;
  school: string;
  from: string;
}

export function parseSchoolChangeForm(values: Record<string, string>, today: string): Parsed<SchoolChangeInput> {
  return parseDated(schoolChangeSchema, values, today, { kind: 'from', field: 'from' }, (v, from) => ({ district: v.district, school: v.school, from }));
}
