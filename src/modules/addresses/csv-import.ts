import { GRADES, gradeIndex, type DistrictConfig } from '../districts/config-schema.js';
import { MAX_HOUSE_NUMBER, normaliseStreet } from './normalise.js';

/**
 * STU-2: a district's address-range file (docs/addresses.md). One row per street segment and
 * grade span:
 *
 *   street,from,to,side,zip,grades,school
 *   Garfield Ave,8000,8998,even,90723,TK-5,102
 *
 * Every row is checked and every bad row reported with its line; one bad row and nothing is
 * imported. Messages are for district IT staff, in English.
 */

export type Side = 'odd' | 'even' | 'both';
export const SIDES: readonly Side[] = ['odd', 'even', 'both'];
export const COLUMNS = ['street', 'from', 'to', 'side', 'zip', 'grades', 'school'] as const;
type Column = (typeof COLUMNS)[number];

export interface LineError {
  /** Line of the file (the header is line 1); 0 for the file as a whole. */
  line: number;
  message: string;
}

/** A checked row, ready to store: `street` normalised, grades as indexes into GRADES. */
export interface RangeRow {
  street: string;
  numberFrom: number;
  numberTo: number;
  side: Side;
  zip: string;
  gradeFrom: number;
  gradeTo: number;
  schoolCode: string;
  line: number;
}

export type ParsedRanges = { ok: true; rows: RangeRow[] } | { ok: false; errors: LineError[] };

/** Bytes of an uploaded file as text: UTF-8 (with or without BOM), else Windows-1252 (Excel's "CSV" on Windows). */
export function decodeCsvBytes(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return new TextDecoder('windows-1252').decode(bytes);
  }
}

/**
 * RFC 4180: fields separated by commas, records by CRLF or LF (a lone CR too); a field in double
 * quotes may hold commas, line breaks and doubled quotes (""). A BOM at the start is skipped.
 * Each record comes with the line it starts on. An unclosed quote is an error at its line.
 */
export function parseCsv(text: string): { records: { line: number; fields: string[] }[]; errors: LineError[] } {
  const records: { line: number; fields: string[] }[] = [];
  const error = scanCsv(text, (line, fields) => records.push({ line, fields }));
  return { records, errors: error ? [error] : [] };
}

/**
 * The parser itself: calls `onRecord` with each record as it is read (nothing is kept, so a
 * file of 500,000 rows makes short-lived garbage only). Returns the error that stopped it, if any.
 */
export function scanCsv(text: string, onRecord: (line: number, fields: string[]) => void): LineError | null {
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const n = text.length;
  let line = 1;
  let fields: string[] = [];
  let recordLine = 1;
  const QUOTE = 34, COMMA = 44, CR = 13, LF = 10;
  const endRecord = () => {
    onRecord(recordLine, fields);
    fields = [];
  };
  if (i >= n) return null;
  // Where the next quote is: a record without one (nearly all) is cut with indexOf and split.
  let nextQuote = text.indexOf('"', i);
  let nextCr = text.indexOf('\r', i);
  for (;;) {
    if (fields.length === 0) {
      if (nextQuote !== -1 && nextQuote < i) nextQuote = text.indexOf('"', i);
      if (nextCr !== -1 && nextCr < i) nextCr = text.indexOf('\r', i);
      let nl = text.indexOf('\n', i);
      if (nl === -1) nl = n;
      if (nextCr !== -1 && nextCr < nl) nl = nextCr;
      if (nextQuote === -1 || nextQuote > nl) {
        fields = text.slice(i, nl).split(',');
        endRecord();
        if (nl >= n) break;
        i = nl + (text.charCodeAt(nl) === CR && text.charCodeAt(nl + 1) === LF ? 2 : 1);
        line++;
        recordLine = line;
        if (i >= n) break;
        continue;
      }
    }
    // At the start of a field.
    if (text.charCodeAt(i) === QUOTE) {
      const startLine = line;
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q === -1) return { line: startLine, message: 'a quoted field is never closed (a " is missing)' };
        const chunk = text.slice(j, q);
        for (let k = 0; k < chunk.length; k++) {
          const c = chunk.charCodeAt(k);
          if (c === LF || (c === CR && chunk.charCodeAt(k + 1) !== LF)) line++;
        }
        value += chunk;
        if (text.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the separator is kept, as spreadsheets do.
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === CR || c === LF) break;
        k++;
      }
      if (k > i) value += text.slice(i, k);
      fields.push(value);
      i = k;
    } else {
      let k = i;
      while (k < n) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === CR || c === LF) break;
        k++;
      }
      fields.push(text.slice(i, k));
      i = k;
    }
    if (i >= n) {
      endRecord();
      break;
    }
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      if (i >= n) {
        fields.push('');
        endRecord();
        break;
      }
      continue;
    }
    // A line break ends the record.
    i += c === CR && text.charCodeAt(i + 1) === LF ? 2 : 1;
    line++;
    endRecord();
    recordLine = line;
    if (i >= n) break;
  }
  return null;
}

