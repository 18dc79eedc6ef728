import type { AppConfig } from './config.js';
import type { Deps } from './deps.js';
import { systemClock, trainingClock, type Clock } from './platform/clock.js';
import { openDatabase, migrateToLatest, type DbHandle } from './platform/db/kysely.js';
import { openWriter } from './platform/db/group-commit.js';
import { loadCatalogs } from './platform/i18n/catalogs.js';
import { SessionStore } from './platform/http/sessions.js';
import { RateLimiter } from './platform/http/rate-limit.js';
import { IdempotencyStore } from './platform/http/idempotency.js';
import { openStorage } from './platform/storage/open-storage.js';
import { loadDistrictConfigs } from './modules/districts/loader.js';
import { DistrictCatalog, syncDistricts } from './modules/districts/catalog.js';
import { importConfiguredRanges } from './modules/addresses/configured.js';
import { PasswordHasher } from './platform/passwords/hasher.js';
import { ringsAfterCommit } from './platform/mail/bell.js';

/** Wire once, in one place: database, adapters, then everything built from them. */
export async function wire(config: AppConfig, opts: { clock?: Clock; handle?: DbHandle } = {}): Promise<Deps & { handle: DbHandle }> {
  // A training clock, when set, drives the app, its background steps and the CLI alike.
  const clock = opts.clock ?? (config.clockStart ? trainingClock(config.clockStart, config.clockSpeed) : systemClock);
  const districtConfigs = loadDistrictConfigs(config.districtsDir);
  const catalogs = loadCatalogs();
  const handle = opts.handle ?? openDatabase(config.databaseUrl);
  // An email written in a transaction wakes the outbox sender once that transaction commits.
  ringsAfterCommit(handle.db);
  await migrateToLatest(handle.db);
  await syncDistricts(handle.db, districtConfigs, clock.now().toISOString());
  await importConfiguredRanges(handle.db, districtConfigs, config.districtsDir); // STU-2: sample or configured ranges, once
  const writer = openWriter(handle);
  return {
    handle,
    config,
    db: handle.db,
    dialect: handle.dialect,
    writer,
    clock,
    catalogs,
    sessions: new SessionStore(handle.db, clock, {
      idleMs: config.sessionIdleMs,
      absoluteMs: config.sessionAbsoluteMs,
      secureCookie: config.cookieSecure,
    }),
    rateLimiter: new RateLimiter(handle.db, clock, config.rateLimits),
    idempotency: new IdempotencyStore(handle.db, clock, writer),
    storage: await openStorage(config.storageUrl),
    districts: new DistrictCatalog(districtConfigs),
    passwords: new PasswordHasher(config.passwordHashing.profile, config.passwordHashing),
  };
}
