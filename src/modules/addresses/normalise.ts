/**
 * STU-2: reading a US street address the way a parent types it, so that it can be compared with
 * the street names of a district's address ranges (which go through the same normalisation).
 *
 *   "8312 Garfield Ave., Apt. 4B"        → { number: 8312, street: "GARFIELD AVENUE", unit: "APT 4B" }
 *   "1200-B n. Figueroa st"              → { number: 1200, street: "NORTH FIGUEROA STREET", unit: undefined }
 *   "15 Avenida César Chávez #12"        → { number: 15, street: "AVENIDA CESAR CHAVEZ", unit: "#12" }
 *
 * What it does (docs/addresses.md explains it for district IT):
 * - accents folded (É → E, Ñ → N), upper case, punctuation dropped, spaces collapsed;
 * - the house number is the leading integer of the first word: "1200-B", "1200B", "1200½" and
 *   "1200 1/2" are all 1200;
 * - unit designators (Apt, Apartment, Unit, #, Ste, Suite, Spc, Space, Rm, Room, Bldg, Lot, Trlr,
 *   Fl, Floor, Dept) and everything after them leave the street and become `unit`;
 * - street types are written out (Ave, Av → AVENUE; St, Str → STREET; Blvd → BOULEVARD …);
 * - directionals before or after the name are written out (N → NORTH, SW → SOUTHWEST);
 * - a leading St, Ft, Mt, Dr before a name is SAINT, FORT, MOUNT, DOCTOR ("St Andrews Pl");
 * - ordinal words become numbers (First → 1ST), so "W First St" and "W 1st St" agree.
 */

export interface ParsedAddress {
  number: number;
  street: string;
  unit?: string;
}

export type AddressFailure = 'empty' | 'no-number' | 'no-street';
export type ParseResult = { ok: true; value: ParsedAddress } | { ok: false; reason: AddressFailure };

/** The highest house number read (and accepted in a range file): 6 digits. */
export const MAX_HOUSE_NUMBER = 999_999;

/** USPS street suffixes (and common spellings) written out in full. */
const STREET_TYPES: Record<string, string> = {
  ALY: 'ALLEY', ALLEY: 'ALLEY',
  AVE: 'AVENUE', AV: 'AVENUE', AVEN: 'AVENUE', AVENU: 'AVENUE', AVN: 'AVENUE', AVNUE: 'AVENUE', AVENUE: 'AVENUE',
  AVDA: 'AVENIDA', AVENIDA: 'AVENIDA',
  BLVD: 'BOULEVARD', BLV: 'BOULEVARD', BOUL: 'BOULEVARD', BOULV: 'BOULEVARD', BL: 'BOULEVARD', BOULEVARD: 'BOULEVARD',
  BND: 'BEND', BEND: 'BEND',
  BRG: 'BRIDGE', BRIDGE: 'BRIDGE',
  CIR: 'CIRCLE', CIRC: 'CIRCLE', CRCL: 'CIRCLE', CIRCLE: 'CIRCLE',
  CT: 'COURT', CRT: 'COURT', COURT: 'COURT',
  CTR: 'CENTER', CENTER: 'CENTER',
  CV: 'COVE', COVE: 'COVE',
  CRES: 'CRESCENT', CRESCENT: 'CRESCENT',
  CRK: 'CREEK', CREEK: 'CREEK',
  CSWY: 'CAUSEWAY', CAUSEWAY: 'CAUSEWAY',
  DR: 'DRIVE', DRV: 'DRIVE', DRIV: 'DRIVE', DRIVE: 'DRIVE',
  EXPY: 'EXPRESSWAY', EXPWY: 'EXPRESSWAY', EXPRESSWAY: 'EXPRESSWAY',
  FWY: 'FREEWAY', FREEWAY: 'FREEWAY',
  GDN: 'GARDEN', GARDEN: 'GARDEN', GDNS: 'GARDENS', GARDENS: 'GARDENS',
  GRV: 'GROVE', GROVE: 'GROVE',
  HTS: 'HEIGHTS', HEIGHTS: 'HEIGHTS',
  HWY: 'HIGHWAY', HWAY: 'HIGHWAY', HIWAY: 'HIGHWAY', HIGHWAY: 'HIGHWAY',
  HL: 'HILL', HILL: 'HILL',
  HOLW: 'HOLLOW', HOLLOW: 'HOLLOW',
  LN: 'LANE', LA: 'LANE', LANE: 'LANE',
  LOOP: 'LOOP',
  MALL: 'MALL',
  MDW: 'MEADOW', MEADOW: 'MEADOW', MDWS: 'MEADOWS', MEADOWS: 'MEADOWS',
  MNR: 'MANOR', MANOR: 'MANOR',
  PASS: 'PASS',
  PATH: 'PATH',
  PIKE: 'PIKE',
  PKWY: 'PARKWAY', PKY: 'PARKWAY', PARKWY: 'PARKWAY', PKWAY: 'PARKWAY', PARKWAY: 'PARKWAY',
  PL: 'PLACE', PLACE: 'PLACE',
  PLZ: 'PLAZA', PLAZA: 'PLAZA',
  PT: 'POINT', POINT: 'POINT',
  RD: 'ROAD', ROAD: 'ROAD',
  RDG: 'RIDGE', RIDGE: 'RIDGE',
  RTE: 'ROUTE', RT: 'ROUTE', ROUTE: 'ROUTE',
  ROW: 'ROW',
  RUN: 'RUN',
  SQ: 'SQUARE', SQR: 'SQUARE', SQUARE: 'SQUARE',
  ST: 'STREET', STR: 'STREET', STRT: 'STREET', STREET: 'STREET',
  TER: 'TERRACE', TERR: 'TERRACE', TERRACE: 'TERRACE',
  TRL: 'TRAIL', TRAIL: 'TRAIL',
  TPKE: 'TURNPIKE', TURNPIKE: 'TURNPIKE',
  VIS: 'VISTA', VIST: 'VISTA', VSTA: 'VISTA', VISTA: 'VISTA',
  VW: 'VIEW', VIEW: 'VIEW',
  WALK: 'WALK',
  WAY: 'WAY', WY: 'WAY',
  XING: 'CROSSING', CROSSING: 'CROSSING',
};

