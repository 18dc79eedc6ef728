import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

export class FileTooLargeError extends Error {
  constructor(public readonly limit: number) {
    super(`File larger than ${limit} bytes`);
  }
}

/**
 * The store itself failed (not the file and not the client sending it): a 500, logged.
 * It carries a `syscall`, as a failed disk write does, so code that tells "our outage" from "the
 * upload broke off" by that field treats both stores alike.
 */
export class StorageError extends Error {
  readonly syscall: string;
  readonly code: string;
  constructor(message: string, operation: string, options?: { cause?: unknown; code?: string }) {
    super(message, { cause: options?.cause });
    this.name = 'StorageError';
    this.syscall = operation;
    this.code = options?.code ?? 'ESTORAGE';
  }
}

export interface StoredFile {
  key: string;
  sha256: string;
  size: number;
}

/** A blob in the store, as its listing gives it. */
export interface StoredBlob {
  key: string;
  /** When it was last written, if the listing says so cheaply (S3 does; a folder needs a stat per file). */
  writtenAt?: Date;
}

/**
 * A file received into the store's private temporary place, not yet under its key: nothing
 * anyone can reach, and nothing left behind once discarded. An upload stages every file first
 * and commits them only when all were accepted, so a refused upload writes no blob at all.
 */
export interface StagedFile extends StoredFile {
  /**
   * Puts the bytes under their key. When the store already holds that key (the same bytes sent
   * before) nothing is written, and the temporary copy is kept for `ensure()`.
   */
  commit(): Promise<void>;
  /**
   * After `commit()`, inside the transaction that records the file (while it holds the blob lock,
   * see StorageJanitor): makes sure the blob is there, writing it again if the clean-up removed an
   * old unreferenced copy of the same bytes in the meantime. Costs nothing for a new blob.
   */
  ensure(): Promise<void>;
  /** Removes the temporary copy. Safe to call more than once, and after `commit()`. */
  discard(): Promise<void>;
}

export interface PutOptions {
  maxBytes: number;
  /** Bytes already read from the source (e.g. to sniff its type): stored first. */
  prefix?: Buffer;
}

/** Where uploaded files live. Files are stored under their content hash: `ab/cd/<sha256>`. */
export interface FileStorage {
  /**
   * Streams a file in; never holds it whole in memory. Refuses a file over `maxBytes` with
   * FileTooLargeError. Nothing is left behind on failure. The same bytes always get the same key.
   */
  put(source: Readable, opts: PutOptions): Promise<StoredFile>;
  /**
   * As `put`, but leaves the bytes in the store's temporary place until `commit()`: refused with
   * FileTooLargeError over `maxBytes`, nothing left behind on failure.
   */
  stage(source: Readable, opts: PutOptions): Promise<StagedFile>;
  /** The file as a stream; a key with no file gives a stream that fails with code ENOENT. */
  read(key: string): Readable;
  exists(key: string): Promise<boolean>;
  /** Proves the store is reachable and writable; throws with the reason when it is not. */
  check(): Promise<void>;
  /** `check()` as a yes or no, for health endpoints. */
  ping(): Promise<boolean>;
  /**
   * Every blob (content key) in the store, a page at a time, in key order: never the whole
   * listing in memory. Anything in the store that is not a content key is not listed.
   */
  list(pageSize?: number): AsyncIterable<StoredBlob[]>;
  /**
   * Removes the blob at `key` only if it was last written before `before`, looked at just before
   * removing it (a blob written again since it was listed stays). False when it was not removed.
   */
  removeIfOlder(key: string, before: Date): Promise<boolean>;
  /** Removes the store's temporary files last written before `before` (uploads that never finished). Returns how many. */
  removeStaleTemporaryFiles(before: Date): Promise<number>;
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The key of a file whose SHA-256 (hex) is `digest`. */
export const keyFor = (digest: string): string => `${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`;

/** A key of the store's own naming: `ab/cd/<sha256>` whose folders are the hash's first digits. */
export const isContentKey = (key: string): boolean => KEY.test(key) && key.slice(6, 10) === key.slice(0, 2) + key.slice(3, 5);

/** Throws unless `key` has the shape of a content key, so no key can name anything else. */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`Bad storage key ${key}`);
}

/** How a spooled file's name starts: the clean-up removes only such files from a shared temporary folder. */
export const SPOOL_PREFIX = 'upload-';
/** A spooled file's name: this prefix (or none, as older versions wrote), the time, random hex. */
const SPOOL_NAME = /^(upload-)?\d{13}-[0-9a-f]{16}$/;