/** "TK-5", "K-5", "6-8", "9-12", "K", "3" (a dash, an en dash or "to"): indexes into GRADES. */
export function parseGradeSpan(text: string): { from: number; to: number } | { error: string } {
  const t = text.trim().toUpperCase();
  if (!t) return { error: 'grades is empty: write a grade or a span like K-5 or 9-12' };
  const parts = t.split(/\s*[-–—]\s*|\s+TO\s+/);
  if (parts.length > 2) return { error: `grades "${text.trim()}" is not a grade or a span like K-5 or 9-12` };
  const [a, b = a] = parts.map((p) => p.replace(/^0(\d)$/, '$1'));
  const from = gradeIndex(a);
  const to = gradeIndex(b);
  if (from < 0 || to < 0) return { error: `grades "${text.trim()}" is not a grade or a span like K-5 or 9-12 (grades are ${GRADES.join(', ')})` };
  if (from > to) return { error: `grades "${text.trim()}" goes down: write the lower grade first (${b}-${a})` };
  return { from, to };
}

export const gradeSpanText = (from: number, to: number): string => (from === to ? GRADES[from] : `${GRADES[from]}-${GRADES[to]}`);

const WHOLE = /^\d{1,6}$/;
const ZIP = /^\d{5}(-\d{4})?$/;

/** What a whole house number field holds: the number, or what is wrong with it. */
function houseNumber(name: 'from' | 'to', raw: string, problems: string[]): number | null {
  const v = raw.indexOf(',') === -1 ? raw : raw.replace(/,/g, '');
  if (!v) {
    problems.push(`${name} is empty`);
    return null;
  }
  const x = WHOLE.test(v) ? Number(v) : NaN;
  if (!Number.isInteger(x) || x < 1 || x > MAX_HOUSE_NUMBER) {
    problems.push(`${name} must be a whole house number from 1 to ${MAX_HOUSE_NUMBER} (got "${raw}")`);
    return null;
  }
  return x;
}

/** Per file: each street spelling is normalised once, each grades/school pair checked once (a street has many rows). */
interface RowCache {
  streets: Map<string, string>;
  spans: Map<string, { from: number; to: number; problem?: string; school: boolean }>;
}

/** The grades and school of a row, checked together: the school must teach the whole span. */
function gradesAndSchool(gradesText: string, code: string, district: DistrictConfig): { from: number; to: number; problem?: string; school: boolean } {
  const problems: string[] = [];
  const span = parseGradeSpan(gradesText);
  if ('error' in span) problems.push(span.error);
  const school = code ? district.schools.find((s) => s.code === code) : undefined;
  if (!code) problems.push('school is empty');
  else if (!school) problems.push(`school "${code}" is not a school of ${district.slug} (its schools are ${district.schools.map((s) => s.code).join(', ')})`);
  else if (!('error' in span)) {
    const low = gradeIndex(school.lowestGrade);
    const high = gradeIndex(school.highestGrade);
    if (span.from < low || span.to > high)
      problems.push(`school ${code} (${school.name}) teaches ${gradeSpanText(low, high)}, not all of ${gradeSpanText(span.from, span.to)}`);
  }
  if ('error' in span) return { from: -1, to: -1, problem: problems.join('; '), school: !!school };
  return { from: span.from, to: span.to, school: !!school, ...(problems.length ? { problem: problems.join('; ') } : {}) };
}

