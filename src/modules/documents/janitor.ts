import type { Deps } from '../../deps.js';
import { DocumentsRepository } from './repository.js';

/** Blobs and temporary files younger than this are never removed (see StorageJanitor). */
export const CLEAN_AFTER_MS = 24 * 60 * 60_000;
/** Unreferenced blobs removed per transaction: the blob lock is held briefly, never for a whole page. */
const REMOVE_BATCH = 25;

export interface CleanReport {
  /** Blobs listed in the store. */
  blobsChecked: number;
  /** Unreferenced blobs older than a day, removed. */
  blobsRemoved: number;
  /** Temporary files of uploads that never finished, removed. */
  temporaryFilesRemoved: number;
}

/**
 * PRV-3, DOC-6: removes what nothing points at, so the store holds only recorded documents.
 *
 * - Temporary files (uploads cut off by a crash or a restart) last written over a day ago.
 * - Blobs that no row names (BLOB_REFERENCES) and that were last written over a day ago: an
 *   upload refused by the database after its files were committed, a row removed some day.
 *
 * Why a day: a blob being written now, or committed by an upload that records it a moment later,
 * is fresh, and no upload lasts a day (HTTP_REQUEST_TIMEOUT_SECONDS is minutes). The one case the
 * age cannot settle — the same bytes uploaded again just as an old unreferenced copy is removed —
 * is settled by the blob lock (DocumentsRepository.lockBlobs, StagedFile.ensure).
 *
 * The store is read a page at a time and the references are checked a page at a time (one indexed
 * query per page), so a store of millions of files is never held in memory. Running it twice,
 * or on several instances at once, removes nothing more: each removal looks again first.
 */
export class StorageJanitor {
  private repo: DocumentsRepository;
  constructor(
    private deps: Pick<Deps, 'db' | 'storage' | 'clock'>,
    private pageSize = 1000,
  ) {
    this.repo = new DocumentsRepository(deps.db);
  }

  async runOnce(): Promise<CleanReport> {
    const before = new Date(this.deps.clock.now().getTime() - CLEAN_AFTER_MS);
    const report: CleanReport = { blobsChecked: 0, blobsRemoved: 0, temporaryFilesRemoved: 0 };
    report.temporaryFilesRemoved = await this.deps.storage.removeStaleTemporaryFiles(before);
    for await (const page of this.deps.storage.list(this.pageSize)) {
      report.blobsChecked += page.length;
      // A listing that gives the time (S3) spares the store a look at each fresh blob.
      const old = page.filter((b) => !b.writtenAt || b.writtenAt < before).map((b) => b.key);
      const referenced = await this.repo.referencedKeys(old);
      const unreferenced = old.filter((k) => !referenced.has(k));
      for (let i = 0; i < unreferenced.length; i += REMOVE_BATCH) {
        report.blobsRemoved += await this.remove(unreferenced.slice(i, i + REMOVE_BATCH), before);
      }
    }
    return report;
  }

  /** Under the blob lock: looks at the references again, then removes each blob still old. */
  private remove(keys: string[], before: Date): Promise<number> {
    return this.deps.db.transaction().execute(async (trx) => {
      await this.repo.lockBlobs(trx, 'exclusive');
      const referenced = await this.repo.referencedKeys(keys, trx);
      let removed = 0;
      for (const key of keys) {
        if (!referenced.has(key) && (await this.deps.storage.removeIfOlder(key, before))) removed++;
      }
      return removed;
    });
  }
}
