import fs from 'node:fs';
import os from 'node:os';
import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsCommand,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import {
  assertKey,
  isContentKey,
  putStaged,
  removeOldFiles,
  spoolToTempFile,
  stagedFile,
  StorageError,
  type FileStorage,
  type PutOptions,
  type StagedFile,
  type StoredBlob,
  type StoredFile,
} from './storage.js';
import type { StorageLocation } from './url.js';

export type S3Location = Extract<StorageLocation, { kind: 's3' }>;

export interface S3StorageOptions {
  /** Explicit credentials; by default the AWS SDK's chain (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, profile, role). */
  credentials?: S3ClientConfig['credentials'];
  /** Where uploads are spooled before they are sent; by default the system's (TMPDIR). */
  tmpDir?: string;
  /** Attempts per upload (each one re-reads the spooled file). */
  putAttempts?: number;
  /** Time limit of one upload attempt, and of a readiness check. */
  putTimeoutMs?: number;
  checkTimeoutMs?: number;
}

const statusOf = (e: unknown): number | undefined => (e as { $metadata?: { httpStatusCode?: number } } | null)?.$metadata?.httpStatusCode;

/** A failure worth one more try: the server's (5xx), throttling, a timeout, or the network. */
const retryable = (e: unknown): boolean => {
  const status = statusOf(e);
  if (status === undefined) return true; // no answer at all: connection refused, reset, timed out
  return status >= 500 || status === 429 || status === 408;
};

const notFound = (e: unknown): boolean => {
  const name = (e as { name?: string } | null)?.name;
  return statusOf(e) === 404 || name === 'NoSuchKey' || name === 'NotFound';
};

// The SDK would log every failed command, and warn whenever a streamed upload fails (it cannot
// retry one itself). Failures reach the caller as errors instead: put() retries with a fresh
// stream and reports what finally failed; a missing object is an ordinary answer.
const quietLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].includes('non-retryable streaming request')) return;
    console.warn(...args);
  },
  error: () => undefined,
  trace: () => undefined,
};

/**
 * Files in an S3-compatible bucket, under the same content keys as on disk: `ab/cd/<sha256>`.
 *
 * An upload is first streamed to a temporary file while it is hashed and counted (as on disk),
 * so nothing is sent before it is known to be within the limit and what its key is; the file is
 * then sent with one streamed PutObject of known length, carrying its SHA-256 for the server to
 * verify. Memory stays a few stream buffers per upload, whatever the file size.
 */
export class S3Storage implements FileStorage {
  readonly client: S3Client;
  readonly bucket: string;
  private tmpDir: string;
  private putAttempts: number;
  private putTimeoutMs: number;
  private checkTimeoutMs: number;

  constructor(location: Omit<S3Location, 'kind'>, opts: S3StorageOptions = {}) {
    this.bucket = location.bucket;
    this.tmpDir = opts.tmpDir ?? os.tmpdir();
    this.putAttempts = opts.putAttempts ?? 3;
    this.putTimeoutMs = opts.putTimeoutMs ?? 120_000;
    this.checkTimeoutMs = opts.checkTimeoutMs ?? 5_000;
    this.client = new S3Client({
      region: location.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? 'us-east-1',
      endpoint: location.endpoint,
      forcePathStyle: location.forcePathStyle,
      credentials: opts.credentials,
      // Checksums only where S3 requires them: many S3-compatible servers do not take the SDK's
      // default trailing checksums on streamed bodies. put() sends its own SHA-256 instead.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
      requestHandler: { connectionTimeout: 5_000 },
      logger: quietLogger,
    });
  }

  async put(source: Readable, opts: PutOptions): Promise<StoredFile> {
    return putStaged(await this.stage(source, opts));
  }

  /** Spooled locally; nothing reaches the bucket before `commit()`. */
  async stage(source: Readable, opts: PutOptions): Promise<StagedFile> {
    const file = await spoolToTempFile(this.tmpDir, source, opts);
    return stagedFile(file, (f) => this.upload(f.path, f.key, f.size, f.sha256), (key) => this.exists(key));
  }

  /**
   * ListObjects, a page (at most 1,000 keys) per request, each page starting after the last key of
   * the one before (Marker). The first version of the call on purpose: every S3-compatible server
   * takes a plain key as the place to start from, where some make ListObjectsV2's continuation
   * tokens with ciphers newer OpenSSL builds no longer have. Other objects in the bucket are skipped.
   */
  async *list(pageSize = 1000): AsyncIterable<StoredBlob[]> {
    let after: string | undefined;
    for (;;) {
      let res;
      try {
        res = await this.client.send(new ListObjectsCommand({ Bucket: this.bucket, Marker: after, MaxKeys: Math.min(1000, pageSize) }));
      } catch (e) {
        throw new StorageError(`Could not list bucket ${this.bucket}: ${(e as Error).message}`, 'ListObjects', { cause: e });
      }
      const contents = res.Contents ?? [];
      const page = contents.filter((o) => o.Key && isContentKey(o.Key)).map((o) => ({ key: o.Key!, writtenAt: o.LastModified }));
      if (page.length) yield page;
      if (!res.IsTruncated || contents.length === 0) return;
      after = contents[contents.length - 1].Key;
    }
  }

