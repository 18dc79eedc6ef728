import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DbHandle } from './kysely.js';
import { FALLBACK_AUTOCHECKPOINT_PAGES, SQLITE_AUTOCHECKPOINT_PAGES } from './checkpointer.js';

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function open(file: string, opts: { checkpoints?: boolean } = {}): DbHandle {
  const h = openDatabase(`sqlite:${file}`, opts);
  handles.push(h);
  return h;
}
function scratchFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-checkpoint-'));
  dirs.push(dir);
  return path.join(dir, 'db.sqlite');
}
const walPages = async (h: DbHandle) => (await sql<{ wal_autocheckpoint: number }>`pragma wal_autocheckpoint`.execute(h.db)).rows[0].wal_autocheckpoint;

describe('checkpoints on their own thread (ADR 0044)', () => {
  it('copies committed pages into the database file while the app\'s connection only writes', async () => {
    const file = scratchFile();
    const h = open(file);
    expect(h.checkpointer).toBeDefined();
    // The app's connection checkpoints only far past SQLite's usual 1,000 pages.
    expect(await walPages(h)).toBe(FALLBACK_AUTOCHECKPOINT_PAGES);
    await sql`create table t (id integer primary key, v text not null)`.execute(h.db);
    const next = h.checkpointer!.next();
    for (let i = 0; i < 200; i++) await sql`insert into t (v) values (${'x'.repeat(500)})`.execute(h.db);
    const r = await next;
    expect(r.checkpointed).toBeGreaterThan(0);
    expect(r.checkpointed).toBeLessThanOrEqual(r.log);

    // What was committed is in the database, read by another connection from the file.
    await h.close();
    handles.splice(handles.indexOf(h), 1);
    const again = open(file, { checkpoints: false });
    expect((await sql<{ n: number }>`select count(*) as n from t`.execute(again.db)).rows[0].n).toBe(200);
  });

  it('is not started for a database in memory, nor when asked not to, and then SQLite checkpoints as usual', async () => {
    const memory = openDatabase('sqlite::memory:');
    handles.push(memory);
    expect(memory.checkpointer).toBeUndefined();
    const plain = open(scratchFile(), { checkpoints: false });
    expect(plain.checkpointer).toBeUndefined();
    expect(await walPages(plain)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
  });

  it('stops once, however often it is asked; then the app\'s connection checkpoints as SQLite does', async () => {
    const h = open(scratchFile());
    const c = h.checkpointer!;
    expect(c.running).toBe(true);
    await Promise.all([c.stop(), c.stop()]);
    expect(c.running).toBe(false);
    expect(await walPages(h)).toBe(SQLITE_AUTOCHECKPOINT_PAGES);
    await c.stop();
    await h.close();
    handles.splice(handles.indexOf(h), 1);
  });
});
