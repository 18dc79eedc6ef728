import type { DistrictConfig, PermitKind } from './config-schema.js';

export interface SchoolYearWindow {
  year: string;
  firstDay: string;
  lastDay: string;
  opens: string; // YYYY-MM-DD
  closes: string; // YYYY-MM-DD, last day requests are taken (inclusive)
}

/**
 * APP-2: when requests of a kind are taken for each school year. A school year Y–(Y+1)
 * opens on the window's month-day in calendar year Y, and closes on its `closes` month-day
 * of year Y, or, without one, on the school year's last day.
 */
export function windowsFor(district: DistrictConfig, kind: PermitKind): SchoolYearWindow[] {
  const w = district.windows[kind];
  if (!w) return [];
  return district.schoolYears.map((y) => {
    const startYear = y.year.slice(0, 4);
    return {
      year: y.year,
      firstDay: y.firstDay,
      lastDay: y.lastDay,
      opens: `${startYear}-${w.opens}`,
      closes: w.closes ? `${startYear}-${w.closes}` : y.lastDay,
    };
  });
}

/** School years open for new requests of a kind on a date (YYYY-MM-DD in the district's zone). */
export function openSchoolYears(district: DistrictConfig, kind: PermitKind, today: string, reasonCode?: string): SchoolYearWindow[] {
  const late = district.windows[kind]?.lateReasons ?? [];
  return windowsFor(district, kind).filter((w) => {
    if (today < w.opens || today > w.lastDay) return false;
    if (today <= w.closes) return true;
    // DEC-17: after the window closes, some reasons are still taken until the year ends.
    return reasonCode !== undefined && late.includes(reasonCode);
  });
}

/** The next window to open after a date, to tell a parent when to come back. */
export function nextOpening(district: DistrictConfig, kind: PermitKind, today: string): SchoolYearWindow | undefined {
  return windowsFor(district, kind)
    .filter((w) => w.opens > today)
    .sort((a, b) => a.opens.localeCompare(b.opens))[0];
}

/**
 * Where a school year's window stands on a date, so a page speaks of it in the right tense:
 * - `upcoming`: it opens later ("open on …");
 * - `open`: requests are taken now ("open until …");
 * - `late`: it closed, but the district's late reasons are still taken until the school year's
 *   last day (DEC-17) ("closed on …; only these reasons …");
 * - `over`: nothing more is taken for that year ("were taken from … to …").
 */
export type WindowPhase = 'upcoming' | 'open' | 'late' | 'over';

export function windowPhase(district: DistrictConfig, kind: PermitKind, w: SchoolYearWindow, today: string): WindowPhase {
  if (today < w.opens) return 'upcoming';
  if (today <= w.closes) return 'open';
  if (today <= w.lastDay && (district.windows[kind]?.lateReasons ?? []).length > 0) return 'late';
  return 'over';
}

/** Every window of a kind with its phase on a date, in the order the school years come. */
export function windowPhases(district: DistrictConfig, kind: PermitKind, today: string): { window: SchoolYearWindow; phase: WindowPhase }[] {
  return windowsFor(district, kind)
    .slice()
    .sort((a, b) => a.opens.localeCompare(b.opens))
    .map((window) => ({ window, phase: windowPhase(district, kind, window, today) }));
}
