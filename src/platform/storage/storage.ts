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

export interface StoredFile {
  key: string;
  sha256: string;
  size: number;
}

/** Where uploaded files live. Files are stored under their content hash. */
export interface FileStorage {
  /** Streams a file in; never holds it whole in memory. Nothing is left behind on failure. */
  put(source: Readable, opts: { maxBytes: number; prefix?: Buffer }): Promise<StoredFile>;
  read(key: string): Readable;
  exists(key: string): Promise<boolean>;
  ping(): Promise<boolean>;
}

/** Files in a folder on local disk: `<root>/ab/cd/<sha256>`. */
export class DiskStorage implements FileStorage {
  constructor(private root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  async put(source: Readable, opts: { maxBytes: number; prefix?: Buffer }): Promise<StoredFile> {
    const tmp = path.join(this.root, 'tmp', `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hash = createHash('sha256');
    let size = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        size += chunk.length;
        if (size > opts.maxBytes) return cb(new FileTooLargeError(opts.maxBytes));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const prefix = opts.prefix;
    async function* withPrefix() {
      if (prefix && prefix.length) yield prefix;
      yield* source;
    }
    try {
      await pipeline(withPrefix(), meter, fs.createWriteStream(tmp, { flags: 'wx' }));
      const digest = hash.digest('hex');
      const key = `${digest.slice(0, 2)}/${digest.slice(2, 4)}/${digest}`;
      const dest = path.join(this.root, key);
      await fs.promises.mkdir(path.dirname(dest), { recursive: true });
      // Data reaches the disk before the row that points at it is committed.
      const fh = await fs.promises.open(tmp, 'r');
      await fh.sync();
      await fh.close();
      await fs.promises.rename(tmp, dest);
      return { key, sha256: digest, size };
    } catch (e) {
      await fs.promises.rm(tmp, { force: true });
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

  async ping(): Promise<boolean> {
    try {
      await fs.promises.access(path.join(this.root, 'tmp'), fs.constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }

  private pathOf(key: string): string {
    if (!/^[0-9a-f]{2}\/[0-9a-f]{2}\/[0-9a-f]{64}$/.test(key)) throw new Error(`Bad storage key ${key}`);
    return path.join(this.root, key);
  }
}

export function openStorage(url: string): FileStorage {
  if (url.startsWith('file:')) return new DiskStorage(path.resolve(url.slice('file:'.length)));
  throw new Error(`STORAGE_URL must start with file: (got "${url}"); S3-compatible storage is planned`);
}
