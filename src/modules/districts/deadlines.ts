import { addDays } from '../../platform/clock.js';

/**
 * DEC-3 (EC 46600.2): a request received 15 or fewer calendar days before the first day of
 * school of the year sought, or after it, is decided within 30 calendar days of receipt; one
 * received earlier is decided no later than 14 calendar days after the first day of school.
 */
export function decisionDueDate(receivedDate: string, firstDayOfSchool: string): string {
  const late = receivedDate >= addDays(firstDayOfSchool, -15);
  return late ? addDays(receivedDate, 30) : addDays(firstDayOfSchool, 14);
}

/** DEC-8: the last day to appeal to the county office, counted in calendar days. */
export function appealDeadline(finalDecisionDate: string, days = 30): string {
  return addDays(finalDecisionDate, days);
}
