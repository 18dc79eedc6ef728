import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTestApp, type TestApp } from './support/app.js';
import { buildParent, signedInParent } from './support/parents.js';
import { request } from './support/staff.js';
import { samplePdf, sampleJpeg } from './support/files.js';
import { openDatabase } from '../src/platform/db/kysely.js';
import { DiskStorage } from '../src/platform/storage/disk.js';
import { backup, restore, type BackupManifest } from '../src/platform/ops/backup.js';

const run = promisify(execFile);
const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Every row of every table, in a stable order: two databases with equal dumps hold the same data. */
async function dump(db: Kysely<any>): Promise<Record<string, unknown[]>> {
  const tables = (await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`.execute(db)).rows;
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const rows = (await sql`select * from ${sql.table(name)}`.execute(db)).rows;
    out[name] = rows.map((r) => JSON.stringify(r)).sort();
  }
  return out;
}

async function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('backup and restore of the SQLite default', () => {
  let t: TestApp;
  let work: string;
  let dbUrl: string;
  let uploaded: Map<string, Buffer>;
  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-backup-'));
    // A file database (WAL, as in production), open in the running app for the whole test.
    dbUrl = `sqlite:${path.join(work, 'live', 'student-permits.sqlite')}`;
    t = await makeTestApp({ dbUrl, env: { DATABASE_URL: dbUrl } });

    // A parent, a request and two documents uploaded through the real upload form.
    const { client, user } = await signedInParent(t);
    const app = await request(t, 'lausd-sample', { status: 'incomplete' }, user);
    await client.get(`/applications/${app.id}`);
    const files = { 'release.pdf': samplePdf('backup-test'), 'photo.jpg': sampleJpeg() };
    const res = await client.postMultipart(`/applications/${app.id}/documents`, {}, [
      { field: 'file_release', filename: 'release.pdf', contentType: 'application/pdf', data: files['release.pdf'] },
      { field: 'file_report-card', filename: 'photo.jpg', contentType: 'image/jpeg', data: files['photo.jpg'] },
    ]);
    expect(res.status).toBe(303);
    uploaded = new Map(Object.values(files).map((b) => [sha256(b), b]));
  });
  afterAll(async () => {
    await t.close();
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('backs up while the app runs, restores into a fresh folder, and the rows and file bytes are identical', async () => {
    const docs = await t.deps.db.selectFrom('documents').selectAll().execute();
    expect(docs).toHaveLength(2);
    const before = await dump(t.deps.db);
    expect(before.applications).toHaveLength(1);

    const folder = path.join(work, 'backup');
    const manifest = await backup({ databaseUrl: t.config.databaseUrl, storageUrl: t.config.storageUrl, to: folder });
    // Written after the backup: not in it.
    await buildParent(t, { email: 'after-the-backup@example.org' });

    expect(manifest.problems).toEqual([]);
    expect(manifest.database.tables).toMatchObject({ applications: 1, documents: 2 });
    expect(manifest.database.tables.users).toBe(before.users.length);
    expect(manifest.files).toMatchObject({ count: 2, copied: 2 });
    const onDisk = JSON.parse(fs.readFileSync(path.join(folder, 'manifest.json'), 'utf8')) as BackupManifest;
    expect(onDisk).toEqual(manifest);
    expect(sha256(fs.readFileSync(path.join(folder, manifest.database.file)))).toBe(manifest.database.sha256);

    const dataDir = path.join(work, 'restored');
    const r = await restore({ from: folder, dataDir });
    expect(r.files).toBe(2);
    expect(fs.readdirSync(dataDir).sort()).toEqual(['files', 'student-permits.sqlite']);

    const restored = openDatabase(`sqlite:${r.databaseFile}`);
    try {
      expect(await dump(restored.db)).toEqual(before);
      const emails = await restored.db.selectFrom('users').select('email').execute();
      expect(emails.map((e) => e.email)).not.toContain('after-the-backup@example.org');
    } finally {
      await restored.close();
    }
    const store = new DiskStorage(r.filesDir);
    for (const d of docs) {
      const bytes = await readAll(store.read(d.storage_key));
      expect(sha256(bytes)).toBe(d.sha256);
      expect(bytes.equals(uploaded.get(d.sha256)!)).toBe(true);
      expect(bytes.equals(await readAll(t.deps.storage.read(d.storage_key)))).toBe(true);
    }
  });

  it('a second backup into the same folder copies only new files and keeps one database copy', async () => {
    const folder = path.join(work, 'backup-twice');
    const first = await backup({ databaseUrl: t.config.databaseUrl, storageUrl: t.config.storageUrl, to: folder, now: new Date('2026-11-22T18:00:00Z') });
    const second = await backup({ databaseUrl: t.config.databaseUrl, storageUrl: t.config.storageUrl, to: folder, now: new Date('2026-11-23T18:00:00Z') });
    expect(first.files.copied).toBe(first.files.count);
    expect(second.files).toMatchObject({ count: first.files.count, copied: 0 });
    expect(fs.readdirSync(folder).filter((n) => n.endsWith('.sqlite'))).toEqual([second.database.file]);
  });

  it('refuses to restore into a folder that is not empty, and changes nothing in it', async () => {
    const folder = path.join(work, 'backup-for-refusal');
    await backup({ databaseUrl: t.config.databaseUrl, storageUrl: t.config.storageUrl, to: folder });
    const busy = path.join(work, 'busy');
    fs.mkdirSync(busy);
    fs.writeFileSync(path.join(busy, 'keep.txt'), 'mine');
    await expect(restore({ from: folder, dataDir: busy })).rejects.toThrow(/not empty/);
    expect(fs.readdirSync(busy)).toEqual(['keep.txt']);
  });

  it('refuses a backup whose database copy was altered, leaving nothing behind', async () => {
    const folder = path.join(work, 'backup-altered');
    const m = await backup({ databaseUrl: t.config.databaseUrl, storageUrl: t.config.storageUrl, to: folder });
    fs.appendFileSync(path.join(folder, m.database.file), 'x');
    const dataDir = path.join(work, 'restored-altered');
    await expect(restore({ from: folder, dataDir })).rejects.toThrow(/does not match its manifest/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });

  it('refuses PostgreSQL and an in-memory database, pointing to pg_dump', async () => {
    const to = path.join(work, 'never');
    await expect(backup({ databaseUrl: 'postgres://x@localhost/db', storageUrl: t.config.storageUrl, to })).rejects.toThrow(/pg_dump/);
    await expect(backup({ databaseUrl: 'sqlite::memory:', storageUrl: t.config.storageUrl, to })).rejects.toThrow(/no database file/);
    expect(fs.existsSync(to)).toBe(false);
  });

  it('npm run cli -- backup / restore do the same from the command line', async () => {
    const cli = (args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], {
        env: { ...process.env, DATA_DIR: t.dataDir, DATABASE_URL: dbUrl, LOG_LEVEL: 'silent' },
      });
    const folder = path.join(work, 'backup-cli');
    const b = await cli(['backup', folder]);
    expect(b.stdout).toContain('Files: 2 (2 new)');
    const dataDir = path.join(work, 'restored-cli');
    const r = await cli(['restore', folder, '--data-dir', dataDir]);
    expect(r.stdout).toContain(`DATA_DIR=${dataDir}`);
    expect(fs.existsSync(path.join(dataDir, 'student-permits.sqlite'))).toBe(true);
    const again = await cli(['restore', folder, '--data-dir', dataDir]).then(
      () => ({ code: 0, stderr: '' }),
      (e: { code: number; stderr: string }) => e,
    );
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('is not empty');
  }, 60_000);
});
