import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import SQLite from 'better-sqlite3';

/**
 * Backup and restore of the default installation: an SQLite database and a folder file store
 * (docs/operations.md). PostgreSQL is backed up with pg_dump, not here.
 *
 * A backup folder holds
 *   manifest.json                  what was backed up, written last: a backup without it is unfinished
 *   database-<time>.sqlite         a consistent copy of the database (VACUUM INTO: one read transaction)
 *   files/ab/cd/<sha256>           the file store; files are named by their content and never change,
 *                                  so a later backup into the same folder copies only the new ones
 *
 * The database is copied before the files. A file is on disk before the row that names it is
 * committed (src/platform/storage/storage.ts), and files are never removed, so every file the copied
 * database names is already in the store when the files are copied.
 */

export const BACKUP_FORMAT = 'student-permits-backup/1';
export const MANIFEST = 'manifest.json';
/** The names `loadConfig` gives under DATA_DIR when DATABASE_URL and STORAGE_URL are not set. */
export const DATABASE_FILE = 'student-permits.sqlite';
export const FILES_FOLDER = 'files';

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  createdAt: string;
  database: { file: string; bytes: number; sha256: string; tables: Record<string, number> };
  files: { folder: typeof FILES_FOLDER; count: number; bytes: number; copied: number };
  /** Anything that makes the backup incomplete: a document whose file is missing or damaged in the store. */
  problems: string[];
}

export class BackupError extends Error {}

/** The SQLite file a DATABASE_URL names; anything else is refused with what to do instead. */
function sqliteFileOf(databaseUrl: string): string {
  if (databaseUrl.startsWith('postgres://') || databaseUrl.startsWith('postgresql://')) {
    throw new BackupError('DATABASE_URL is PostgreSQL: back it up with pg_dump (see docs/operations.md, "Backups").');
  }
  const file = databaseUrl.startsWith('sqlite:') ? databaseUrl.slice('sqlite:'.length) : '';
  if (!file || file === ':memory:') throw new BackupError(`Cannot back up DATABASE_URL "${databaseUrl}": it names no database file.`);
  const resolved = path.resolve(file);
  if (!fs.existsSync(resolved)) throw new BackupError(`No database at ${resolved}.`);
  return resolved;
}

/** The folder a STORAGE_URL names; an object store is backed up with its own tools. */
function storeFolderOf(storageUrl: string): string {
  if (!storageUrl.startsWith('file:') || storageUrl.length === 'file:'.length) {
    throw new BackupError(`STORAGE_URL "${storageUrl}" is not a folder: back the object store up with its own tools (see docs/operations.md).`);
  }
  return path.resolve(storageUrl.slice('file:'.length));
}

