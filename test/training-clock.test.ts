import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { wire } from '../src/wire.js';
import { buildApp } from '../src/app.js';
import { backgroundRunner } from '../src/modules/index.js';
import { parseLocalInstant, trainingClock, fixedClock } from '../src/platform/clock.js';
import { databases, makeTestApp, openTestDatabase, type TestApp } from './support/app.js';
import { request } from './support/staff.js';
import { textOf } from './support/client.js';

const D = 'lausd-sample';
const settings = (dataDir: string, env: Record<string, string>) =>
  ({ NODE_ENV: 'test', DATA_DIR: dataDir, DISTRICTS_DIR: path.resolve('config/districts'), LOG_LEVEL: 'silent', ...env }) as NodeJS.ProcessEnv;

/**
 * The app wired as src/server.ts and the CLI wire it: `wire(config)` with no clock handed in, so
 * the CLOCK_START setting alone decides what time it is (a training clock moving at real speed).
 */
async function asTheServerWiresIt(dbUrl: string, env: Record<string, string>): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-clock-'));
  const config = loadConfig(settings(dataDir, env));
  const { handle, drop } = await openTestDatabase(dbUrl);
  const deps = await wire(config, { handle });
  const app = await buildApp(deps);
  await app.ready();
  return {
    app, deps, config, dataDir,
    // Read only (request() stamps rows with it); never set: the setting is the clock.
    clock: deps.clock as TestApp['clock'],
    close: async () => {
      await app.close();
      await handle.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

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

for (const db of databases) {
  describe(`Training clock on ${db.name}: deadlines follow it`, () => {
    it('DEC-3 DEC-15 a decision deadline follows the set clock: the sweep the server runs leaves the request alone on its last day and deems it denied the day after', async () => {
      // The evening of the last day to decide (DEC-3): not late yet.
      const lastDay = await asTheServerWiresIt(db.url, { CLOCK_START: '2027-01-29T20:00' });
      try {
        // The server's own clock: set, and already moving from there (not the machine's date).
        const now = lastDay.deps.clock.now().getTime();
        expect(now).toBeGreaterThanOrEqual(Date.parse('2027-01-30T04:00:00Z'));
        expect(now).toBeLessThan(Date.parse('2027-01-30T05:00:00Z'));
        const r = await request(lastDay, D, { decision_due_on: '2027-01-29', received_at: '2027-01-02T18:00:00Z' });
        expect((await backgroundRunner(lastDay.deps, 'deadlines').runOnce()).deemedDenied).toBe(0);
        const row = await lastDay.deps.db.selectFrom('applications').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
        expect(row.status).toBe('submitted');
        // Every page says the clock is set, with the day it believes it is.
        expect(textOf((await lastDay.app.inject({ url: '/' })).body)).toContain('this system believes it is Friday, January 29, 2027, 8:00 PM');
      } finally {
        await lastDay.close();
      }

      // The morning after (DEC-15: silence is a denial the day after the deadline).
      const dayAfter = await asTheServerWiresIt(db.url, { CLOCK_START: '2027-01-30T08:00' });
      try {
        const r = await request(dayAfter, D, { decision_due_on: '2027-01-29', received_at: '2027-01-02T18:00:00Z' });
        expect((await backgroundRunner(dayAfter.deps, 'deadlines').runOnce()).deemedDenied).toBe(1);
        const row = await dayAfter.deps.db.selectFrom('applications').select('status').where('id', '=', r.id).executeTakeFirstOrThrow();
        expect(row.status).toBe('deemed_denied');
        const decision = await dayAfter.deps.db.selectFrom('decisions').select(['kind', 'decided_on', 'decided_at', 'appeal_until']).where('application_id', '=', r.id).executeTakeFirstOrThrow();
        expect(decision).toMatchObject({ kind: 'deemed_denied', decided_on: '2027-01-30', appeal_until: '2027-03-01' });
        // Recorded at the set clock's time, not the machine's.
        expect(decision.decided_at.slice(0, 13)).toBe('2027-01-30T16');
        // The parent is told at once, with the last day to appeal written out.
        const mail = await dayAfter.deps.db.selectFrom('outbox').select(['to_address', 'text_body']).where('application_id', '=', r.id).executeTakeFirstOrThrow();
        expect(mail.to_address).toBe(r.decision_email);
        expect(mail.text_body).toContain('Monday, March 1, 2027');
      } finally {
        await dayAfter.close();
      }
    }, 30_000);
  });
}

describe('Training clock: the CLI runs on it', () => {
  it('DEC-15 `npm run cli -- sweep` with CLOCK_START set sweeps as of that moment: nothing on the deadline\'s last day, the late request the day after', async () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-clock-cli-'));
    // A request due on January 29, 2027 in the deployment's own SQLite file, as the server leaves it.
    const config = loadConfig(settings(dataDir, { CLOCK_START: '2027-01-10T09:00' }));
    const deps = await wire(config);
    const t = { deps, clock: deps.clock } as unknown as TestApp;
    const r = await request(t, D, { decision_due_on: '2027-01-29', received_at: '2027-01-02T18:00:00Z' });
    await deps.handle.close();

    const env: NodeJS.ProcessEnv = { ...process.env, ...settings(dataDir, {}) };
    for (const k of ['DATABASE_URL', 'STORAGE_URL', 'CLOCK_START', 'CLOCK_SPEED', 'PUBLIC_URL']) delete env[k];
    const sweep = async (clockStart: string) =>
      (await promisify(execFile)(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'sweep'], { env: { ...env, CLOCK_START: clockStart } })).stdout;
    const status = async () => {
      const again = await wire(loadConfig(settings(dataDir, { CLOCK_START: '2027-01-10T09:00' })));
      try {
        return (await again.db.selectFrom('applications').select('status').where('id', '=', r.id).executeTakeFirstOrThrow()).status;
      } finally {
        await again.handle.close();
      }
    };
    try {
      expect(await sweep('2027-01-29T23:00')).toContain('Deemed denied: 0');
      expect(await status()).toBe('submitted');
      expect(await sweep('2027-01-30T07:00')).toContain('Deemed denied: 1');
      expect(await status()).toBe('deemed_denied');
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