/** Checks one data record; the row, or what is wrong with it. */
function checkRow(fields: string[], at: Record<Column, number>, line: number, district: DistrictConfig, cache: RowCache): { row?: RangeRow; problems: string[] } {
  const problems: string[] = [];
  const streetText = (fields[at.street] ?? '').trim();
  let street = cache.streets.get(streetText);
  if (street === undefined) cache.streets.set(streetText, (street = streetText ? normaliseStreet(streetText) : ''));
  if (!streetText) problems.push('street is empty');
  else if (!street) problems.push(`street "${streetText}" has no letters or digits`);

  const from = houseNumber('from', (fields[at.from] ?? '').trim(), problems);
  const to = houseNumber('to', (fields[at.to] ?? '').trim(), problems);
  if (from !== null && to !== null && from > to) problems.push(`from (${from}) is greater than to (${to})`);

  const sideRaw = (fields[at.side] ?? '').trim();
  const sideText = sideRaw.toLowerCase();
  const side: Side | null = sideText === 'both' || sideText === 'odd' || sideText === 'even' ? sideText : null;
  if (!side) problems.push(sideText ? `side must be odd, even or both (got "${sideRaw}")` : 'side is empty: write odd, even or both');
  if (side === 'odd' || side === 'even') {
    const want = side === 'odd' ? 1 : 0;
    if (from !== null && from % 2 !== want) problems.push(`side is ${side} but from (${from}) is ${want ? 'even' : 'odd'}`);
    if (to !== null && to % 2 !== want) problems.push(`side is ${side} but to (${to}) is ${want ? 'even' : 'odd'}`);
  }

  const zipText = (fields[at.zip] ?? '').trim();
  const zip = ZIP.test(zipText) ? zipText.slice(0, 5) : null;
  if (!zip) problems.push(zipText ? `ZIP must be 5 digits (got "${zipText}")` : 'zip is empty');

  const gradesText = (fields[at.grades] ?? '').trim();
  const code = (fields[at.school] ?? '').trim();
  const key = `${gradesText}\u0000${code}`;
  let gs = cache.spans.get(key);
  if (!gs) cache.spans.set(key, (gs = gradesAndSchool(gradesText, code, district)));
  if (gs.problem) problems.push(gs.problem);

  if (problems.length || from === null || to === null || !side || !zip || gs.from < 0 || !gs.school) return { problems };
  return { problems, row: { street, numberFrom: from, numberTo: to, side, zip, gradeFrom: gs.from, gradeTo: gs.to, schoolCode: code, line } };
}

/** The lowest house number both rows match, or null when no address is in both (number and side). */
function sharedNumber(a: RangeRow, b: RangeRow): number | null {
  const lo = Math.max(a.numberFrom, b.numberFrom);
  const hi = Math.min(a.numberTo, b.numberTo);
  if (lo > hi) return null;
  const parities = [a.side, b.side].filter((s) => s !== 'both');
  if (parities.length === 2 && parities[0] !== parities[1]) return null;
  if (parities.length === 0) return lo;
  const want = parities[0] === 'odd' ? 1 : 0;
  const first = lo % 2 === want ? lo : lo + 1;
  return first <= hi ? first : null;
}

/**
 * Two rows of the file that would both answer for one address and one grade: same ZIP and
 * street, a house number in both (with their sides), grade spans that meet.
 */
