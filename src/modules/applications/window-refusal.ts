import type { Deps } from '../../deps.js';
import { err, type Err } from '../../platform/result.js';
import { translator } from '../../platform/i18n/translator.js';
import type { DistrictConfig, PermitKind } from '../districts/config-schema.js';
import { windowPhase, windowsFor } from '../districts/windows.js';

/**
 * APP-2: a submission for a school year whose window is not open is refused with its dates,
 * opening and closing, written out in the form's language and in the tense of the day: a
 * window that opens later "opens on … and closes on …"; one that is over "was open from … to …".
 * A school year the district does not list gets the plain refusal.
 */
export function windowRefusal(deps: Pick<Deps, 'catalogs'>, district: DistrictConfig, kind: PermitKind, year: string, today: string, language: string): Err {
  const w = windowsFor(district, kind).find((y) => y.year === year);
  if (!w) return err('window-closed', 'applications.errors.schoolYearClosed', { field: 'school_year' });
  const date = translator(deps.catalogs, language).date;
  const upcoming = windowPhase(district, kind, w, today) === 'upcoming';
  return err('window-closed', upcoming ? 'applications.errors.windowNotYetOpen' : 'applications.errors.windowOver', {
    field: 'school_year',
    params: { year: w.year, opens: date(w.opens), closes: date(w.closes) },
  });
}
