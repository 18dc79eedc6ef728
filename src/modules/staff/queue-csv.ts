import type { SessionStaff } from '../../platform/http/sessions.js';
import { inLanguage, type T } from '../../platform/i18n/translator.js';
import { formatConfirmationNumber } from '../applications/confirmation-number.js';
import type { DistrictConfig } from '../districts/config-schema.js';
import type { QueueFilter, QueueRow, QueueService } from './queue.js';

/** Rows read per query: large enough to be quick, small enough to keep each query short. */
export const CSV_BATCH = 500;

/**
 * A cell a spreadsheet will not run: names and student IDs are typed by families and staff, and
 * Excel or Sheets treat a leading = + - @ (or a tab or carriage return, OWASP) as a formula.
 */
export function neutralize(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

/** RFC 4180: quote a field holding a comma, a quote or a line break, doubling its quotes. */
export function csvField(value: string): string {
  const safe = neutralize(value);
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(values: string[]): string {
  return `${values.map(csvField).join(',')}\r\n`;
}

/** "2026-11-22 10:00" in the district's zone: what the office reads, and what spreadsheets parse. */
function localDateTime(iso: string, timeZone: string): string {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  return `${parts.year}-${parts.month}-${parts.day} ${parts.hour}:${parts.minute}`;
}

const COLUMNS = ['confirmation', 'receivedAt', 'decisionDueOn', 'status', 'kind', 'priority', 'lastName', 'firstName', 'dateOfBirth', 'studentId', 'grade', 'reason', 'school'] as const;

function cells(r: QueueRow, district: DistrictConfig, t: T, lang: string): string[] {
  const found = district.reasons.find((x) => x.code === r.reason_code);
  const reason = found ? inLanguage(found.label, lang) : r.reason_code;
  const school = r.requested_school_id ? (district.schools.find((s) => `${district.slug}:${s.code}` === r.requested_school_id)?.name ?? r.requested_school_id) : '';
  return [
    formatConfirmationNumber(r.confirmation_number),
    localDateTime(r.received_at, district.timeZone),
    r.decision_due_on ?? '',
    t(`applications.status.${r.status}`),
    t(`applications.kinds.${r.kind}`),
    t(r.priority ? 'queue.csv.yes' : 'queue.csv.no'),
    r.student_last_name,
    r.student_first_name,
    r.student_date_of_birth,
    r.student_number ?? '',
    r.grade_requested,
    reason,
    school,
  ];
}

/**
 * Every request the queue shows for `filter` (not one page): the same service, so the same
 * district and school scope (PRV-1), walked by key in batches. Built whole before it is sent
 * so the audit entry, with its row count, is written before any student data leaves.
 */
export async function queueCsv(queue: QueueService, staff: SessionStaff, filter: QueueFilter, district: DistrictConfig, t: T, lang = 'en'): Promise<{ body: string; rows: number; filename: string }> {
  const lines = [csvLine(COLUMNS.map((c) => t(`queue.csv.${c}`)))];
  let after: string | undefined;
  let today = '';
  let rows = 0;
  do {
    const page = await queue.page(staff, { ...filter, after }, CSV_BATCH);
    for (const r of page.rows) lines.push(csvLine(cells(r, district, t, lang)));
    rows += page.rows.length;
    today = page.today;
    after = page.next ?? undefined;
  } while (after);
  return { body: lines.join(''), rows, filename: `requests-${district.slug}-${today}.csv` };
}