  /**
   * HeadObject gives the time it was last written (a PutObject of the same bytes since it was
   * listed makes it new again); then DeleteObject. S3 has no "delete if unchanged" for one key
   * that the same bytes would not defeat, so the janitor calls this while it holds the blob lock,
   * which uploads take before recording a file (StagedFile.ensure).
   */
  async removeIfOlder(key: string, before: Date): Promise<boolean> {
    assertKey(key);
    let writtenAt: Date | undefined;
    try {
      writtenAt = (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).LastModified;
    } catch (e) {
      if (notFound(e)) return false;
      throw new StorageError(`Could not look up ${key} in bucket ${this.bucket}: ${(e as Error).message}`, 'HeadObject', { cause: e });
    }
    if (!writtenAt || writtenAt >= before) return false;
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (notFound(e)) return false;
      throw new StorageError(`Could not remove ${key} from bucket ${this.bucket}: ${(e as Error).message}`, 'DeleteObject', { cause: e });
    }
  }

  /**
   * Uploads are spooled on this machine, so each instance clears its own spool folder. That
   * folder may be the system's, shared with other programs: only files named as the spool names
   * them are removed. PutObject is one request, so the bucket keeps no half-sent uploads.
   */
  removeStaleTemporaryFiles(before: Date): Promise<number> {
    return removeOldFiles(this.tmpDir, before, true);
  }

  private async upload(filePath: string, key: string, size: number, sha256: string): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      const body = fs.createReadStream(filePath);
      try {
        await this.client.send(
          new PutObjectCommand({
            Bucket: this.bucket,
            Key: key,
            Body: body,
            ContentLength: size,
            ContentType: 'application/octet-stream',
            ChecksumSHA256: Buffer.from(sha256, 'hex').toString('base64'),
          }),
          { abortSignal: AbortSignal.timeout(this.putTimeoutMs) },
        );
        return;
      } catch (e) {
        if (attempt >= this.putAttempts || !retryable(e)) {
          throw new StorageError(`Could not store ${key} in bucket ${this.bucket}: ${(e as Error).message}`, 'PutObject', { cause: e });
        }
        await new Promise((r) => setTimeout(r, 100 * 4 ** (attempt - 1) * (0.5 + Math.random())));
      } finally {
        body.destroy();
      }
    }
  }

  read(key: string): Readable {
    assertKey(key);
    const out = new PassThrough();
    const abort = new AbortController();
    // A reader that goes away (a closed download) stops the transfer.
    out.once('close', () => abort.abort());
    this.client
      .send(new GetObjectCommand({ Bucket: this.bucket, Key: key }), { abortSignal: abort.signal })
      .then((res) => pipeline(res.Body as Readable, out))
      .catch((e: unknown) => {
        if (out.destroyed) return;
        out.destroy(
          notFound(e)
            ? new StorageError(`No file ${key} in bucket ${this.bucket}`, 'GetObject', { cause: e, code: 'ENOENT' })
            : new StorageError(`Could not read ${key} from bucket ${this.bucket}: ${(e as Error).message}`, 'GetObject', { cause: e }),
        );
      });
    return out;
  }

  async exists(key: string): Promise<boolean> {
    try {
      assertKey(key);
    } catch {
      return false; // as on disk: a key of another shape names no file
    }
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }));
      return true;
    } catch (e) {
      if (notFound(e)) return false;
      throw new StorageError(`Could not look up ${key} in bucket ${this.bucket}: ${(e as Error).message}`, 'HeadObject', { cause: e });
    }
  }

  /** HeadBucket: the server answers, the bucket is there and these credentials may use it. */
  async check(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }), { abortSignal: AbortSignal.timeout(this.checkTimeoutMs) });
    } catch (e) {
      const status = statusOf(e);
      throw new StorageError(
        `Bucket ${this.bucket} is not reachable${status ? ` (HTTP ${status})` : ''}: ${(e as Error).message || (e as Error).name}`,
        'HeadBucket',
        { cause: e },
      );
    }
  }

  async ping(): Promise<boolean> {
    return this.check().then(
      () => true,
      () => false,
    );
  }

  /** Closes the client's connections (tests, shutdown). */
  destroy(): void {
    this.client.destroy();
  }
}
