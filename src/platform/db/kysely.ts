import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';
import { Checkpointer, FALLBACK_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES } from './checkpointer.js';
import { WalSync } from './wal-sync.js';
import { runsDirectly } from './prepared.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export interface DbHandle {
  db: Db;
  dialect: Dialect;
  /** SQLite's checkpoints on their own thread, for a database file. */
  checkpointer?: Checkpointer;
  /** A database file's log, synced off the main thread for the group commit (ADR 0045). */
  walSync?: WalSync;
  close(): Promise<void>;
}

/**
 * Opens the database named by a URL: `sqlite:/path/file.sqlite`, `sqlite::memory:`
 * or `postgres://…`. SQLite runs in WAL mode with synchronous=FULL so that a
 * confirmation number is only shown once its row is on disk.
 */
export function openDatabase(url: string, opts: { schema?: string; checkpoints?: boolean } = {}): DbHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // A schema other than public isolates test runs from each other.
    const pool = new pg.Pool({ connectionString: url, max: 10, ...(opts.schema ? { options: `-c search_path=${opts.schema} -c application_name=${opts.schema}` } : {}) });
    // An idle pooled connection closed by the server (restart, fail-over) is an 'error' event:
    // without a listener Node ends the process. The pool drops that client and opens a new one
    // on the next query, so it only needs to be heard.
    pool.on('error', (e) => console.error(JSON.stringify({ level: 'warn', msg: 'idle database connection lost', err: e.message })));
    // A connection lost while a request holds it also emits 'error' on that client, which the
    // pool does not hear: unheard, it would end the process. The request's own query fails and
    // is answered with a 503 (isDatabaseUnavailable); the broken client is not reused.
    pool.on('connect', (client) => {
      client.on('error', (e) => console.error(JSON.stringify({ level: 'warn', msg: 'database connection lost during a request', err: e.message })));
    });
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (!url.startsWith('sqlite:')) throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got "${url}")`);
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  // A file system without shared memory (some network mounts) keeps SQLite in its rollback journal.
  const inWal = sqlite.pragma('journal_mode = WAL', { simple: true }) === 'wal';
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma(`cache_size = -${SQLITE_CACHE_KIB}`);
  const cached = withStatementCache(sqlite);
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: cached }) });
  runsDirectly(db, cached);
  // A database file's checkpoints run on a thread of their own (ADR 0044); the app's connection
  // checkpoints only if that thread falls far behind.
  let open = true;
  const checkpointer =
    file !== ':memory:' && opts.checkpoints !== false
      ? new Checkpointer(file, { onExit: () => open && sqlite.pragma(`wal_autocheckpoint = ${SQLITE_AUTOCHECKPOINT_PAGES}`) })
      : undefined;
  if (checkpointer) sqlite.pragma(`wal_autocheckpoint = ${FALLBACK_AUTOCHECKPOINT_PAGES}`);
  // Only with a log to sync: otherwise the writer's batches commit with SQLite's own fsync.
  const walSync = inWal ? new WalSync(`${path.resolve(file)}-wal`) : undefined;
  return {
    db,
    dialect: 'sqlite',
    checkpointer,
    walSync,
    close: async () => {
      await walSync?.close();
      await checkpointer?.stop();
      open = false;
      await db.destroy();
    },
  };
}

/**
 * SQLite's page cache for the app's connection, in KiB (64 MiB). A roster touches pages of a
 * dozen indexes spread over a district's students: measured in the attendance benchmark, the
 * main thread read 28 pages a roster from the operating system with the driver's default
 * (16 MB), 19 with this, 12 with 256 MB (docs/benchmarks.md).
 */
export const SQLITE_CACHE_KIB = 65_536;

/** How many distinct SQL texts keep their prepared statement: the app has a few hundred. */
const STATEMENT_CACHE = 1000;

/**
 * Kysely prepares every query anew; better-sqlite3's prepare parses and plans the SQL each
 * time, a large share of a request's database time. The same SQL text (values are bound
 * separately) gets its prepared statement back. Safe because better-sqlite3 is synchronous: a
 * statement is never in use by two queries at once (Kysely streams nothing here). The oldest
 * statement is dropped beyond the limit, so SQL built with variable-length IN lists cannot grow
 * it without bound.
 */
function withStatementCache(sqlite: SQLite.Database): SQLite.Database {
  const cache = new Map<string, SQLite.Statement>();
  const prepareNew = sqlite.prepare.bind(sqlite);
  // First in, first out: a hit costs one lookup (no reordering); the app's few hundred texts fit,
  // and one dropped while still in use is only prepared again.
  const prepare = (source: string): SQLite.Statement => {
    let stmt = cache.get(source);
    if (!stmt) {
      stmt = prepareNew(source);
      if (cache.size >= STATEMENT_CACHE) cache.delete(cache.keys().next().value!);
      cache.set(source, stmt);
    }
    return stmt;
  };
  // Native methods need the real database as `this`: each is bound once, not on every call.
  const bound = new Map<PropertyKey, unknown>([['prepare', prepare]]);
  return new Proxy(sqlite, {
    get(target, prop, receiver) {
      const known = bound.get(prop);
      if (known) return known;
      const value = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function') return value;
      const fn = value.bind(target);
      bound.set(prop, fn);
      return fn;
    },
  });
}

export async function migrateToLatest(db: Kysely<any>): Promise<void> {
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations } });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((r) => r.status === 'Error');
  if (error || failed) {
    throw new Error(`Migration failed${failed ? ` at ${failed.migrationName}` : ''}: ${String(error)}`);
  }
}

export async function pingDatabase(db: Kysely<any>): Promise<boolean> {
  try {
    await sql`select 1`.execute(db);
    return true;
  } catch {
    return false;
  }
}

/** True when an error is a unique-constraint violation on either dialect. */
export function isUniqueViolation(e: unknown): boolean {
  const anyE = e as { code?: string; message?: string };
  return anyE?.code === '23505' || anyE?.code === 'SQLITE_CONSTRAINT_UNIQUE' || anyE?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

/**
 * True when the database could not be reached or dropped the connection (a restart, a
 * fail-over, SQLite locked past its busy time-out): the request changed nothing, and the same
 * request is worth trying again shortly (a 503, not a 500).
 */
export function isDatabaseUnavailable(e: unknown): boolean {
  const anyE = e as { code?: string; message?: string };
  const code = anyE?.code ?? '';
  // 57P01–57P03: admin shutdown, crash shutdown, cannot connect now; 08xxx: connection exceptions.
  if (/^57P0[123]$/.test(code) || code.startsWith('08') || ['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'SQLITE_BUSY'].includes(code)) return true;
  return /Connection terminated|connection timeout|Client has encountered a connection error/i.test(anyE?.message ?? '');
}