/**
 * Removes from `dir` the files last modified before `before`; with `onlySpooled`, only files
 * named as spoolToTempFile names them (a temporary folder shared with other programs).
 */
export async function removeOldFiles(dir: string, before: Date, onlySpooled: boolean): Promise<number> {
  let names: string[];
  try {
    names = await fs.promises.readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 0;
    throw e;
  }
  let removed = 0;
  for (const name of names) {
    if (onlySpooled && !SPOOL_NAME.test(name)) continue;
    const file = path.join(dir, name);
    const st = await fs.promises.lstat(file).catch(() => undefined);
    if (!st?.isFile() || st.mtime >= before) continue;
    await fs.promises.rm(file, { force: true });
    removed++;
  }
  return removed;
}

/**
 * The StagedFile of a spooled file. `place` puts the bytes under their key (it may consume the
 * temporary file, as a rename does); `exists` tells whether the key is already there.
 */
export function stagedFile(file: SpooledFile, place: (file: SpooledFile) => Promise<void>, exists: (key: string) => Promise<boolean>): StagedFile {
  let pending = false; // committed without writing: the store already had these bytes
  return {
    key: file.key,
    sha256: file.sha256,
    size: file.size,
    commit: async () => {
      if (await exists(file.key)) {
        pending = true;
        return;
      }
      await place(file);
    },
    ensure: async () => {
      if (!pending) return;
      if (!(await exists(file.key))) await place(file);
      pending = false;
    },
    discard: () => fs.promises.rm(file.path, { force: true }),
  };
}

/** `put` as stage, commit, discard: for callers that store one file on its own. */
export async function putStaged(staged: StagedFile): Promise<StoredFile> {
  try {
    await staged.commit();
    await staged.ensure();
    return { key: staged.key, sha256: staged.sha256, size: staged.size };
  } finally {
    await staged.discard();
  }
}

export interface SpooledFile extends StoredFile {
  /** The temporary file holding the bytes; the caller moves or removes it. */
  path: string;
}

/**
 * Counts, limits and hashes the bytes on their way to the file, `prefix` first. One Transform
 * does all three so that a chunk makes a single hop between the upload and the file: every hop
 * costs main-thread time per chunk, and each stream in the chain may hold chunks of its own.
 */
class Meter extends Transform {
  size = 0;
  private hash = createHash('sha256');
  constructor(
    private maxBytes: number,
    private prefix: Buffer | undefined,
  ) {
    super();
  }

  /** The digest, once the source has ended. */
  sha256(): string {
    return this.hash.digest('hex');
  }

  /** Counts and hashes `chunk` and passes it on; over the limit, fails the stream and returns false. */
  private pass(chunk: Buffer, cb: (e: Error) => void): boolean {
    this.size += chunk.length;
    if (this.size > this.maxBytes) {
      cb(new FileTooLargeError(this.maxBytes));
      return false;
    }
    this.hash.update(chunk);
    this.push(chunk);
    return true;
  }

  /** The prefix goes out just before the first chunk of the source, or at its end if it had none. */
  private passPrefix(cb: (e: Error) => void): boolean {
    const prefix = this.prefix;
    this.prefix = undefined;
    return !prefix?.length || this.pass(prefix, cb);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    if (this.passPrefix(cb) && this.pass(chunk, cb)) cb();
  }

  override _flush(cb: (e?: Error | null) => void): void {
    if (this.passPrefix(cb)) cb();
  }
}

/**
 * Streams `prefix` then `source` into a new file in `dir`, hashing and counting as it goes.
 * Over `maxBytes` it stops with FileTooLargeError; on any failure the temporary file is removed.
 *
 * One pipeline, source → Meter → file, with backpressure all the way: while the disk is behind,
 * the source is paused (for an upload, its socket stops being read), so an upload holds only a
 * few chunks in memory, whatever its size and however many run at once.
 */
export async function spoolToTempFile(dir: string, source: Readable, opts: PutOptions): Promise<SpooledFile> {
  const tmp = path.join(dir, `${SPOOL_PREFIX}${Date.now()}-${randomBytes(8).toString('hex')}`);
  const meter = new Meter(opts.maxBytes, opts.prefix);
  const out = fs.createWriteStream(tmp, { flags: 'wx' });
  try {
    await pipeline(source, meter, out);
  } catch (e) {
    // A refusal can come before the file has finished opening: the stream, destroyed, still
    // creates it and then closes it. Removing it before that close would leave it behind.
    if (!out.closed) await new Promise<void>((resolve) => out.once('close', () => resolve()));
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  const sha256 = meter.sha256();
  return { path: tmp, key: keyFor(sha256), sha256, size: meter.size };
}
