import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { parseLocalInstant, trainingClock, fixedClock } from '../src/platform/clock.js';
import { makeTestApp } from './support/app.js';

describe('Training clock (issue 12)', () => {
  it('reads a time without zone in district time, and moves forward from it at its speed', () => {
    expect(parseLocalInstant('2027-02-01T08:00')!.toISOString()).toBe('2027-02-01T16:00:00.000Z');
    expect(parseLocalInstant('2027-07-01T08:00')!.toISOString()).toBe('2027-07-01T15:00:00.000Z');
    const real = fixedClock('2026-12-02T00:00:00Z');
    const c = trainingClock(new Date('2027-02-01T16:00:00Z'), 60, real);
    real.advance(60_000);
    expect(c.now().toISOString()).toBe('2027-02-01T17:00:00.000Z');
  });
  it('is refused in production with a clear message', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', CLOCK_START: '2027-02-01T08:00' } as NodeJS.ProcessEnv)).toThrow(/refused in production/);
  });
  it('every page shows the banner with the setting, and not without', async () => {
    const t = await makeTestApp({ env: { CLOCK_START: '2027-02-01T08:00' } });
    const en = await t.app.inject({ url: '/' });
    expect(en.body).toContain('Training clock: this system believes it is Monday, February 1, 2027, 8:00 AM. Dates and deadlines follow this clock.');
    await t.close();
    const plain = await makeTestApp();
    expect((await plain.app.inject({ url: '/' })).body).not.toContain('Training clock');
    await plain.close();
  });
});
