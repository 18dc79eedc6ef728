import fs from 'node:fs';
import path from 'node:path';
import SQLite from 'better-sqlite3';
import pg from 'pg';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import type { Database } from './schema.js';
import { migrations } from './migrations/index.js';

export type Dialect = 'sqlite' | 'postgres';
export type Db = Kysely<Database>;
export interface DbHandle {
  db: Db;
  dialect: Dialect;
  close(): Promise<void>;
}

/**
 * Opens the database named by a URL: `sqlite:/path/file.sqlite`, `sqlite::memory:`
 * or `postgres://…`. SQLite runs in WAL mode with synchronous=FULL so that a
 * confirmation number is only shown once its row is on disk.
 */
export function openDatabase(url: string, opts: { schema?: string } = {}): DbHandle {
  if (url.startsWith('postgres://') || url.startsWith('postgresql://')) {
    // A schema other than public isolates test runs from each other.
    const pool = new pg.Pool({ connectionString: url, max: 10, ...(opts.schema ? { options: `-c search_path=${opts.schema}` } : {}) });
    // An idle pooled connection closed by the server (restart, fail-over) is an 'error' event:
    // without a listener Node ends the process. The pool drops that client and opens a new one
    // on the next query, so it only needs to be heard.
    pool.on('error', (e) => console.error(JSON.stringify({ level: 'warn', msg: 'idle database connection lost', err: e.message })));
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', close: () => db.destroy() };
  }
  if (!url.startsWith('sqlite:')) throw new Error(`DATABASE_URL must start with sqlite: or postgres:// (got "${url}")`);
  const file = url.slice('sqlite:'.length);
  if (file !== ':memory:') fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new SQLite(file);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  sqlite.pragma('busy_timeout = 5000');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: sqlite }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
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
