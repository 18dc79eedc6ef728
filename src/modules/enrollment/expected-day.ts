import type { DistrictConfig } from '../districts/config-schema.js';
import { addSchoolDays, firstSchoolDayFrom } from '../permit-life/calendar.js';

/**
 * WDR-3: the first instructional day a pre-enrolled student is expected in the seat — the year's
 * first school day, or in a year already under way the next school day after `today`; none once
 * the year is over. An approved permit's pre-enrollment and one made at the counter both carry
 * it, so the evening's no-show step looks at every pre-enrollment.
 */
export function expectedFirstDay(district: DistrictConfig, year: DistrictConfig['schoolYears'][number], today: string): string | null {
  if (today < year.firstDay) return firstSchoolDayFrom(district, year.firstDay) ?? year.firstDay;
  const next = addSchoolDays(district, today, 1);
  return next && next <= year.lastDay ? next : null;
}
