import { createRequire } from 'node:module';
import path from 'node:path';
import { Worker } from 'node:worker_threads';

const require = createRequire(import.meta.url);

/** How often the checkpointer looks for committed pages to copy: often enough that the WAL stays a few megabytes under load. */
export const CHECKPOINT_EVERY_MS = 50;
/**
 * While the checkpointer runs, the app's own connection checkpoints only past this many WAL
 * pages (about 400 MB): a bound should the thread hang. The WAL is reset to its start only at a
 * moment when everything in it has been copied, so through a long rush of writes it grows (the
 * benchmark's 5,400 rosters in ten seconds: about 70,000 pages); a lower line here made the app's
 * thread checkpoint at every commit past it. When the thread stops, the connection goes back to
 * SQLite's own automatic checkpoint.
 */
export const FALLBACK_AUTOCHECKPOINT_PAGES = 100_000;
/** SQLite's own automatic checkpoint, in pages, when no checkpointer runs. */
export const SQLITE_AUTOCHECKPOINT_PAGES = 1000;

/** What one checkpoint did: pages in the WAL, pages copied to the database, and whether a reader held it back. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/**
 * SQLite's checkpoints on a thread of their own (ADR 0044). In WAL mode a commit appends the
 * changed pages to the WAL; a checkpoint copies them into the database file and syncs it. Left
 * to the app's connection (SQLite's automatic checkpoint, every 1,000 pages), that copy runs
 * inside whichever commit crosses the line — on the one thread that also answers every
 * request: at the attendance benchmark's rush, about a fifth of the app's CPU. Here a worker
 * thread with its own connection runs a PASSIVE checkpoint every CHECKPOINT_EVERY_MS: it copies
 * what is committed without waiting for or blocking the app's reads and writes, and SQLite keeps
 * it safe against a crash at any point (the WAL is only reset once everything in it is in the
 * database). The worker is CommonJS of its own, as workers do not go through the TypeScript
 * loader.
 */
export class Checkpointer {
  private worker: Worker;
  private waiting: { resolve(r: CheckpointResult): void; reject(e: Error): void }[] = [];
  private stopped: Promise<void> | null = null;
  private exited = false;

  constructor(file: string, opts: { everyMs?: number; onError?: (message: string) => void; onExit?: () => void } = {}) {
    const onError = opts.onError ?? ((message: string) => console.error(JSON.stringify({ level: 'warn', msg: 'database checkpoint failed', err: message })));
    this.worker = new Worker(
      `
      const { parentPort, workerData } = require('node:worker_threads');
      const Database = require(workerData.module);
      const db = new Database(workerData.file);
      let asked = 0;
      const timer = setInterval(() => {
        try {
          const r = db.pragma('wal_checkpoint(PASSIVE)')[0];
          if (asked && r.log > 0) { asked = 0; parentPort.postMessage({ result: r }); }
        } catch (e) {
          parentPort.postMessage({ error: e.message });
        }
      }, workerData.every);
      parentPort.on('message', (m) => {
        if (m === 'next') asked++;
        if (m === 'stop') { clearInterval(timer); db.close(); parentPort.close(); }
      });
      `,
      { eval: true, workerData: { module: require.resolve('better-sqlite3'), file: path.resolve(file), every: opts.everyMs ?? CHECKPOINT_EVERY_MS } },
    );
    // It must never keep the process alive on its own; the app stops it when it closes.
    this.worker.unref();
    this.worker.on('message', (m: { result?: CheckpointResult; error?: string }) => {
      if (m.error) onError(m.error);
      if (m.result) for (const w of this.waiting.splice(0)) w.resolve(m.result);
    });
    this.worker.once('exit', () => {
      this.exited = true;
      opts.onExit?.();
    });
    this.worker.on('error', (e) => {
      onError(e.message);
      for (const w of this.waiting.splice(0)) w.reject(e);
    });
  }

  /** Whether its thread is still there. */
  get running(): boolean {
    return !this.exited;
  }

  /** The next checkpoint that finds pages in the WAL (for tests and the operator's checks). */
  next(): Promise<CheckpointResult> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.worker.postMessage('next');
    });
  }

  /** Stops the checkpoints and closes the worker's connection: before the app's own connection closes. */
  stop(): Promise<void> {
    this.stopped ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      const done = setTimeout(() => void this.worker.terminate().then(() => resolve()), 2_000);
      done.unref();
      this.worker.once('exit', () => {
        clearTimeout(done);
        resolve();
      });
      this.worker.postMessage('stop');
    });
    return this.stopped;
  }
}
