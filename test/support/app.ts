import { randomBytes } from 'node:crypto';
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import pg from 'pg';
import type { FastifyInstance } from 'fastify';
import { loadConfig, type AppConfig } from '../../src/config.js';
import { wire } from '../../src/wire.js';
import { buildApp } from '../../src/app.js';
import { fixedClock } from '../../src/platform/clock.js';
import { openDatabase, type DbHandle } from '../../src/platform/db/kysely.js';
import type { Deps } from '../../src/deps.js';
import type { DeclaredModules } from '../../src/modules/index.js';

/** The databases every database test runs on: SQLite always, PostgreSQL when TEST_DATABASE_URL is set. */
export const databases: { name: 'sqlite' | 'postgres'; url: string }[] = [
  { name: 'sqlite', url: 'sqlite::memory:' },
  ...(process.env.TEST_DATABASE_URL ? [{ name: 'postgres' as const, url: process.env.TEST_DATABASE_URL }] : []),
];

export interface TestApp {
  app: FastifyInstance;
  deps: Deps;
  clock: ReturnType<typeof fixedClock>;
  config: AppConfig;
  dataDir: string;
  close(): Promise<void>;
}

/** Opens a fresh, migrated database: a new in-memory SQLite, or a new PostgreSQL schema. */
export async function openTestDatabase(url: string): Promise<{ handle: DbHandle; drop(): Promise<void> }> {
  if (url.startsWith('sqlite:')) {
    const handle = openDatabase(url);
    return { handle, drop: async () => {} };
  }
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.end();
  const handle = openDatabase(url, { schema });
  return {
    handle,
    drop: async () => {
      const c = new pg.Client({ connectionString: url });
      await c.connect();
      await c.query(`DROP SCHEMA ${schema} CASCADE`);
      await c.end();
    },
  };
}

/**
 * A whole app on a real database, with the clock fixed (default: 2026-11-22, 10:00 in Los Angeles)
 * and data (files, mail) in a temporary folder. `modules` replaces the declared modules (e.g. with one
 * declared by a test). `logger`: pino options for the app's log (e.g. a `stream` a test reads), with
 * `env.LOG_LEVEL` set to the level it needs.
 */
export async function makeTestApp(opts: { dbUrl?: string; now?: string; env?: Record<string, string>; modules?: (deps: Deps) => DeclaredModules; logger?: object } = {}): Promise<TestApp> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-test-'));
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    DISTRICTS_DIR: path.resolve('config/districts'),
    LOG_LEVEL: 'silent',
    ...opts.env,
  } as NodeJS.ProcessEnv);
  const clock = fixedClock(opts.now ?? config.clockStart ?? '2026-11-22T18:00:00Z');
  const { handle, drop } = await openTestDatabase(opts.dbUrl ?? 'sqlite::memory:');
  const deps = await wire(config, { clock, handle });
  const app = await buildApp(deps, { modules: opts.modules?.(deps), ...(opts.logger ? { logger: opts.logger } : {}) });
  await app.ready();
  return {
    app,
    deps,
    clock,
    config,
    dataDir,
    close: async () => {
      await app.close();
      await handle.close();
      await drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
