import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type DbHandle } from './kysely.js';
import { GroupCommitWriter } from './group-commit.js';
import { WalSync } from './wal-sync.js';

const dirs: string[] = [];
const handles: DbHandle[] = [];
afterEach(async () => {
  for (const h of handles.splice(0)) await h.close();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function scratchFile(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sp-walsync-'));
  dirs.push(dir);
  return path.join(dir, 'db.sqlite');
}

/** An fsync held until the test lets it return: `calls` counts those started. */
function heldFsync() {
  const pending: ((error: NodeJS.ErrnoException | null) => void)[] = [];
  const f = {
    calls: 0,
    fsync: (_fd: number, done: (error: NodeJS.ErrnoException | null) => void) => {
      f.calls++;
      pending.push(done);
    },
    /** Lets the oldest running fsync return (with an error, if given). */
    finish: (error: NodeJS.ErrnoException | null = null) => pending.shift()!(error),
    get running() {
      return pending.length;
    },
  };
  return f;
}
/** A file WalSync can open: what SQLite's log is to it. */
function logFile(): string {
  const file = `${scratchFile()}-wal`;
  fs.writeFileSync(file, '');
  return file;
}
/** Whether a promise has settled, after the microtasks queued so far have run. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  let s: 'pending' | 'resolved' | 'rejected' = 'pending';
  p.then(() => (s = 'resolved'), () => (s = 'rejected'));
  await new Promise((r) => setImmediate(r));
  return s;
}

describe('the write-ahead log synced off the main thread (ADR 0045)', () => {
  it('a commit is answered only by an fsync that started after it; commits made meanwhile share the next one', async () => {
    const f = heldFsync();
    const wal = new WalSync(logFile(), f.fsync);
    const first = wal.committed();
    expect(f.calls).toBe(1);
    // Two commits while the first fsync runs: it does not cover them, and only one more starts.
    const second = wal.committed();
    const third = wal.committed();
    expect(f.calls).toBe(1);
    expect(await state(first)).toBe('pending');
    f.finish();
    expect(await state(first)).toBe('resolved');
    expect(await state(second)).toBe('pending');
    expect(f.calls).toBe(2);
    expect(f.running).toBe(1);
    f.finish();
    expect(await state(second)).toBe('resolved');
    expect(await state(third)).toBe('resolved');
    expect(f.calls).toBe(2);
  });

  it('settled() answers at once when every commit is on disk, and waits for the one in flight otherwise', async () => {
    const f = heldFsync();
    const wal = new WalSync(logFile(), f.fsync);
    expect(await state(wal.settled())).toBe('resolved');
    expect(f.calls).toBe(0);
    const commit = wal.committed();
    const settled = wal.settled();
    expect(await state(settled)).toBe('pending');
    f.finish();
    expect(await state(commit)).toBe('resolved');
    expect(await state(settled)).toBe('resolved');
    expect(f.calls).toBe(1);
  });

  it('a failed fsync fails its commits and every later one: nothing is confirmed that may not be on disk', async () => {
    const f = heldFsync();
    const wal = new WalSync(logFile(), f.fsync);
    const commit = wal.committed();
    f.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    await expect(commit).rejects.toThrow(/could not be written to disk: EIO/);
    await expect(wal.committed()).rejects.toThrow(/could not be written to disk/);
    await expect(wal.settled()).rejects.toThrow(/could not be written to disk/);
    expect(f.calls).toBe(1);
  });

  it('syncs a real file with the real fsync', async () => {
    const wal = new WalSync(logFile());
    await expect(wal.committed()).resolves.toBeUndefined();
    await wal.close();
  });

  it('a log that cannot be opened fails the commit with its reason', async () => {
    const wal = new WalSync(path.join(scratchFile(), 'missing-wal'));
    await expect(wal.committed()).rejects.toThrow(/ENOENT/);
  });
});

describe('group commit on a database file (ADR 0045)', () => {
  it('a database file in WAL mode gets its log synced off the main thread; one in memory, which has no log, does not', () => {
    const file = openDatabase(`sqlite:${scratchFile()}`, { checkpoints: false });
    const memory = openDatabase('sqlite::memory:');
    handles.push(file, memory);
    expect(file.walSync).toBeInstanceOf(WalSync);
    expect(memory.walSync).toBeUndefined();
  });

  async function setup() {
    const file = scratchFile();
    const handle = openDatabase(`sqlite:${file}`, { checkpoints: false });
    handles.push(handle);
    await sql`create table t (id integer primary key, v text not null unique)`.execute(handle.db);
    const f = heldFsync();
    const writer = new GroupCommitWriter(handle.db, new WalSync(`${file}-wal`, f.fsync));
    return { handle, writer, f };
  }
  const synchronous = async (db: DbHandle['db']) => (await sql<{ synchronous: number }>`pragma synchronous`.execute(db)).rows[0].synchronous;
  const tempStore = async (db: DbHandle['db']) => (await sql<{ temp_store: number }>`pragma temp_store`.execute(db)).rows[0].temp_store;
  const FULL = 2;
  const NORMAL = 1;
  const DEFAULT = 0;
  const MEMORY = 2;

  it('a batch commits without waiting for the disk, and its callers are answered once the log is synced', async () => {
    const { handle, writer, f } = await setup();
    let levelInBatch = -1;
    let tempInBatch = -1;
    const unit = writer.run(async (trx) => {
      await sql`insert into t (v) values ('a')`.execute(trx);
      levelInBatch = await synchronous(trx);
      tempInBatch = await tempStore(trx);
      return 'done';
    });
    await new Promise((r) => setTimeout(r, 20));
    // Committed (another reader sees the row), but not confirmed: the fsync has not returned.
    expect((await sql<{ v: string }>`select v from t`.execute(handle.db)).rows).toEqual([{ v: 'a' }]);
    expect(levelInBatch).toBe(NORMAL);
    // The units' savepoint journal is kept in memory, not written to a temporary file.
    expect(tempInBatch).toBe(MEMORY);
    expect(f.calls).toBe(1);
    expect(await state(unit)).toBe('pending');
    f.finish();
    await expect(unit).resolves.toBe('done');
    // Everything else on the connection commits with SQLite's own fsync again.
    expect(await synchronous(handle.db)).toBe(FULL);
    expect(await tempStore(handle.db)).toBe(DEFAULT);
  });

  it('a unit that needs no disk of its own ({ durable: false }) is answered at its commit; settled() still waits for the disk', async () => {
    const { handle, writer, f } = await setup();
    const claim = writer.run((trx) => sql`insert into t (v) values ('claim')`.execute(trx).then(() => 'claimed'), { durable: false });
    await expect(claim).resolves.toBe('claimed');
    expect(f.calls).toBe(0);
    expect((await sql<{ v: string }>`select v from t`.execute(handle.db)).rows).toEqual([{ v: 'claim' }]);
    // A retried form's answer, which may rest on that row, waits until it is on disk.
    const settled = writer.settled();
    expect(await state(settled)).toBe('pending');
    expect(f.calls).toBe(1);
    f.finish();
    expect(await state(settled)).toBe('resolved');
    // In a batch with a durable unit, each is answered at its own moment.
    const both = [writer.run((trx) => sql`insert into t (v) values ('x')`.execute(trx), { durable: false }), writer.run((trx) => sql`insert into t (v) values ('y')`.execute(trx))];
    await new Promise((r) => setTimeout(r, 20));
    expect(await state(both[0])).toBe('resolved');
    expect(await state(both[1])).toBe('pending');
    f.finish();
    expect(await state(both[1])).toBe('resolved');
  });

  it('the next batch runs while the previous one is synced', async () => {
    const { handle, writer, f } = await setup();
    const first = writer.run((trx) => sql`insert into t (v) values ('first')`.execute(trx));
    await new Promise((r) => setTimeout(r, 20));
    expect(f.running).toBe(1);
    const second = writer.run((trx) => sql`insert into t (v) values ('second')`.execute(trx));
    await new Promise((r) => setTimeout(r, 20));
    expect((await sql<{ v: string }>`select v from t order by id`.execute(handle.db)).rows.map((r) => r.v)).toEqual(['first', 'second']);
    expect(await state(first)).toBe('pending');
    expect(await state(second)).toBe('pending');
    f.finish();
    expect(await state(first)).toBe('resolved');
    // The first fsync started before the second batch committed: it cannot answer for it.
    expect(await state(second)).toBe('pending');
    f.finish();
    expect(await state(second)).toBe('resolved');
  });

  it('a failed sync fails every caller of its batch, and a unit that failed on its own keeps its own error', async () => {
    const { writer, f } = await setup();
    const outcomes = Promise.allSettled([
      writer.run((trx) => sql`insert into t (v) values ('b')`.execute(trx)),
      writer.run((trx) => sql`insert into t (v) values ('b')`.execute(trx)),
    ]);
    await new Promise((r) => setTimeout(r, 20));
    expect(f.calls).toBe(1);
    f.finish(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    const [ok, duplicate] = await outcomes;
    expect(ok.status).toBe('rejected');
    expect((ok as PromiseRejectedResult).reason.message).toMatch(/could not be written to disk/);
    expect(duplicate.status).toBe('rejected');
    expect((duplicate as PromiseRejectedResult).reason.code).toBe('SQLITE_CONSTRAINT_UNIQUE');
  });
});
