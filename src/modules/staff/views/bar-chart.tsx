/**
 * A horizontal bar chart drawn on the server as SVG: no JavaScript, no chart library, no
 * inline styles (the CSP forbids them; SVG presentation attributes are not styles).
 * It is for sighted readers: the same numbers always stand in a table next to it.
 */

/** USWDS colours, each at least 4.5:1 on white: bars and labels pass WCAG AA (1.4.3 and 1.4.11). */
export const CHART_COLORS = {
  primary: '#005ea2', // primary
  error: '#b50909', // error-dark
  success: '#216e1f', // success-darker
  text: '#1b1b1b', // base-darkest
  axis: '#71767a', // base
} as const;

export type BarTone = 'primary' | 'error' | 'success';

export interface Bar {
  label: string;
  value: number;
  tone?: BarTone;
}

export interface BarChartProps {
  /** Unique on the page: the ids of the title and description derive from it. */
  id: string;
  title: string;
  desc: string;
  bars: Bar[];
  /** How a value is written at the end of its bar (default: the number). */
  format?: (n: number) => string;
}

const WIDTH = 640;
const ROW = 46; // a label line, then its bar
const LABEL_SIZE = 15;
const BAR_HEIGHT = 18;
const VALUE_ROOM = 72; // space right of the longest bar for its value label
const PAD = 4;

export function BarChart({ id, title, desc, bars, format = (n) => String(n) }: BarChartProps) {
  const max = Math.max(0, ...bars.map((b) => b.value));
  const room = WIDTH - VALUE_ROOM - PAD;
  const height = Math.max(1, bars.length) * ROW + PAD * 2;
  const titleId = `${id}-title`;
  const descId = `${id}-desc`;
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      role="img"
      aria-labelledby={`${titleId} ${descId}`}
      viewBox={`0 0 ${WIDTH} ${height}`}
      width="100%"
      preserveAspectRatio="xMinYMin meet"
      class="app-bar-chart"
      id={id}
      focusable="false"
    >
      <title id={titleId}>{title}</title>
      <desc id={descId}>{desc}</desc>
      {bars.map((b, i) => {
        const top = PAD + i * ROW;
        const w = max > 0 ? Math.round((b.value / max) * room) : 0;
        const barTop = top + LABEL_SIZE + 6;
        return (
          <g key={`${i}-${b.label}`}>
            <text x={PAD} y={top + LABEL_SIZE} fill={CHART_COLORS.text} font-size={LABEL_SIZE} font-family="Source Sans Pro, Helvetica, Arial, sans-serif">
              {b.label}
            </text>
            {w > 0 ? <rect x={PAD} y={barTop} width={w} height={BAR_HEIGHT} fill={CHART_COLORS[b.tone ?? 'primary']} /> : null}
            <text
              x={PAD + w + 6}
              y={barTop + BAR_HEIGHT - 4}
              fill={CHART_COLORS.text}
              font-size={LABEL_SIZE}
              font-weight="bold"
              font-family="Source Sans Pro, Helvetica, Arial, sans-serif"
            >
              {format(b.value)}
            </text>
          </g>
        );
      })}
      {/* The baseline every bar starts from. */}
      <line x1={PAD} y1={PAD} x2={PAD} y2={height - PAD} stroke={CHART_COLORS.axis} stroke-width={1} />
    </svg>
  );
}
