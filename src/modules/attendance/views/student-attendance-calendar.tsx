import type { PageContext } from '../../../platform/views/context.js';
import type { CalendarDay, CalendarKind, StudentAttendanceView } from '../student-attendance.js';

const LOCALES: Record<string, string> = { en: 'en-US', es: 'es-US' };
const KINDS: CalendarKind[] = ['present', 'tardy', 'partial', 'absent-excused', 'absent-unexcused', 'no-school', 'not-enrolled', 'future'];
/** Each kind's class written out whole (the stylesheet keeps the class names it finds in the source). */
const KIND_CLASS: Record<CalendarKind, string> = {
  present: 'app-att-day app-att-day--present',
  tardy: 'app-att-day app-att-day--tardy',
  partial: 'app-att-day app-att-day--partial',
  'absent-excused': 'app-att-day app-att-day--excused',
  'absent-unexcused': 'app-att-day app-att-day--unexcused',
  'no-school': 'app-att-day app-att-day--no-school',
  'not-enrolled': 'app-att-day app-att-day--not-enrolled',
  future: 'app-att-day app-att-day--future',
};
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri'] as const;

/** One day's cell: its day of the month, a short letter of its status (the whole word for screen readers), a link to its detail. */
function Cell({ ctx, day, dayHref }: { ctx: PageContext; day: CalendarDay | null; dayHref: (d: CalendarDay) => string }) {
  const { t } = ctx;
  if (!day) return <td class="app-att-day app-att-day--none" />;
  const n = Number(day.date.slice(8, 10));
  const short = t(`attendance-student.short.${day.kind}`);
  const full = t(`attendance-student.status.${day.kind}`);
  const inner = (
    <>
      <span class="app-att-day__n">{n}</span> <span aria-hidden="true" class="app-att-day__s">{short}</span>
      <span class="usa-sr-only">{ctx.i18n.date(day.date)}: {full}</span>
    </>
  );
  return (
    <td class={KIND_CLASS[day.kind]} title={full}>
      {day.detail ? <a class="usa-link" href={dayHref(day)}>{inner}</a> : inner}
    </td>
  );
}

/**
 * The school year's calendar: a table per month, a row per week, a cell per weekday with the
 * day's status as a letter (and its name for screen readers and as a title); days without
 * school greyed and marked "no school" in words. A day with marks links to its periods below.
 */
export function AttendanceCalendar({ ctx, view, dayHref }: { ctx: PageContext; view: StudentAttendanceView; dayHref: (d: CalendarDay) => string }) {
  const { t } = ctx;
  const monthName = new Intl.DateTimeFormat(LOCALES[ctx.lang] ?? 'en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' });
  return (
    <section aria-labelledby="att-calendar-heading">
      <h2 id="att-calendar-heading">{t('attendance-student.calendar.heading')}</h2>
      <p>{t('attendance-student.calendar.intro')}</p>
      <table class="usa-table usa-table--borderless usa-table--compact">
        <caption>{t('attendance-student.calendar.legend')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('attendance-student.calendar.letter')}</th>
            <th scope="col">{t('attendance-student.calendar.meaning')}</th>
          </tr>
        </thead>
        <tbody>
          {KINDS.map((k) => (
            <tr key={k}>
              <td class={KIND_CLASS[k]}>{t(`attendance-student.short.${k}`)}</td>
              <th scope="row">{t(`attendance-student.status.${k}`)}</th>
            </tr>
          ))}
        </tbody>
      </table>
      <div class="app-att-months">
        {view.months.map((m) => {
          const caption = monthName.format(new Date(`${m.month}-01T12:00:00Z`));
          return (
            <div class="app-att-month-box" key={m.month}>
              <table class="usa-table usa-table--compact app-att-month">
                <caption id={`att-month-${m.month}-caption`}>{caption}</caption>
                <thead>
                  <tr>
                    {WEEKDAYS.map((w) => (
                      <th scope="col" key={w}>
                        <abbr title={t(`attendance-student.weekday.${w}`)}>{t(`attendance-student.weekdayShort.${w}`)}</abbr>
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {m.weeks.map((week, i) => (
                    <tr key={i}>
                      {week.map((d, j) => (
                        <Cell ctx={ctx} day={d} dayHref={dayHref} key={j} />
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        })}
      </div>
    </section>
  );
}