const DIRECTIONALS: Record<string, string> = {
  N: 'NORTH', S: 'SOUTH', E: 'EAST', W: 'WEST', NE: 'NORTHEAST', NW: 'NORTHWEST', SE: 'SOUTHEAST', SW: 'SOUTHWEST',
  NORTH: 'NORTH', SOUTH: 'SOUTH', EAST: 'EAST', WEST: 'WEST', NORTHEAST: 'NORTHEAST', NORTHWEST: 'NORTHWEST', SOUTHEAST: 'SOUTHEAST', SOUTHWEST: 'SOUTHWEST',
};

/** Before a name ("St Andrews Pl", "Mt Vernon Ave", "Dr Martin Luther King Jr Blvd") these are not street types. */
const LEADING_TITLES: Record<string, string> = { ST: 'SAINT', STE: 'SAINTE', FT: 'FORT', MT: 'MOUNT', DR: 'DOCTOR' };

const ORDINALS: Record<string, string> = {
  FIRST: '1ST', SECOND: '2ND', THIRD: '3RD', FOURTH: '4TH', FIFTH: '5TH', SIXTH: '6TH', SEVENTH: '7TH', EIGHTH: '8TH', NINTH: '9TH', TENTH: '10TH',
  ELEVENTH: '11TH', TWELFTH: '12TH',
};

/** Unit designators: the word and what follows it are the unit, not the street. */
const UNIT_WORDS: Record<string, string> = {
  APT: 'APT', APARTMENT: 'APT', APTO: 'APT', UNIT: 'UNIT', STE: 'STE', SUITE: 'STE', SPC: 'SPC', SPACE: 'SPC', RM: 'RM', ROOM: 'RM',
  BLDG: 'BLDG', BUILDING: 'BLDG', LOT: 'LOT', TRLR: 'TRLR', TRAILER: 'TRLR', FL: 'FL', FLOOR: 'FL', DEPT: 'DEPT', NO: 'NO', NUM: 'NO',
};
/** "APT4B", "UNIT12", "STE100": a designator glued to its value. */
const GLUED_UNIT = /^(APT|APARTMENT|UNIT|STE|SUITE|SPC|SPACE|RM|ROOM|BLDG|LOT|TRLR)(\d[A-Z0-9-]*)$/;

/** Accents folded and case raised: "Chávez" → "CHAVEZ", "Peña" → "PENA"; "½" → " 1/2". */
export function foldText(s: string): string {
  if (/^[\x20-\x7e]*$/.test(s)) return s.toUpperCase(); // plain ASCII: nothing to fold
  return s
    .replace(/[\u00BC-\u00BE\u2150-\u215E]/g, (c) => ` ${c.normalize('NFKD').replace('\u2044', '/')} `)
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[ßẞ]/g, 'SS')
    .replace(/[Ææ]/g, 'AE')
    .replace(/[Øø]/g, 'O')
    .replace(/[Łł]/g, 'L')
    .toUpperCase();
}

