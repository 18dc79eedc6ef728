import type { AppConfig } from './config.js';
import type { Clock } from './platform/clock.js';
import type { Db, Dialect } from './platform/db/kysely.js';
import type { Writer } from './platform/db/group-commit.js';
import type { Catalogs } from './platform/i18n/catalogs.js';
import type { SessionStore } from './platform/http/sessions.js';
import type { RateLimiter } from './platform/http/rate-limit.js';
import type { IdempotencyStore } from './platform/http/idempotency.js';
import type { FileStorage } from './platform/storage/storage.js';
import type { DistrictCatalog } from './modules/districts/catalog.js';
import type { PasswordHasher } from './platform/passwords/hasher.js';

/** Everything the modules are built from, wired once in src/wire.ts. */
export interface Deps {
  config: AppConfig;
  db: Db;
  dialect: Dialect;
  /** Transactions whose commit a caller waits for (submissions): grouped on SQLite. */
  writer: Writer;
  clock: Clock;
  catalogs: Catalogs;
  sessions: SessionStore;
  rateLimiter: RateLimiter;
  /** Idempotency keys of submissions (one request however often it is sent). */
  idempotency: IdempotencyStore;
  storage: FileStorage;
  districts: DistrictCatalog;
  /** Password hashing for parents and staff: argon2id at the configured cost, with its own bound. */
  passwords: PasswordHasher;
}