export function findOverlaps(rows: RangeRow[]): LineError[] {
  const groups = new Map<string, RangeRow[]>();
  for (const r of rows) {
    const key = `${r.zip}\u0000${r.street}`;
    const g = groups.get(key);
    if (g) g.push(r);
    else groups.set(key, [r]);
  }
  const errors: LineError[] = [];
  for (const g of groups.values()) {
    if (g.length < 2) continue;
    g.sort((a, b) => a.numberFrom - b.numberFrom || a.line - b.line);
    const active: RangeRow[] = [];
    for (const r of g) {
      // Ranges that end before this one starts are done with (kept in place, no new array per row).
      let keep = 0;
      for (let a = 0; a < active.length; a++) if (active[a].numberTo >= r.numberFrom) active[keep++] = active[a];
      active.length = keep;
      for (const x of active) {
        if (x.gradeTo < r.gradeFrom || r.gradeTo < x.gradeFrom) continue;
        const n = sharedNumber(x, r);
        if (n === null) continue;
        const [first, second] = x.line < r.line ? [x, r] : [r, x];
        const grade = GRADES[Math.max(x.gradeFrom, r.gradeFrom)];
        errors.push({
          line: second.line,
          message: `overlaps line ${first.line}: both would match ${n} ${r.street} (${r.zip}) for grade ${grade}` +
            (first.schoolCode === second.schoolCode ? ` (same school ${first.schoolCode}: a duplicate row?)` : ` (schools ${first.schoolCode} and ${second.schoolCode})`),
        });
      }
      active.push(r);
    }
  }
  return errors;
}

/**
 * Reads and checks a whole range file for `district`. Either every row, or every problem: bad
 * rows first, then (when every row is good) rows that overlap, each with its line.
 */
export function parseRanges(text: string, district: DistrictConfig): ParsedRanges {
  const errors: LineError[] = [];
  const rows: RangeRow[] = [];
  const cache: RowCache = { streets: new Map(), spans: new Map() };
  let names: string[] | null = null;
  let headerOk = false;
  const at = {} as Record<Column, number>;
  const csvError = scanCsv(text, (line, fields) => {
    // Blank lines (and rows of empty cells, as spreadsheets leave at the end) are skipped.
    let blank = true;
    for (const f of fields) if (f.trim() !== '') { blank = false; break; }
    if (blank) return;
    if (names === null) {
      names = fields.map((f) => f.trim().toLowerCase());
      for (const c of COLUMNS) {
        const idx = names.indexOf(c);
        if (idx === -1) continue;
        if (names.indexOf(c, idx + 1) !== -1) errors.push({ line, message: `the column "${c}" appears twice in the header` });
        at[c] = idx;
      }
      const missing = COLUMNS.filter((c) => at[c] === undefined);
      if (missing.length)
        errors.push({ line, message: `the header is missing ${missing.map((m) => `"${m}"`).join(', ')}: the first line must name the columns ${COLUMNS.join(',')} (in any order)` });
      headerOk = errors.length === 0;
      return;
    }
    if (!headerOk) return;
    if (fields.length > names.length) {
      errors.push({ line, message: `has ${fields.length} fields but the header has ${names.length} (a comma inside a street name needs "quotes")` });
      return;
    }
    const r = checkRow(fields, at, line, district, cache);
    if (r.problems.length) errors.push({ line, message: r.problems.join('; ') });
    else if (r.row) rows.push(r.row);
  });
  if (csvError) errors.push(csvError);
  if (names === null && !csvError) return { ok: false, errors: [{ line: 0, message: `the file is empty: it needs a header line (${COLUMNS.join(',')}) and at least one range` }] };
  if (errors.length) return { ok: false, errors };
  if (rows.length === 0) return { ok: false, errors: [{ line: 0, message: 'the file has a header but no ranges' }] };
  const overlaps = findOverlaps(rows);
  if (overlaps.length) return { ok: false, errors: overlaps.sort((a, b) => a.line - b.line) };
  return { ok: true, rows };
}

/** "line 4: from is empty" lines, for the CLI and start-up. */
export const formatLineErrors = (errors: LineError[]): string => errors.map((e) => (e.line ? `line ${e.line}: ${e.message}` : e.message)).join('\n');