/**
 * The words of a text: accents folded, upper case; periods and apostrophes vanish ("N." → "N",
 * "O'Neil" → "ONEIL"), "#" starts a word ("#12"), hyphens stay inside a word ("1200-B", "4-B"),
 * a slash only inside a number ("1/2"); any other punctuation separates words.
 */
function words(s: string): string[] {
  return foldText(s)
    .replace(/[.'’`]/g, '')
    .replace(/[^A-Z0-9#/\-\s]/g, ' ')
    .replace(/(?<!\d)\/|\/(?!\d)/g, ' ')
    .replace(/#/g, ' #')
    .replace(/#\s+(?=[A-Z0-9])/g, '#')
    .split(/\s+/)
    .map((w) => w.replace(/^-+|-+$/g, ''))
    .filter(Boolean);
}

/** A street name's words made canonical (no house number, no unit); hyphens separate words here ("Wilkes-Barre"). */
function canonicalStreet(tokens: string[]): string[] {
  const out = tokens.flatMap((w) => w.split('-')).filter((w) => w && w !== '#').map((w) => ORDINALS[w] ?? w);
  if (out.length === 0) return out;
  const last = out.length - 1;
  // Directional suffix ("Main St SW") and prefix ("N Main St"), only when there is a name besides.
  let end = last;
  if (out.length > 1 && DIRECTIONALS[out[last]]) {
    out[last] = DIRECTIONALS[out[last]];
    end = last - 1;
  }
  let start = 0;
  if (end >= 1 && DIRECTIONALS[out[0]]) {
    out[0] = DIRECTIONALS[out[0]];
    start = 1;
  }
  for (let i = start; i <= end; i++) {
    const w = out[i];
    // "St Andrews Pl": a title before the name, not a street type (unless it is the whole street).
    if (i === start && i < end && LEADING_TITLES[w]) out[i] = LEADING_TITLES[w];
    else if (STREET_TYPES[w]) out[i] = STREET_TYPES[w];
  }
  return out;
}

/** A street name from a range file, normalised like a parent's address: "n. Figueroa st" → "NORTH FIGUEROA STREET". */
export function normaliseStreet(street: string): string {
  return canonicalStreet(words(street)).join(' ');
}

/** Text of a unit, tidied: "Apt. 4-b" → "APT 4-B". */
function tidyUnit(tokens: string[]): string {
  return tokens.map((w) => UNIT_WORDS[w] ?? w).join(' ');
}

/** Splits the street's words from a unit: the first designator that follows at least one word of the name. */
function splitUnit(tokens: string[]): { street: string[]; unit: string[] } {
  for (let i = 0; i < tokens.length; i++) {
    const w = tokens[i];
    const next = tokens[i + 1];
    // "#" is never part of a name; a designator word is only after at least one word of the name.
    if (w.startsWith('#')) {
      const rest = tokens.slice(i);
      return { street: tokens.slice(0, i), unit: rest[0] === '#' ? rest.slice(1) : rest };
    }
    if (i === 0) continue;
    const glued = GLUED_UNIT.exec(w);
    if (glued) return { street: tokens.slice(0, i), unit: [UNIT_WORDS[glued[1]] ?? glued[1], glued[2], ...tokens.slice(i + 1)] };
    if (!UNIT_WORDS[w]) continue;
    if (w === 'NO' || w === 'NUM') {
      // "No. 5" is a unit; "No" before a word is part of a name.
      if (next && /\d/.test(next)) return { street: tokens.slice(0, i), unit: tokens.slice(i) };
      continue;
    }
    // "Unit" or "Apt" alone at the end is still a unit marker. Before a street type ("Lot Rd",
    // "Space Ave") or with nothing after it ("Park Lot") the word is part of the name.
    if (next === undefined ? w === 'UNIT' || w === 'APT' : !(STREET_TYPES[next] && !/\d/.test(next))) {
      return { street: tokens.slice(0, i), unit: tokens.slice(i) };
    }
  }
  return { street: tokens, unit: [] };
}

const isFraction = (w: string): boolean => /^\d+\/\d+$/.test(w);

/** A line that starts with a unit ("Apt 4", "#12"): a second line, or the unit before the street. */
const isUnitOnly = (tokens: string[]): boolean => tokens.length > 0 && (tokens[0].startsWith('#') || UNIT_WORDS[tokens[0]] !== undefined || GLUED_UNIT.test(tokens[0]));
const unitText = (tokens: string[]): string => tidyUnit(tokens[0] === '#' ? tokens.slice(1).map((w, i) => (i === 0 ? `#${w}` : w)) : tokens);

/** One comma-separated part of a line, read as "<number> <street> [unit]". */
function parseSegment(tokens: string[]): ParseResult {
  if (tokens.length === 0) return { ok: false, reason: 'empty' };
  const m = /^(\d+)(.*)$/.exec(tokens[0]);
  if (!m) return { ok: false, reason: 'no-number' };
  // "12th St" has no house number: a number with an ordinal ending is the street's name.
  if (/^(ST|ND|RD|TH)$/.test(m[2])) return { ok: false, reason: 'no-number' };
  const digits = m[1].replace(/^0+(?=\d)/, '');
  const number = digits.length <= 6 ? Number(digits) : NaN;
  if (!Number.isInteger(number) || number < 1 || number > MAX_HOUSE_NUMBER) return { ok: false, reason: 'no-number' };
  // "1200-B", "1200B", "1200-1202" are 1200 (the rest of the word is ignored); "1200 1/2" and "1200½" too.
  let rest = tokens.slice(1);
  if (rest.length && isFraction(rest[0])) rest = rest.slice(1);
  const { street, unit } = splitUnit(rest);
  const canonical = canonicalStreet(street);
  if (canonical.length === 0) return { ok: false, reason: 'no-street' };
  return { ok: true, value: { number, street: canonical.join(' '), ...(unit.length ? { unit: unitText(unit) } : {}) } };
}

/** Reads one address line: the first comma-separated part that starts with a number is the street, a part that starts with a designator is the unit, anything else (city, state) is ignored. */
function parseLine(line: string): { result: ParseResult; unitParts: string[] } {
  const parts = line.split(/[,;]/).map(words).filter((p) => p.length > 0);
  if (parts.length === 0) return { result: { ok: false, reason: 'empty' }, unitParts: [] };
  const unitParts: string[] = [];
  let result: ParseResult | null = null;
  let firstFailure: ParseResult | null = null;
  for (const p of parts) {
    if (isUnitOnly(p)) {
      unitParts.push(unitText(p));
      continue;
    }
    if (result) continue; // city, state, ZIP
    const r = parseSegment(p);
    if (r.ok) result = r;
    else firstFailure ??= r;
  }
  return { result: result ?? firstFailure ?? { ok: false, reason: 'no-number' }, unitParts };
}

/**
 * STU-2: a street address (line 1, and line 2 if any) as a house number, a normalised street
 * name and a unit. A line 1 without a number ("PO Box 12", "Main St") fails; when line 1 is a
 * building name and line 2 the street ("Garden Apartments" / "8312 Garfield Ave"), line 2 is read.
 */
export function parseAddress(line1: string, line2?: string | null): ParseResult {
  const first = parseLine(line1 ?? '');
  const second = line2 && line2.trim() ? parseLine(line2) : null;
  let main = first.result;
  const units = [...first.unitParts];
  if (!main.ok && second?.result.ok) {
    main = second.result;
    units.push(...second.unitParts);
  } else if (second) {
    // Line 2 is the unit: "Apt 4", "#12", "Unit B", or anything else written there.
    const w = words(line2!);
    if (w.length) units.push(isUnitOnly(w) ? unitText(w) : w.join(' '));
  }
  if (!main.ok) return main;
  const unit = [main.value.unit, ...units].filter(Boolean).join(' ');
  return { ok: true, value: { number: main.value.number, street: main.value.street, ...(unit ? { unit } : {}) } };
}

const FULL_TYPES = new Set(Object.values(STREET_TYPES));
const FULL_DIRECTIONALS = ['NORTH', 'SOUTH', 'EAST', 'WEST', 'NORTHEAST', 'NORTHWEST', 'SOUTHEAST', 'SOUTHWEST'];

/**
 * What a normalised street leaves out, for a second, looser look-up when it matches no range:
 * no street type at the end ("N Figueroa" for NORTH FIGUEROA STREET), or no directional before
 * it ("Figueroa St" for NORTH FIGUEROA STREET).
 */
export function looseStreetForms(street: string): { prefix: string | null; withDirectional: string[] } {
  const t = street.split(' ');
  const dirSuffix = t.length > 1 && FULL_DIRECTIONALS.includes(t[t.length - 1]);
  const core = dirSuffix ? t[t.length - 2] : t[t.length - 1];
  const dirPrefix = t.length > 1 && FULL_DIRECTIONALS.includes(t[0]);
  return {
    prefix: !FULL_TYPES.has(core) && !dirSuffix ? `${street} ` : null,
    withDirectional: dirPrefix ? [] : FULL_DIRECTIONALS.map((d) => `${d} ${street}`),
  };
}
