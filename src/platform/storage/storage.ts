import fs from 'node:fs';
import path from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseStorageUrl } from './url.js';

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
  /** The file as a stream; a key with no file gives a stream that fails with code ENOENT. */
  read(key: string): Readable;
  exists(key: string): Promise<boolean>;
  /** Proves the store is reachable and writable; throws with the reason when it is not. */
  check(): Promise<void>;
  /** `check()` as a yes or no, for health endpoints. */
  ping(): Promise<boolean>;
}

const KEY = /^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/;

/** The key of a file whose SHA-256 (hex) is `digest`. */
export const keyFor = (digest: string): string => `${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`;

/** Throws unless `key` has the shape of a content key, so no key can name anything else. */
export function assertKey(key: string): void {
  if (!KEY.test(key)) throw new Error(`Bad storage key ${key}`);
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
  const tmp = path.join(dir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
  const meter = new Meter(opts.maxBytes, opts.prefix);
  try {
    await pipeline(source, meter, fs.createWriteStream(tmp, { flags: 'wx' }));
  } catch (e) {
    await fs.promises.rm(tmp, { force: true });
    throw e;
  }
  const sha256 = meter.sha256();
  return { path: tmp, key: keyFor(sha256), sha256, size: meter.size };
}

/** Files in a folder on local disk: `<root>/ab/cd/<sha256>`. */
export class DiskStorage implements FileStorage {
  constructor(private root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  async put(source: Readable, opts: PutOptions): Promise<StoredFile> {
    const file = await spoolToTempFile(path.join(this.root, 'tmp'), source, opts);
    try {
      const dest = path.join(this.root, file.key);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      // Data reaches the disk before the row that points at it is committed.
      const fh = await fs.promises.open(file.path, 'r');
      await fh.sync();
      await fh.close();
      await fs.promises.rename(file.path, dest);
      return { key: file.key, sha256: file.sha256, size: file.size };
    } catch (e) {
      await fs.promises.rm(file.path, { force: true });
      throw e;
    }
  }

  read(key: string): Readable {
    return fs.createReadStream(this.pathOf(key));
  }

  async exists(key: string): Promise<boolean> {
    try {
      await fs.promises.access(this.pathOf(key));
      return true;
    } catch {
      return false;
    }
  }

  /** Writes, syncs and removes a small file in the temporary folder: the folder is there and writable. */
  async check(): Promise<void> {
    const probe = path.join(this.root, 'tmp', `check-${randomBytes(8).toString('hex')}`);
    try {
      await fs.promises.writeFile(probe, 'ok', { flag: 'wx' });
    } finally {
      await fs.promises.rm(probe, { force: true }).catch(() => undefined);
    }
  }

  async ping(): Promise<boolean> {
    return this.check().then(
      () => true,
      () => false,
    );
  }

  private pathOf(key: string): string {
    assertKey(key);
    return path.join(this.root, key);
  }
}

/**
 * The store STORAGE_URL names: `file:<folder>` (DiskStorage) or `s3://<bucket>?…` (S3Storage;
 * the AWS SDK is only loaded when it is used).
 */
export async function openStorage(url: string): Promise<FileStorage> {
  const location = parseStorageUrl(url);
  if (location.kind === 'file') return new DiskStorage(location.root);
  const { S3Storage } = await import('./s3.js');
  return new S3Storage(location);
}
