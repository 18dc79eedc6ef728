import { Layout } from '../../../platform/views/layout.js';
import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import { FilterSelect } from '../../../platform/views/filter-select.js';
import { inLanguage } from '../../../platform/i18n/translator.js';
import type { Localized } from '../../districts/config-schema.js';
import type { CalendarDay, CalendarKind, ChangeRow, DayDetail, StudentAttendanceView } from '../student-attendance.js';
import { AttendanceCalendar } from './student-attendance-calendar.js';

const LOCALES: Record<string, string> = { en: 'en-US', es: 'es-US' };
export const localeOf = (ctx: PageContext): string => LOCALES[ctx.lang] ?? 'en-US';

/** A fraction written as a percentage with one decimal, in the reader's language ("90.6%", "90,6 %"). */
export const percent = (ctx: PageContext, fraction: number): string =>
  new Intl.NumberFormat(localeOf(ctx), { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(fraction);

const enc = encodeURIComponent;

/** Where the page lives for its reader: the staff's or the parent's address. */
export const pageHref = (view: Pick<StudentAttendanceView, 'audience' | 'student'>): string =>
  view.audience === 'staff' ? `/staff/attendance/students/${enc(view.student.id)}` : `/students/${enc(view.student.id)}/attendance`;

const dayAnchor = (date: string) => `day-${date}`;

function label(ctx: PageContext, l: Localized | null, code: string | null): string {
  if (l) return inLanguage(l, ctx.lang);
  return code ?? ctx.t('attendance-student.present');
}

/** A mark with its minutes when it has them ("Tardy (10 minutes)"). */
function markText(ctx: PageContext, l: Localized | null, code: string | null, minutes: number | null): string {
  const base = label(ctx, l, code);
  return minutes !== null && minutes !== undefined ? ctx.t('attendance-student.withMinutes', { mark: base, count: minutes }) : base;
}

/** The year and school pickers (a GET form), shown when the student has more than one of either. */
function Pickers({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t } = ctx;
  if (view.years.length < 2 && view.schools.length < 2) return null;
  return (
    <form method="get" action={pageHref(view)} class="usa-form app-filters" aria-label={t('attendance-student.pickers.label')}>
      {view.years.length > 1 ? <FilterSelect id="pick-year" name="year" label={t('attendance-student.pickers.year')} value={view.year} options={view.years.map((y) => [y, y])} /> : null}
      {view.schools.length > 1 ? <FilterSelect id="pick-school" name="school" label={t('attendance-student.pickers.school')} value={view.schoolId} options={view.schools.map((s) => [s.id, s.name])} /> : null}
      <button type="submit" class="usa-button usa-button--outline">{t('attendance-student.pickers.show')}</button>
    </form>
  );
}

/** ATT-4: days enrolled, days absent and both rates with their flags (in words, never colour alone). */
function Rates({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t } = ctx;
  const r = view.rates;
  return (
    <section aria-labelledby="att-rates-heading">
      <h2 id="att-rates-heading">{t('attendance-student.rates.heading')}</h2>
      {r ? (
        <dl class="app-summary">
          <dt>{t('attendance-student.rates.enrolled')}</dt>
          <dd>{t('attendance-student.rates.days', { count: r.enrolled })}</dd>
          <dt>{t('attendance-student.rates.absent')}</dt>
          <dd>{t('attendance-student.rates.days', { count: r.absent })}</dd>
          <dt>{t('attendance-student.rates.absenceRate')}</dt>
          <dd>
            {percent(ctx, r.absenceRate)}{' '}
            {r.stateChronic ? <strong class="usa-tag app-tag--overdue">{t('attendance-student.rates.chronicState')}</strong> : r.atRisk ? <strong class="usa-tag app-tag--due-soon">{t('attendance-student.rates.atRisk')}</strong> : null}
            <div class="usa-hint">{t('attendance-student.rates.stateLine')}</div>
          </dd>
          <dt>{t('attendance-student.rates.attendanceRate')}</dt>
          <dd>
            {percent(ctx, r.attendanceRate)}{' '}
            {r.districtChronic ? <strong class="usa-tag app-tag--overdue">{t('attendance-student.rates.chronicDistrict')}</strong> : null}
            {r.districtLine !== null ? <div class="usa-hint">{t('attendance-student.rates.districtLine', { line: r.districtLine })}</div> : null}
          </dd>
        </dl>
      ) : (
        <p>{t('attendance-student.rates.none')}</p>
      )}
    </section>
  );
}

/** Days by what they count as (attendance_totals) and marks by Ed-Fi category. */
function Totals({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t } = ctx;
  const tt = view.totals;
  const dayRows: [string, number][] = [
    [t('attendance-student.totals.absent'), tt.days_absent],
    [t('attendance-student.totals.excused'), tt.days_excused],
    [t('attendance-student.totals.unexcused'), tt.days_absent - tt.days_excused],
    [t('attendance-student.totals.partial'), tt.partial_days],
    [t('attendance-student.totals.tardy'), tt.tardies],
    [t('attendance-student.totals.truant'), tt.truant_days],
    [t('attendance-student.totals.unexplained'), tt.unexplained_days],
  ];
  return (
    <section aria-labelledby="att-totals-heading">
      <h2 id="att-totals-heading">{t('attendance-student.totals.heading')}</h2>
      <DataTable
        caption={t('attendance-student.totals.daysCaption', { year: view.year })}
        variants={['borderless']}
        rows={dayRows}
        rowKey={(r) => r[0]}
        columns={[
          { header: t('attendance-student.totals.what'), rowHeader: true, cell: (r) => r[0] },
          { header: t('attendance-student.totals.days'), cell: (r) => r[1] },
        ]}
      />
      <DataTable
        caption={t(view.mode === 'period' ? 'attendance-student.totals.marksCaptionPeriod' : 'attendance-student.totals.marksCaptionDaily', { year: view.year })}
        variants={['borderless']}
        rows={view.categories.filter((c) => c.category !== 'present')}
        rowKey={(r) => r.category}
        columns={[
          { header: t('attendance-student.totals.category'), rowHeader: true, cell: (r) => t(`attendance-student.category.${r.category}`) },
          { header: t('attendance-student.totals.marks'), cell: (r) => r.marks },
        ]}
      />
    </section>
  );
}

/** Each day with a mark: its periods (the sections the student was in), each with its mark. */
function Days({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const changeHref = (d: DayDetail, sectionId: string) => `/staff/attendance/students/${enc(view.student.id)}/marks/${enc(sectionId)}/${enc(d.date)}`;
  return (
    <section aria-labelledby="att-days-heading">
      <h2 id="att-days-heading">{t('attendance-student.days.heading')}</h2>
      {view.days.length === 0 ? <p>{t('attendance-student.days.none')}</p> : null}
      {view.days.map((d) => (
        <div id={dayAnchor(d.date)} key={d.date}>
          <DataTable
            caption={t('attendance-student.days.caption', { date: i18n.date(d.date), status: t(`attendance-student.status.${d.status}`) })}
            variants={['stacked', 'borderless']}
            rows={d.periods}
            rowKey={(p) => p.sectionId}
            columns={[
              { header: t('attendance-student.days.period'), rowHeader: true, cell: (p) => p.periodLabel },
              { header: t('attendance-student.days.section'), cell: (p) => p.section },
              { header: t('attendance-student.days.mark'), cell: (p) => (p.code ? markText(ctx, p.codeLabel, p.code, p.minutes) : t(p.taken ? 'attendance-student.present' : 'attendance-student.days.notTaken')) },
              view.audience === 'staff' && view.canKeep && {
                header: t('attendance-student.days.action'),
                cell: (p) => (
                  <a class="usa-link" href={changeHref(d, p.sectionId)}>
                    {t('attendance-student.days.change')}
                    <span class="usa-sr-only"> ({p.periodLabel}, {i18n.date(d.date)})</span>
                  </a>
                ),
              },
            ]}
          />
        </div>
      ))}
    </section>
  );
}

function byText(ctx: PageContext, c: ChangeRow): string {
  const { t } = ctx;
  if (c.by.kind === 'explanation') return t('attendance-student.changes.byExplanation');
  if (c.by.kind === 'unknown') return t('attendance-student.changes.bySchool');
  if (c.by.name) return c.by.name;
  return t(c.by.role === 'teacher' ? 'attendance-student.changes.byTeacher' : 'attendance-student.changes.byOffice');
}

/** ATT-7: every change of a mark, the mark before it beside the one after, who, when and, for staff, why and on what paper. */
function Changes({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const staff = view.audience === 'staff';
  return (
    <section aria-labelledby="att-changes-heading">
      <h2 id="att-changes-heading">{t('attendance-student.changes.heading')}</h2>
      {view.changes.length === 0 ? (
        <p>{t('attendance-student.changes.none')}</p>
      ) : (
        <DataTable
          id="att-changes"
          caption={t('attendance-student.changes.caption', { year: view.year })}
          variants={['stacked']}
          rows={view.changes}
          rowKey={(c) => c.id}
          columns={[
            { header: t('attendance-student.changes.day'), rowHeader: true, cell: (c) => <span class="app-nowrap">{i18n.date(c.date)}</span> },
            { header: t('attendance-student.changes.period'), cell: (c) => c.section || c.period },
            { header: t('attendance-student.changes.from'), cell: (c) => markText(ctx, c.fromLabel, c.fromCode, c.fromMinutes) },
            { header: t('attendance-student.changes.to'), cell: (c) => markText(ctx, c.toLabel, c.toCode, c.toMinutes) },
            { header: t('attendance-student.changes.by'), cell: (c) => byText(ctx, c) },
            { header: t('attendance-student.changes.when'), cell: (c) => i18n.dateTime(c.at) },
            staff && { header: t('attendance-student.changes.reason'), cell: (c) => c.reason },
            staff && { header: t('attendance-student.changes.paper'), cell: (c) => c.paperRecord ?? t('attendance-student.changes.noPaper') },
          ]}
        />
      )}
    </section>
  );
}

/** ATT-5: the truancy notifications (the parent: those sent, each letter to download). */
function Notices({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const staff = view.audience === 'staff';
  const letterHref = (id: string) => (staff ? `/staff/attendance/truancy/${enc(id)}/letter.pdf` : `/students/${enc(view.student.id)}/attendance/letters/${enc(id)}.pdf`);
  return (
    <section aria-labelledby="att-notices-heading">
      <h2 id="att-notices-heading">{t('attendance-student.notices.heading')}</h2>
      {view.notices.length === 0 ? (
        <p>{t('attendance-student.notices.none')}</p>
      ) : (
        <DataTable
          caption={t('attendance-student.notices.caption', { year: view.year })}
          variants={['stacked']}
          rows={view.notices}
          rowKey={(n) => n.id}
          columns={[
            { header: t('attendance-student.notices.number'), rowHeader: true, cell: (n) => t('attendance-student.notices.nth', { number: n.number }) },
            staff && { header: t('attendance-student.notices.status'), cell: (n) => t(`attendance-student.notices.${n.status === 'sent' ? 'sent' : 'proposed'}`) },
            { header: t('attendance-student.notices.truantDays'), cell: (n) => n.truant_days },
            { header: t('attendance-student.notices.sentAt'), cell: (n) => (n.sent_at ? i18n.dateTime(n.sent_at) : t('attendance-student.notices.notSent')) },
            staff && { header: t('attendance-student.notices.sentBy'), cell: (n) => n.sentByName ?? (n.sent_at ? t('attendance-student.notices.automatic') : '') },
            { header: t('attendance-student.notices.letter'), cell: (n) => (n.status === 'sent' ? <a class="usa-link" href={letterHref(n.id)}>{t('attendance-student.notices.download', { number: n.number })}</a> : '') },
          ]}
        />
      )}
    </section>
  );
}

/** ATT-2: the explanations given and the school's answer. */
function Explanations({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const staff = view.audience === 'staff';
  const span = (from: string, to: string) => (from === to ? i18n.date(from) : t('attendance-student.explanations.span', { from: i18n.date(from), to: i18n.date(to) }));
  return (
    <section aria-labelledby="att-explanations-heading">
      <h2 id="att-explanations-heading">{t('attendance-student.explanations.heading')}</h2>
      {staff && view.canKeep ? (
        <p>
          <a class="usa-link" href={`/staff/attendance/students/${enc(view.student.id)}/explanations/new`}>{t('attendance-student.links.explanation')}</a>
        </p>
      ) : null}
      {!staff ? (
        <p>
          <a class="usa-link" href={`/students/${enc(view.student.id)}/attendance/explain`}>{t('attendance-student.links.explain', { name: view.student.firstName })}</a>
        </p>
      ) : null}
      {view.explanations.length === 0 ? (
        <p>{t('attendance-student.explanations.none')}</p>
      ) : (
        <DataTable
          caption={t('attendance-student.explanations.caption', { year: view.year })}
          variants={['stacked']}
          rows={view.explanations}
          rowKey={(e) => e.id}
          columns={[
            { header: t('attendance-student.explanations.days'), rowHeader: true, cell: (e) => <>{span(e.from_date, e.to_date)} ({t(`attendance-student.explanations.part.${e.part === 'part' ? 'part' : 'whole'}`)})</> },
            { header: t('attendance-student.explanations.reason'), cell: (e) => (e.reasonLabel ? inLanguage(e.reasonLabel, ctx.lang) : t('attendance-student.explanations.other')) },
            { header: t('attendance-student.explanations.given'), cell: (e) => <>{t(`attendance-student.explanations.channel.${e.channel}`)}, {i18n.dateTime(e.created_at)}</> },
            staff && {
              header: t('attendance-student.explanations.note'),
              cell: (e) =>
                e.removed_at ? (
                  t('attendance-student.explanations.removed')
                ) : (
                  <>
                    {e.note}
                    {e.document_key ? (
                      <div>
                        <a class="usa-link" href={`/staff/attendance/explanations/${enc(e.id)}/document`}>{t('attendance-student.explanations.photo')}</a>
                      </div>
                    ) : null}
                  </>
                ),
            },
            {
              header: t('attendance-student.explanations.status'),
              cell: (e) => (
                <>
                  {t(`attendance-student.explanations.status.${e.status}`)}
                  {e.status === 'accepted' && e.codeLabel ? <> — {inLanguage(e.codeLabel, ctx.lang)}</> : null}
                  {e.status === 'refused' && e.refusal ? <div>{t('attendance-student.explanations.refusal', { reason: e.refusal })}</div> : null}
                  {staff && e.decidedByName ? <div class="usa-hint">{t('attendance-student.explanations.decidedBy', { name: e.decidedByName })}</div> : null}
                </>
              ),
            },
            staff && view.canKeep && {
              header: t('attendance-student.explanations.open'),
              cell: (e) => (e.status === 'pending' ? <a class="usa-link" href={`/staff/attendance/explanations/${enc(e.id)}`}>{t('attendance-student.explanations.decide')}</a> : ''),
            },
          ]}
        />
      )}
    </section>
  );
}

/** ATT-5: conferences, SART, Resource Panel and SARB (the parent: the kind and the date). */
function Referrals({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const staff = view.audience === 'staff';
  return (
    <section aria-labelledby="att-referrals-heading">
      <h2 id="att-referrals-heading">{t('attendance-student.referrals.heading')}</h2>
      {staff && view.canKeep ? (
        <p>
          <a class="usa-link" href={`/staff/attendance/students/${enc(view.student.id)}/referrals`}>{t('attendance-student.links.referrals')}</a>
        </p>
      ) : null}
      {view.referrals.length === 0 ? (
        <p>{t('attendance-student.referrals.none')}</p>
      ) : (
        <DataTable
          caption={t('attendance-student.referrals.caption', { year: view.year })}
          variants={['stacked']}
          rows={view.referrals}
          rowKey={(r) => r.id}
          columns={[
            { header: t('attendance-student.referrals.kind'), rowHeader: true, cell: (r) => t(`attendance-student.referrals.kinds.${r.kind}`) },
            { header: t('attendance-student.referrals.heldOn'), cell: (r) => i18n.date(r.held_on) },
            staff && { header: t('attendance-student.referrals.participants'), cell: (r) => r.participants },
            staff && { header: t('attendance-student.referrals.outcome'), cell: (r) => r.outcome },
          ]}
        />
      )}
    </section>
  );
}

/** The student's attendance page, for the office, a teacher or a district administrator, and for the parent in their language. */
export function StudentAttendancePage({ ctx, view }: { ctx: PageContext; view: StudentAttendanceView }) {
  const { t, i18n } = ctx;
  const staff = view.audience === 'staff';
  const name = `${view.student.firstName} ${view.student.lastName}`;
  const title = t('attendance-student.title', { name });
  return (
    <Layout ctx={ctx} title={title}>
      <p>
        {staff ? (
          <a class="usa-link" href={`/staff/roll/students/${enc(view.student.id)}`}>{t('attendance-student.backToRoll', { name })}</a>
        ) : (
          <a class="usa-link" href={`/students/${enc(view.student.id)}`}>{t('attendance-student.backToStudent', { name: view.student.firstName })}</a>
        )}
      </p>
      <h1>{title}</h1>
      <p>
        {t('attendance-student.intro', { school: view.schoolName, year: view.year })}{' '}
        {view.enrolledFrom ? t('attendance-student.enrolledFrom', { date: i18n.date(view.enrolledFrom) }) : null}{' '}
        {view.enrolledTo ? t('attendance-student.enrolledTo', { date: i18n.date(view.enrolledTo) }) : null}
      </p>
      <Pickers ctx={ctx} view={view} />
      {staff && view.canKeep ? (
        <ul class="usa-list" aria-label={t('attendance-student.links.label')}>
          <li><a class="usa-link" href={`/staff/attendance/students/${enc(view.student.id)}/explanations/new`}>{t('attendance-student.links.explanation')}</a></li>
          <li><a class="usa-link" href={`/staff/attendance/students/${enc(view.student.id)}/limit`}>{t('attendance-student.links.limit')}</a></li>
          <li><a class="usa-link" href={`/staff/attendance/students/${enc(view.student.id)}/referrals`}>{t('attendance-student.links.referrals')}</a></li>
        </ul>
      ) : null}
      <Rates ctx={ctx} view={view} />
      <Totals ctx={ctx} view={view} />
      <AttendanceCalendar ctx={ctx} view={view} dayHref={(d: CalendarDay) => `#${dayAnchor(d.date)}`} />
      <Days ctx={ctx} view={view} />
      <Notices ctx={ctx} view={view} />
      <Explanations ctx={ctx} view={view} />
      <Referrals ctx={ctx} view={view} />
      <Changes ctx={ctx} view={view} />
    </Layout>
  );
}

export type { CalendarKind };
