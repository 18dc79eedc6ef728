import fs from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import {
  assertKey,
  isContentKey,
  putStaged,
  removeOldFiles,
  spoolToTempFile,
  stagedFile,
  type FileStorage,
  type PutOptions,
  type SpooledFile,
  type StagedFile,
  type StoredBlob,
  type StoredFile,
} from './storage.js';

/** The two-hex-digit folders of `dir`, in order. */
async function hexFolders(dir: string): Promise<string[]> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries.filter((e) => e.isDirectory() && /^[0-9a-f]{2}$/.test(e.name)).map((e) => e.name).sort();
}

/** Files in a folder on local disk: `<root>/ab/cd/<sha256>`. */
export class DiskStorage implements FileStorage {
  constructor(private root: string) {
    fs.mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  async put(source: Readable, opts: PutOptions): Promise<StoredFile> {
    return putStaged(await this.stage(source, opts));
  }

  async stage(source: Readable, opts: PutOptions): Promise<StagedFile> {
    const file = await spoolToTempFile(path.join(this.root, 'tmp'), source, opts);
    return stagedFile(file, (f) => this.place(f), (key) => this.exists(key));
  }

  /** Moves a spooled file under its key. */
  private async place(file: SpooledFile): Promise<void> {
    const dest = path.join(this.root, file.key);
    await fs.promises.mkdir(path.dirname(dest), { recursive: true });
    // Data reaches the disk before the row that points at it is committed.
    const fh = await fs.promises.open(file.path, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fs.promises.rename(file.path, dest);
  }

  /**
   * Walks `ab/cd/` folders in order, one folder read at a time: a store of millions of files is
   * never listed whole (each leaf folder holds a 65,536th of it).
   */
  async *list(pageSize = 1000): AsyncIterable<StoredBlob[]> {
    let page: StoredBlob[] = [];
    for (const a of await hexFolders(this.root)) {
      for (const b of await hexFolders(path.join(this.root, a))) {
        const names = (await fs.promises.readdir(path.join(this.root, a, b)).catch(() => [] as string[])).sort();
        for (const name of names) {
          const key = `${a}/${b}/${name}`;
          if (!isContentKey(key)) continue;
          page.push({ key });
          if (page.length >= pageSize) {
            yield page;
            page = [];
          }
        }
      }
    }
    if (page.length) yield page;
  }

  async removeIfOlder(key: string, before: Date): Promise<boolean> {
    const file = this.pathOf(key);
    const st = await fs.promises.stat(file).catch(() => undefined);
    if (!st || st.mtime >= before) return false;
    try {
      await fs.promises.unlink(file);
      return true;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false; // another clean-up was first
      throw e;
    }
  }

  /** Everything in `<root>/tmp` is ours: spooled uploads and check() probes. */
  removeStaleTemporaryFiles(before: Date): Promise<number> {
    return removeOldFiles(path.join(this.root, 'tmp'), before, false);
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
