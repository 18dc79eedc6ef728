import type { PageContext } from '../../../platform/views/context.js';
import { DataTable } from '../../../platform/views/data-table.js';
import type { TrendPoint } from '../chronic.js';
import { percent } from './chronic-format.js';

/** A narrow drawing, so that on a phone's width its labels stay readable (about 11 px at 340 px wide). */
const W = 480;
const H = 260;
const PAD = { left: 64, right: 16, top: 16, bottom: 44 };
const FONT = 15;
/** Colours with at least 3:1 against white (WCAG 1.4.11); the lines differ by dash and marker too, never by colour alone. */
const STATE = { stroke: '#005ea2', dash: undefined as string | undefined };
const DISTRICT = { stroke: '#b50909', dash: '6 4' };

const shortDates = new Map<string, Intl.DateTimeFormat>();
/** "Dec 7" / "7 dic": a day on the axis, in words, short. */
function shortDate(lang: string, date: string): string {
  let f = shortDates.get(lang);
  if (!f) shortDates.set(lang, (f = new Intl.DateTimeFormat(lang === 'es' ? 'es-US' : 'en-US', { month: 'short', day: 'numeric', timeZone: 'UTC' })));
  return f.format(new Date(`${date}T00:00:00Z`));
}

/**
 * ATT-4's trend: the share of the enrolled who are chronically absent, by the state's line and,
 * where the district has one, by its own, on each school day (or week) with a count. An inline
 * SVG drawn on the server (no script), named by its <title> and summed up by its <desc>, with
 * the same numbers in a table below it for those who do not see the chart.
 */
export function ChronicTrend({ ctx, points, byWeek, districtLine, idPrefix = 'chronic-trend' }: { ctx: PageContext; points: TrendPoint[]; byWeek: boolean; districtLine: boolean; idPrefix?: string }) {
  const { t } = ctx;
  if (points.length === 0) return <p>{t('attendance-chronic.trend.empty')}</p>;
  const pct = (bp: number) => percent(ctx.lang, bp);
  const top = Math.max(1000, ...points.map((p) => Math.max(p.stateBp, districtLine ? p.districtBp : 0)));
  // The scale's top: the next 5% above the highest share (at least 10%).
  const max = Math.ceil(top / 500) * 500;
  const x = (i: number) => PAD.left + (points.length === 1 ? (W - PAD.left - PAD.right) / 2 : (i * (W - PAD.left - PAD.right)) / (points.length - 1));
  const y = (bp: number) => PAD.top + (H - PAD.top - PAD.bottom) * (1 - bp / max);
  const path = (get: (p: TrendPoint) => number) => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(get(p)).toFixed(1)}`).join(' ');
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  const first = points[0];
  const last = points[points.length - 1];
  const desc = t(districtLine ? 'attendance-chronic.trend.descBoth' : 'attendance-chronic.trend.desc', {
    from: first.date,
    to: last.date,
    count: points.length,
    firstState: pct(first.stateBp),
    lastState: pct(last.stateBp),
    firstDistrict: pct(first.districtBp),
    lastDistrict: pct(last.districtBp),
  });
  const titleId = `${idPrefix}-title`;
  const descId = `${idPrefix}-desc`;
  return (
    <>
      <figure class="app-chart">
        <svg role="img" aria-labelledby={`${titleId} ${descId}`} viewBox={`0 0 ${W} ${H}`} width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
          <title id={titleId}>{t(byWeek ? 'attendance-chronic.trend.titleWeek' : 'attendance-chronic.trend.titleDay')}</title>
          <desc id={descId}>{desc}</desc>
          {ticks.map((v) => (
            <g key={v}>
              <line x1={PAD.left} x2={W - PAD.right} y1={y(v)} y2={y(v)} stroke="#71767a" stroke-width={v === 0 ? 1.5 : 0.5} />
              <text x={PAD.left - 6} y={y(v) + 5} text-anchor="end" font-size={FONT} fill="#1b1b1b">{pct(v)}</text>
            </g>
          ))}
          <text x={PAD.left} y={H - 14} text-anchor="start" font-size={FONT} fill="#1b1b1b">{shortDate(ctx.lang, first.date)}</text>
          {points.length > 1 ? <text x={W - PAD.right} y={H - 14} text-anchor="end" font-size={FONT} fill="#1b1b1b">{shortDate(ctx.lang, last.date)}</text> : null}
          <path d={path((p) => p.stateBp)} fill="none" stroke={STATE.stroke} stroke-width="2.5" />
          {points.map((p, i) => <circle key={`s${p.date}`} cx={x(i)} cy={y(p.stateBp)} r="3" fill={STATE.stroke} />)}
          {districtLine ? (
            <>
              <path d={path((p) => p.districtBp)} fill="none" stroke={DISTRICT.stroke} stroke-width="2.5" stroke-dasharray={DISTRICT.dash} />
              {points.map((p, i) => <rect key={`d${p.date}`} x={x(i) - 3} y={y(p.districtBp) - 3} width="6" height="6" fill={DISTRICT.stroke} />)}
            </>
          ) : null}
        </svg>
        <figcaption>
          <ul class="usa-list usa-list--unstyled app-chart-legend">
            <li>
              <svg aria-hidden="true" focusable="false" width="36" height="12" viewBox="0 0 36 12"><line x1="0" x2="36" y1="6" y2="6" stroke={STATE.stroke} stroke-width="2.5" /><circle cx="18" cy="6" r="3" fill={STATE.stroke} /></svg>{' '}
              {t('attendance-chronic.trend.legendState')}
            </li>
            {districtLine ? (
              <li>
                <svg aria-hidden="true" focusable="false" width="36" height="12" viewBox="0 0 36 12"><line x1="0" x2="36" y1="6" y2="6" stroke={DISTRICT.stroke} stroke-width="2.5" stroke-dasharray={DISTRICT.dash} /><rect x="15" y="3" width="6" height="6" fill={DISTRICT.stroke} /></svg>{' '}
                {t('attendance-chronic.trend.legendDistrict')}
              </li>
            ) : null}
          </ul>
        </figcaption>
      </figure>
      <details>
        <summary>{t('attendance-chronic.trend.tableOpen')}</summary>
        <DataTable
          id={`${idPrefix}-table`}
          caption={t(byWeek ? 'attendance-chronic.trend.captionWeek' : 'attendance-chronic.trend.captionDay')}
          variants={['striped', 'compact']}
          rows={points}
          rowKey={(p) => p.date}
          columns={[
            { header: t(byWeek ? 'attendance-chronic.trend.week' : 'attendance-chronic.trend.day'), rowHeader: true, cell: (p) => <time dateTime={p.date} class="app-nowrap">{ctx.i18n.date(p.date)}</time> },
            { header: t('attendance-chronic.trend.enrolled'), cell: (p) => String(p.enrolled) },
            { header: t('attendance-chronic.trend.state'), cell: (p) => pct(p.stateBp) },
            districtLine ? { header: t('attendance-chronic.trend.district'), cell: (p) => pct(p.districtBp) } : false,
            { header: t('attendance-chronic.trend.atRisk'), cell: (p) => pct(p.atRiskBp) },
            { header: t('attendance-chronic.trend.rate'), cell: (p) => pct(p.rateBp) },
          ]}
        />
      </details>
    </>
  );
}
