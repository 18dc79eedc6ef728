import type { Deps } from '../../deps.js';
import type { Db } from '../../platform/db/kysely.js';
import { err, ok, type Ok, type Problem } from '../../platform/result.js';
import { gradeIndex } from '../districts/config-schema.js';
import { parseRanges, type LineError } from './csv-import.js';
import { looseStreetForms, parseAddress } from './normalise.js';
import { AddressRepository, type StoredRange } from './repository.js';

/** STU-3: where a student lives, as far as the hosted districts can tell. */
export type Residence =
  | { kind: 'resolved'; districtSlug: string; schoolCode: string | null; via: 'ranges' | 'zip' }
  | { kind: 'outside' } // no hosted district claims the address
  | { kind: 'unmatched'; districtSlug: string } // in a ranged district's ZIP, but no range matches the street and number
  | { kind: 'ambiguous'; districtSlugs: string[] } // two ranges match (in one or two districts)
  | { kind: 'unreadable' }; // no house number / street could be read

export interface AddressInput {
  line1: string;
  line2?: string | null;
  zip: string;
}

/** A refused import: `lines` holds every bad line of the file (messages in English, for district IT). */
export type ImportProblem = Problem & { lines?: LineError[] };
export type ImportResult = Ok<{ imported: number }> | { ok: false; problem: ImportProblem };

/**
 * How long the per-district counts (and the widest range) are trusted. An import through this
 * process refreshes them at once; one made by another process (the CLI, another instance) is
 * seen within this time.
 */
export const CACHE_TTL_MS = 30_000;

interface RangeStats {
  counts: Map<string, number>;
  widest: number;
  loadedAt: number;
}

/** One cache per database, shared by every AddressService built on it (the routes', the applications'). */
const statsByDb = new WeakMap<Db, { stats: RangeStats | null; loading: Promise<RangeStats> | null }>();

/**
 * STU-2, STU-3: a district's address ranges (imported from CSV) and the look-up of an address's
 * district and school of residence.
 */
export class AddressService {
  readonly repo: AddressRepository;
  constructor(private deps: Pick<Deps, 'db' | 'districts'>) {
    this.repo = new AddressRepository(deps.db);
  }

  private get cache() {
    let c = statsByDb.get(this.deps.db);
    if (!c) statsByDb.set(this.deps.db, (c = { stats: null, loading: null }));
    return c;
  }

  /** Counts and widest range, from the cache while it is fresh. */
  private async stats(): Promise<RangeStats> {
    const c = this.cache;
    if (c.stats && Date.now() - c.stats.loadedAt < CACHE_TTL_MS) return c.stats;
    c.loading ??= (async () => {
      try {
        const [counts, widest] = await Promise.all([this.repo.counts(), this.repo.widest()]);
        c.stats = { counts, widest, loadedAt: Date.now() };
        return c.stats;
      } finally {
        c.loading = null;
      }
    })();
    return c.loading;
  }

  /** Forget the cached counts: the next look-up reads them again. */
  invalidate(): void {
    this.cache.stats = null;
  }

  /**
   * STU-2: replaces `districtSlug`'s ranges with the file's, all or nothing. A file with any bad
   * row (or overlapping rows) imports nothing and keeps the ranges already there.
   */
  async importRanges(districtSlug: string, csvText: string): Promise<ImportResult> {
    const district = this.deps.districts.get(districtSlug);
    if (!district) return err('not-found', 'addresses.errors.noDistrict', { params: { district: districtSlug } });
    const parsed = parseRanges(csvText, district);
    if (!parsed.ok) {
      return { ok: false, problem: { code: 'invalid-file', messageKey: 'addresses.errors.invalidFile', params: { count: parsed.errors.length }, lines: parsed.errors } };
    }
    await this.repo.replaceDistrict(district.slug, parsed.rows);
    this.invalidate();
    return ok({ imported: parsed.rows.length });
  }

  /** Whether the district has imported ranges (cached; see CACHE_TTL_MS). */
  async hasRanges(districtSlug: string): Promise<boolean> {
    return ((await this.stats()).counts.get(districtSlug) ?? 0) > 0;
  }

  /** How many ranges the district has, read now. */
  async count(districtSlug: string): Promise<number> {
    return this.repo.count(districtSlug);
  }

  /**
   * STU-3: the district (and, for a grade, the school) of residence of an address.
   * - The ranges of the address's ZIP and street whose numbers and side include its house number
   *   decide the district, whatever their grades; the ones whose grades include `grade` decide
   *   the school (null when none does, or when no grade is given).
   * - Ranges in two districts, or two schools for the grade: ambiguous.
   * - No range: a district with ranges that lists the ZIP → unmatched; else a district without
   *   ranges that lists it → resolved by ZIP (no school); else outside.
   */
  async resolve(address: AddressInput, grade: string | null): Promise<Residence> {
    const zip = /^\s*(\d{5})(?:-?\d{4})?\s*$/.exec(address.zip ?? '')?.[1];
    const parsed = parseAddress(address.line1 ?? '', address.line2);
    if (!zip || !parsed.ok) return { kind: 'unreadable' };
    const { number, street } = parsed.value;
    const stats = await this.stats();
    const hosted = (slug: string) => this.deps.districts.get(slug) !== undefined;

    const parity = number % 2 === 1 ? 'odd' : 'even';
    const fits = (rows: StoredRange[]) => rows.filter((r) => (r.side === 'both' || r.side === parity) && hosted(r.district_id));
    let matches = stats.counts.size === 0 ? [] : fits(await this.repo.matching(zip, street, number, stats.widest));
    if (!matches.length && stats.counts.size > 0) {
      // Nothing for the street as written: try it with the street type or the directional the
      // parent left out ("5100 N Figueroa", "5100 Figueroa St" for NORTH FIGUEROA STREET).
      const loose = looseStreetForms(street);
      const names = [...loose.withDirectional, ...(loose.prefix ? await this.repo.streetsStartingWith(zip, loose.prefix) : [])];
      matches = fits(await this.repo.matching(zip, names, number, stats.widest));
    }
    if (matches.length) {
      const districts = [...new Set(matches.map((r) => r.district_id))].sort();
      if (districts.length > 1) return { kind: 'ambiguous', districtSlugs: districts };
      const g = grade === null ? -1 : gradeIndex(grade.trim().toUpperCase());
      const schools = g < 0 ? [] : [...new Set(matches.filter((r) => r.grade_from <= g && g <= r.grade_to).map((r) => r.school_code))];
      if (schools.length > 1) return { kind: 'ambiguous', districtSlugs: districts };
      return { kind: 'resolved', districtSlug: districts[0], schoolCode: schools[0] ?? null, via: 'ranges' };
    }

    const listing = this.deps.districts.all.filter((d) => d.zipCodes.includes(zip));
    const ranged = listing.filter((d) => (stats.counts.get(d.slug) ?? 0) > 0);
    if (ranged.length) return { kind: 'unmatched', districtSlug: ranged[0].slug };
    if (listing.length > 1) return { kind: 'ambiguous', districtSlugs: listing.map((d) => d.slug).sort() };
    if (listing.length === 1) return { kind: 'resolved', districtSlug: listing[0].slug, schoolCode: null, via: 'zip' };
    return { kind: 'outside' };
  }
}

/** Forget the cached counts of a database (after ranges were written without an AddressService). */
export function forgetRangeStats(db: Db): void {
  statsByDb.delete(db);
}
