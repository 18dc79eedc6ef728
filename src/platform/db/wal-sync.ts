import fs from 'node:fs';

type Fsync = (fd: number, done: (error: NodeJS.ErrnoException | null) => void) => void;

/**
 * Puts SQLite's write-ahead log on disk from libuv's thread pool, so the event loop never waits
 * for the disk (ADR 0045).
 *
 * The group-commit writer commits its batches with `synchronous = NORMAL`: SQLite then writes
 * the batch's frames to the `-wal` file but does not fsync it. Each commit calls `committed()`,
 * and its callers are answered only once an fsync that *started after* the commit has returned:
 * the same promise as `synchronous = FULL` (nothing is confirmed before it is on disk), but the
 * wait happens off the main thread, which meanwhile runs the next batch. The sync flushes the
 * file, not a descriptor, so this descriptor's covers SQLite's writes through its own; it is an
 * fdatasync, as SQLite's own on Linux: the data and what is needed to read it back (the size),
 * not the times.
 *
 * Syncs are shared: commits made while one fsync runs all wait for the next one, at most one
 * runs at a time. After a failed fsync nothing is known about what reached the disk (Linux may
 * report the lost pages once only), so every later wait fails too, like SQLite's own I/O errors,
 * until the process restarts and SQLite recovers the log.
 */
export class WalSync {
  private fd: number | undefined;
  /** Commits counted so far, and how many of them are known to be on disk. */
  private written = 0;
  private synced = 0;
  private running = false;
  private failed: Error | undefined;
  private waiters: { upTo: number; resolve(): void; reject(error: Error): void }[] = [];

  constructor(
    private walFile: string,
    private fsync: Fsync = fs.fdatasync,
  ) {}

  /** Called right after a commit that did not wait for the disk: resolves once it is on disk. */
  committed(): Promise<void> {
    return this.until(++this.written);
  }

  /** Counts a commit nobody waits for: the next sync covers it, and `settled()` waits for it. */
  wrote(): void {
    this.written++;
  }

  /** Resolves once every commit counted so far is on disk (at once when they are). */
  settled(): Promise<void> {
    return this.until(this.written);
  }

  /** Closes the descriptor, after the last sync; the log itself belongs to SQLite. */
  async close(): Promise<void> {
    await this.settled().catch(() => {});
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private until(upTo: number): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.synced >= upTo) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.waiters.push({ upTo, resolve, reject });
      this.start();
    });
  }

  private start(): void {
    if (this.running || this.waiters.length === 0) return;
    this.running = true;
    // Everything committed before this moment is covered by the fsync that starts now.
    const upTo = this.written;
    let fd: number;
    try {
      // The log exists once SQLite has committed to it; opened once, it stays the same file while
      // the app's connection is open (SQLite removes it only when the last connection closes).
      fd = this.fd ??= fs.openSync(this.walFile, 'r+');
    } catch (e) {
      this.finish(upTo, e as Error);
      return;
    }
    this.fsync(fd, (error) => this.finish(upTo, error));
  }

  private finish(upTo: number, error: Error | null): void {
    this.running = false;
    if (error) {
      this.failed = new Error(`the database's write-ahead log could not be written to disk: ${error.message}`, { cause: error });
      for (const w of this.waiters.splice(0)) w.reject(this.failed);
      return;
    }
    this.synced = Math.max(this.synced, upTo);
    const still: typeof this.waiters = [];
    for (const w of this.waiters) {
      if (w.upTo <= this.synced) w.resolve();
      else still.push(w);
    }
    this.waiters = still;
    this.start();
  }
}
