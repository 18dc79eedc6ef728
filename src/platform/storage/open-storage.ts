import type { FileStorage } from './storage.js';
import { DiskStorage } from './disk.js';
import { parseStorageUrl } from './url.js';

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
