/** The clock is injected so tests can move time. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };

export function fixedClock(start: Date | string): Clock & { set(d: Date | string): void; advance(ms: number): void } {
  let t = new Date(start).getTime();
  return {
    now: () => new Date(t),
    set: (d) => {
      t = new Date(d).getTime();
    },
    advance: (ms) => {
      t += ms;
    },
  };
}

/** Calendar date (YYYY-MM-DD) of an instant in a district's time zone. */
const dayFormats = new Map<string, Intl.DateTimeFormat>();
export function localDate(at: Date, timeZone = 'America/Los_Angeles'): string {
  let f = dayFormats.get(timeZone);
  if (!f) dayFormats.set(timeZone, (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })));
  return f.format(at); // en-CA formats as YYYY-MM-DD
}

export function addDays(isoDate: string, days: number): string {
  const d = new Date(`${isoDate}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * A clock for training and trying (docs/operations.md, "Training clock"): it starts at `start`
 * when built and moves forward from there, `speed` times as fast as real time.
 */
export function trainingClock(start: Date, speed = 1, real: Clock = systemClock): Clock & { training: true } {
  const origin = real.now().getTime();
  return { training: true, now: () => new Date(start.getTime() + (real.now().getTime() - origin) * speed) };
}

/**
 * An instant as an operator writes it: with a zone (`Z`, `+01:00`) as given; without one
 * (`2027-02-01T08:00`, `2027-02-01`) as a wall-clock time in `timeZone`. Null when unreadable.
 */
export function parseLocalInstant(text: string, timeZone = 'America/Los_Angeles'): Date | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h = '00', mi = '00', s = '00', zone] = m;
  if (zone) {
    const at = new Date(`${y}-${mo}-${d}T${h}:${mi}:${s}${zone}`);
    return Number.isNaN(at.getTime()) ? null : at;
  }
  const wall = Date.UTC(+y, +mo - 1, +d, +h, +mi, +s);
  if (Number.isNaN(wall) || new Date(wall).getUTCDate() !== +d) return null;
  // The zone's offset at that wall time (twice, for the hours around a change of offset).
  const offset = (at: number) => {
    const p = Object.fromEntries(
      new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
        .formatToParts(new Date(at))
        .map((x) => [x.type, x.value]),
    );
    return Date.UTC(+p.year, +p.month - 1, +p.day, +p.hour, +p.minute, +p.second) - at;
  };
  let at = wall - offset(wall);
  at = wall - offset(at);
  return new Date(at);
}