const within = (child: string, parent: string): boolean => {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** Every stored file under `root`, by key (`ab/cd/<sha256>`); the store's tmp folder and strays are skipped. */
async function* storeKeys(root: string): AsyncGenerator<string> {
  const dirs = async (dir: string, pattern: RegExp) => {
    try {
      return (await fs.promises.readdir(dir, { withFileTypes: true })).filter((d) => pattern.test(d.name));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
  };
  for (const a of (await dirs(root, /^[0-9a-f]{2}$/)).filter((d) => d.isDirectory())) {
    for (const b of (await dirs(path.join(root, a.name), /^[0-9a-f]{2}$/)).filter((d) => d.isDirectory())) {
      for (const f of await dirs(path.join(root, a.name, b.name), /^[0-9a-f]{64}$/)) {
        if (f.isFile() && f.name.startsWith(a.name + b.name)) yield `${a.name}/${b.name}/${f.name}`;
      }
    }
  }
}

async function fsyncPath(p: string, flags = 'r'): Promise<void> {
  const fh = await fs.promises.open(p, flags);
  try {
    await fh.sync();
  } catch (e) {
    // Some file systems cannot sync a folder; the data itself was synced.
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
  } finally {
    await fh.close();
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fs.createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * Copies a stored file to `dest` through a temporary name, hashing it on the way: the copy is
 * only kept when its SHA-256 is its name. Returns false (and keeps nothing) when it is not.
 */
async function copyStoredFile(src: string, dest: string): Promise<{ ok: boolean; bytes: number }> {
  await fs.promises.mkdir(path.dirname(dest), { recursive: true });
  const tmp = `${dest}.tmp-${randomBytes(6).toString('hex')}`;
  const hash = createHash('sha256');
  let bytes = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      bytes += chunk.length;
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(fs.createReadStream(src), meter, fs.createWriteStream(tmp, { flags: 'wx' }));
    if (hash.digest('hex') !== path.basename(dest)) {
      await fs.promises.rm(tmp, { force: true });
      return { ok: false, bytes };
    }
    await fsyncPath(tmp);
    await fs.promises.rename(tmp, dest);
    return { ok: true, bytes };
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
}

/** Row counts of every table, and the file keys the documents name. */
function describeDatabase(file: string): { tables: Record<string, number>; fileKeys: string[]; integrity: string } {
  const db = new SQLite(file, { readonly: true, fileMustExist: true });
  try {
    const names = db.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").pluck().all() as string[];
    const tables: Record<string, number> = {};
    for (const name of names) tables[name] = Number(db.prepare(`select count(*) from "${name.replace(/"/g, '""')}"`).pluck().get());
    const fileKeys = names.includes('documents') ? (db.prepare('select distinct storage_key from documents').pluck().all() as string[]) : [];
    const integrity = String(db.pragma('integrity_check', { simple: true }));
    return { tables, fileKeys, integrity };
  } finally {
    db.close();
  }
}

async function writeJsonAtomically(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${randomBytes(6).toString('hex')}`;
  await fs.promises.writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
  await fsyncPath(tmp);
  await fs.promises.rename(tmp, file);
}

/**
 * Backs up the SQLite database and the folder file store into `to` while the app runs.
 * Safe to repeat into the same folder: the database copy is replaced (the previous one is removed
 * only once the new manifest is written), and only files not yet in the folder are copied.
 */
export async function backup(opts: { databaseUrl: string; storageUrl: string; to: string; now?: Date }): Promise<BackupManifest> {
  const dbFile = sqliteFileOf(opts.databaseUrl);
  const storeRoot = storeFolderOf(opts.storageUrl);
  const to = path.resolve(opts.to);
  if (within(to, storeRoot) || within(storeRoot, to)) {
    throw new BackupError(`The backup folder ${to} must be outside the file store ${storeRoot} (and not contain it).`);
  }
  await fs.promises.mkdir(to, { recursive: true });
  const createdAt = (opts.now ?? new Date()).toISOString();

  // 1. The database: VACUUM INTO reads one consistent snapshot, beside the app's writes (WAL).
  const dbName = `database-${createdAt.replace(/[-:.]/g, '')}.sqlite`;
  const tmpDb = path.join(to, `.${dbName}.tmp-${randomBytes(6).toString('hex')}`);
  try {
    const source = new SQLite(dbFile, { readonly: true, fileMustExist: true });
    try {
      source.pragma('busy_timeout = 5000');
      source.prepare('VACUUM INTO ?').run(tmpDb);
    } finally {
      source.close();
    }
    // A plain file: opening it read-only later needs no -wal or -shm beside it.
    const copy = new SQLite(tmpDb);
    copy.pragma('journal_mode = DELETE');
    copy.close();
  } catch (e) {
    await fs.promises.rm(tmpDb, { force: true });
    throw e;
  }
  const described = describeDatabase(tmpDb);
  await fsyncPath(tmpDb);
  const dbSha = await sha256File(tmpDb);
  const dbBytes = (await fs.promises.stat(tmpDb)).size;
  await fs.promises.rename(tmpDb, path.join(to, dbName));

  // 2. The files, after the database: each file the copy names is already in the store.
  const filesDir = path.join(to, FILES_FOLDER);
  await fs.promises.mkdir(filesDir, { recursive: true });
  const problems: string[] = described.integrity === 'ok' ? [] : [`the database copy fails SQLite's integrity check: ${described.integrity}`];
  let count = 0;
  let bytes = 0;
  let copied = 0;
  for await (const key of storeKeys(storeRoot)) {
    const dest = path.join(filesDir, key);
    const have = await fs.promises.stat(dest).catch(() => null);
    if (have) {
      count++;
      bytes += have.size;
      continue;
    }
    const r = await copyStoredFile(path.join(storeRoot, key), dest);
    if (!r.ok) {
      problems.push(`damaged in the file store (content does not match its name): ${key}`);
      continue;
    }
    count++;
    copied++;
    bytes += r.bytes;
  }
  for (const key of described.fileKeys) {
    if (!fs.existsSync(path.join(filesDir, key)) && !problems.some((p) => p.endsWith(key))) {
      problems.push(`missing from the file store: ${key} (named by a document)`);
    }
  }
  await fsyncPath(to).catch(() => undefined);

  // 3. The manifest last: it is what makes the backup complete.
  const manifest: BackupManifest = {
    format: BACKUP_FORMAT,
    createdAt,
    database: { file: dbName, bytes: dbBytes, sha256: dbSha, tables: described.tables },
    files: { folder: FILES_FOLDER, count, bytes, copied },
    problems,
  };
  await writeJsonAtomically(path.join(to, MANIFEST), manifest);

  // Earlier database copies (and leftovers of an interrupted backup) go once the manifest names the new one.
  for (const name of await fs.promises.readdir(to)) {
    if ((/^database-.*\.sqlite$/.test(name) && name !== dbName) || /^\.database-.*\.tmp-[0-9a-f]+$/.test(name)) {
      await fs.promises.rm(path.join(to, name), { force: true });
    }
  }
  return manifest;
}

export async function readManifest(from: string): Promise<BackupManifest> {
  const file = path.join(path.resolve(from), MANIFEST);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(await fs.promises.readFile(file, 'utf8')) as BackupManifest;
  } catch (e) {
    throw new BackupError(`No readable ${MANIFEST} in ${path.resolve(from)}: not a finished backup (${(e as Error).message}).`);
  }
  if (manifest.format !== BACKUP_FORMAT || !manifest.database || !/^database-[0-9TZ]+\.sqlite$/.test(manifest.database.file)) {
    throw new BackupError(`${file} is not a Student Permits backup manifest (${BACKUP_FORMAT}).`);
  }
  return manifest;
}

export interface RestoreResult {
  manifest: BackupManifest;
  databaseFile: string;
  filesDir: string;
  files: number;
}

/**
 * Restores a backup into `dataDir`, which must be new or empty: the database as
 * `<dataDir>/student-permits.sqlite` and the files under `<dataDir>/files` (the default
 * DATABASE_URL and STORAGE_URL for DATA_DIR=<dataDir>). Everything is checked: the database's
 * SHA-256 and integrity, each file's content against its name, and that every document's file is
 * there. On failure nothing is left behind.
 */
export async function restore(opts: { from: string; dataDir: string }): Promise<RestoreResult> {
  const from = path.resolve(opts.from);
  const dataDir = path.resolve(opts.dataDir);
  const manifest = await readManifest(from);
  const existing = await fs.promises.readdir(dataDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return null;
    throw e;
  });
  if (existing && existing.length > 0) {
    throw new BackupError(`${dataDir} is not empty: restore only into a new or empty folder, so that nothing is overwritten.`);
  }
  const source = path.join(from, manifest.database.file);
  const sha = await sha256File(source).catch((e: Error) => {
    throw new BackupError(`Cannot read the database copy ${source}: ${e.message}`);
  });
  if (sha !== manifest.database.sha256) {
    throw new BackupError(`The database copy ${source} does not match its manifest (SHA-256 ${sha}, expected ${manifest.database.sha256}).`);
  }

  const databaseFile = path.join(dataDir, DATABASE_FILE);
  const filesDir = path.join(dataDir, FILES_FOLDER);
  const createdDir = existing === null;
  await fs.promises.mkdir(dataDir, { recursive: true });
  try {
    await fs.promises.copyFile(source, databaseFile, fs.constants.COPYFILE_EXCL);
    await fsyncPath(databaseFile);
    if ((await sha256File(databaseFile)) !== manifest.database.sha256) throw new BackupError(`The restored database ${databaseFile} differs from the backup.`);

    let files = 0;
    await fs.promises.mkdir(filesDir, { recursive: true });
    for await (const key of storeKeys(path.join(from, FILES_FOLDER))) {
      const r = await copyStoredFile(path.join(from, FILES_FOLDER, key), path.join(filesDir, key));
      if (!r.ok) throw new BackupError(`The backup's file ${key} is damaged (its content does not match its name).`);
      files++;
    }

    const described = describeDatabase(databaseFile);
    if (described.integrity !== 'ok') throw new BackupError(`The restored database fails SQLite's integrity check: ${described.integrity}`);
    const missing = described.fileKeys.filter((key) => !fs.existsSync(path.join(filesDir, key)));
    if (missing.length) {
      throw new BackupError(`${missing.length} document file(s) named by the database are not in the backup, e.g. ${missing[0]}.`);
    }
    await fsyncPath(dataDir).catch(() => undefined);
    return { manifest, databaseFile, filesDir, files };
  } catch (e) {
    // The folder was empty (or not there) before: remove only what this restore made.
    await fs.promises.rm(databaseFile, { force: true });
    await fs.promises.rm(filesDir, { recursive: true, force: true });
    if (createdDir) await fs.promises.rm(dataDir, { recursive: true, force: true });
    throw e;
  }
}
